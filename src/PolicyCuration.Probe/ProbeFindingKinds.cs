using PolicyCuration.Format.Findings;

namespace PolicyCuration.Probe;

/// <summary>The findings of a live probe: DNS, SMTP, TLS, certificates, MTA-STS, TLS-RPT and DANE.</summary>
public static class ProbeFindingKinds
{
    /// <summary>The domain has no MX records (mail would go to its address records).</summary>
    public static readonly FindingKind MxNone = new("dns.mx.none", Severity.Error, "No MX records") { Remedy = "Publish MX records for the domain's mail servers, or ask for the entry's removal." };

    /// <summary>The domain publishes a null MX (RFC 7505): it accepts no mail.</summary>
    public static readonly FindingKind MxNull = new("dns.mx.null", Severity.Error, "Null MX") { Remedy = "A domain that receives no mail has no place on the list: ask for the entry's removal." };

    /// <summary>The domain does not exist.</summary>
    public static readonly FindingKind MxNxDomain = new("dns.mx.nxdomain", Severity.Error, "Domain does not exist") { Remedy = "Restore the domain's delegation, or ask for the entry's removal." };

    /// <summary>The MX lookup failed: SERVFAIL, refusal, timeout or a malformed answer.</summary>
    public static readonly FindingKind MxLookupFailed = new("dns.mx.lookup_failed", Severity.Error, "MX lookup failed") { Remedy = "Make the domain's name servers answer MX queries (check DNSSEC signatures and every name server)." };

    /// <summary>An MX host that no pattern of the entry covers.</summary>
    public static readonly FindingKind MxUnmatched = new("dns.mx.unmatched", Severity.Error, "MX not covered by entry") { Remedy = "Add a pattern that covers the new MX host to the entry, or move the MX back under the listed patterns." };

    /// <summary>More MX hosts than the probe checks.</summary>
    public static readonly FindingKind MxTooMany = new("dns.mx.too_many", Severity.Error, "Too many MX hosts") { Remedy = "Publish fewer MX hosts, or cover them with fewer, wider patterns." };

    /// <summary>A chain of CNAME records that loops or is too long.</summary>
    public static readonly FindingKind CnameLoop = new("dns.cname.loop", Severity.Error, "CNAME loop") { Remedy = "Break the CNAME loop or shorten the chain so that each MX host resolves." };

    /// <summary>An MX host with no A or AAAA record.</summary>
    public static readonly FindingKind AddressNone = new("dns.address.none", Severity.Error, "MX host has no address") { Remedy = "Give each MX host an A or AAAA record, or remove it from the MX set." };

    /// <summary>The address lookup of an MX host failed.</summary>
    public static readonly FindingKind AddressLookupFailed = new("dns.address.lookup_failed", Severity.Error, "Address lookup failed") { Remedy = "Make the name servers of the MX hosts answer A and AAAA queries." };

    /// <summary>An MX host resolves to an address that is not on the public internet; the probe does not connect there.</summary>
    public static readonly FindingKind AddressNotPublic = new("dns.address.not_public", Severity.Error, "MX address not public") { Remedy = "Point the MX hosts at public addresses; private, loopback and reserved ones cannot receive mail from the internet." };

    /// <summary>No TCP connection to the MX host.</summary>
    public static readonly FindingKind ConnectFailed = new("smtp.connect.failed", Severity.Error, "Cannot connect") { Remedy = "Open port 25 to the internet on every MX host and keep the server running." };

    /// <summary>No complete greeting within the timeout.</summary>
    public static readonly FindingKind GreetingTimeout = new("smtp.greeting.timeout", Severity.Error, "Greeting timed out") { Remedy = "Make the server send its 220 greeting promptly (check greet-delay and overload settings)." };

    /// <summary>A greeting other than 220.</summary>
    public static readonly FindingKind GreetingRejected = new("smtp.greeting.rejected", Severity.Error, "Greeting refused service") { Remedy = "Let the server greet senders with 220 rather than refusing service." };

    /// <summary>EHLO was refused.</summary>
    public static readonly FindingKind EhloFailed = new("smtp.ehlo.failed", Severity.Error, "EHLO failed") { Remedy = "Make the server accept EHLO from any sender." };

    /// <summary>The server closed or reset the connection in the middle of the conversation.</summary>
    public static readonly FindingKind ConnectionLost = new("smtp.connection.lost", Severity.Error, "Connection lost") { Remedy = "Find why the server drops connections (load, limits, crashes) and fix it." };

    /// <summary>A reply other than the greeting did not come within the timeout.</summary>
    public static readonly FindingKind ReplyTimeout = new("smtp.reply.timeout", Severity.Error, "Reply timed out") { Remedy = "Make the server reply to each command within the SMTP time limits." };

    /// <summary>A reply with a line or a number of lines beyond the bounds.</summary>
    public static readonly FindingKind ReplyOversized = new("smtp.reply.oversized", Severity.Error, "Reply too long") { Remedy = "Shorten the server's replies; an SMTP reply has a few short lines." };

    /// <summary>A reply that is not SMTP: no three-digit code, mixed codes, or the connection closed mid-reply.</summary>
    public static readonly FindingKind ReplyMalformed = new("smtp.reply.malformed", Severity.Error, "Malformed reply") { Remedy = "Fix the server's replies so that they follow RFC 5321's reply syntax." };

    /// <summary>EHLO does not list STARTTLS.</summary>
    public static readonly FindingKind StartTlsNotOffered = new("smtp.starttls.not_offered", Severity.Error, "STARTTLS not offered") { Remedy = "Enable STARTTLS on every MX host (Postfix: smtpd_tls_security_level = may, with a certificate)." };

    /// <summary>STARTTLS was answered with something other than 220.</summary>
    public static readonly FindingKind StartTlsRejected = new("smtp.starttls.rejected", Severity.Error, "STARTTLS refused") { Remedy = "Make the server accept the STARTTLS command it offers." };

    /// <summary>The TLS handshake failed.</summary>
    public static readonly FindingKind HandshakeFailed = new("tls.handshake.failed", Severity.Error, "TLS handshake failed") { Remedy = "Fix the server's TLS setup: a certificate and key it can load, and TLS 1.2 or later." };

    /// <summary>The server speaks only TLS versions below 1.2.</summary>
    public static readonly FindingKind VersionObsolete = new("tls.version.obsolete", Severity.Error, "TLS below 1.2") { Remedy = "Enable TLS 1.2 or 1.3 on the server." };

    /// <summary>The certificate does not chain to a trusted root.</summary>
    public static readonly FindingKind CertUntrusted = new("tls.cert.untrusted", Severity.Error, "Certificate untrusted") { Remedy = "Serve a certificate from a public CA with its full intermediate chain." };

    /// <summary>The certificate (or one in its chain) has expired.</summary>
    public static readonly FindingKind CertExpired = new("tls.cert.expired", Severity.Error, "Certificate expired") { Remedy = "Renew the certificate and reload the server; automate renewal." };

    /// <summary>The certificate (or one in its chain) is not valid yet.</summary>
    public static readonly FindingKind CertNotYetValid = new("tls.cert.not_yet_valid", Severity.Error, "Certificate not yet valid") { Remedy = "Check the server's clock and the certificate's start date." };

    /// <summary>The certificate is not valid for the MX host name.</summary>
    public static readonly FindingKind CertNameMismatch = new("tls.cert.name_mismatch", Severity.Error, "Certificate name mismatch") { Remedy = "Serve a certificate whose names include the MX host's name." };

    /// <summary>No name of the certificate matches a pattern of the entry.</summary>
    public static readonly FindingKind CertPatternMismatch = new("tls.cert.pattern_mismatch", Severity.Error, "Certificate matches no pattern") { Remedy = "Serve a certificate with a name the entry's patterns cover, or change the entry's patterns." };

    /// <summary>The certificate expires within 14 days.</summary>
    public static readonly FindingKind CertExpiresSoon = new("tls.cert.expires_soon", Severity.Warning, "Certificate expires soon") { Remedy = "Renew the certificate before it expires; automate renewal." };

    /// <summary>No <c>_mta-sts</c> TXT record: the domain has no MTA-STS policy.</summary>
    public static readonly FindingKind MtaStsTxtNone = new("mtasts.txt.none", Severity.Info, "No MTA-STS record") { Remedy = "Optional: publish an MTA-STS policy, so that senders without this list are protected too." };

    /// <summary>More than one <c>v=STSv1</c> record (RFC 8461 treats this as no policy).</summary>
    public static readonly FindingKind MtaStsTxtMultiple = new("mtasts.txt.multiple", Severity.Warning, "Several MTA-STS records") { Remedy = "Keep exactly one _mta-sts TXT record." };

    /// <summary>A <c>v=STSv1</c> record without a valid <c>id</c>.</summary>
    public static readonly FindingKind MtaStsTxtInvalid = new("mtasts.txt.invalid", Severity.Warning, "Invalid MTA-STS record") { Remedy = "Fix the _mta-sts TXT record: v=STSv1; id=<up to 32 letters or digits>;" };

    /// <summary>The <c>_mta-sts</c> TXT lookup failed.</summary>
    public static readonly FindingKind MtaStsTxtLookupFailed = new("mtasts.txt.lookup_failed", Severity.Warning, "MTA-STS lookup failed") { Remedy = "Make the name servers answer TXT queries for _mta-sts." };

    /// <summary>The policy could not be fetched: connection, TLS, timeout or a status other than 200.</summary>
    public static readonly FindingKind MtaStsPolicyFetchFailed = new("mtasts.policy.fetch_failed", Severity.Warning, "MTA-STS policy not fetched") { Remedy = "Serve the policy at https://mta-sts.<domain>/.well-known/mta-sts.txt with a valid certificate." };

    /// <summary>The policy URL answered with a redirect, which RFC 8461 forbids following.</summary>
    public static readonly FindingKind MtaStsPolicyRedirect = new("mtasts.policy.redirect", Severity.Warning, "MTA-STS policy redirects") { Remedy = "Serve the policy directly: RFC 8461 forbids redirects." };

    /// <summary>The policy is not served as <c>text/plain</c>.</summary>
    public static readonly FindingKind MtaStsPolicyContentType = new("mtasts.policy.content_type", Severity.Warning, "MTA-STS policy not text/plain") { Remedy = "Serve the policy as text/plain." };

    /// <summary>The policy is larger than 64 KiB.</summary>
    public static readonly FindingKind MtaStsPolicyTooLarge = new("mtasts.policy.too_large", Severity.Warning, "MTA-STS policy too large") { Remedy = "Shorten the policy; senders read at most 64 KiB." };

    /// <summary>The policy does not parse under RFC 8461.</summary>
    public static readonly FindingKind MtaStsPolicyInvalid = new("mtasts.policy.invalid", Severity.Warning, "Invalid MTA-STS policy") { Remedy = "Fix the policy's syntax: version, mode, mx and max_age lines." };

    /// <summary>The policy's mode disagrees with the entry (the entry enforces, the policy does not).</summary>
    public static readonly FindingKind MtaStsPolicyModeMismatch = new("mtasts.policy.mode_mismatch", Severity.Warning, "MTA-STS mode disagrees") { Remedy = "Make the MTA-STS mode agree with the entry's mode, or change the entry." };

    /// <summary>The policy's mx patterns differ from the entry's, or miss an MX host.</summary>
    public static readonly FindingKind MtaStsPolicyMxMismatch = new("mtasts.policy.mx_mismatch", Severity.Warning, "MTA-STS mx set disagrees") { Remedy = "Make the MTA-STS mx lines and the entry's patterns name the same hosts." };

    /// <summary>The policy's <c>max_age</c> is under a day.</summary>
    public static readonly FindingKind MtaStsPolicyMaxAgeShort = new("mtasts.policy.max_age_short", Severity.Warning, "MTA-STS max_age short") { Remedy = "Raise max_age to at least a day (a week or more is usual)." };

    /// <summary>No <c>_smtp._tls</c> TXT record: the domain asks for no TLS reports.</summary>
    public static readonly FindingKind TlsRptNone = new("tlsrpt.none", Severity.Info, "No TLS-RPT record") { Remedy = "Optional: publish a TLS-RPT record to hear about failed TLS deliveries." };

    /// <summary>More than one <c>v=TLSRPTv1</c> record (RFC 8460 treats this as none).</summary>
    public static readonly FindingKind TlsRptMultiple = new("tlsrpt.multiple", Severity.Warning, "Several TLS-RPT records") { Remedy = "Keep exactly one _smtp._tls TXT record." };

    /// <summary>A <c>v=TLSRPTv1</c> record without a valid <c>rua</c>.</summary>
    public static readonly FindingKind TlsRptInvalid = new("tlsrpt.invalid", Severity.Warning, "Invalid TLS-RPT record") { Remedy = "Fix the _smtp._tls TXT record: v=TLSRPTv1; rua=mailto:… or https://…" };

    /// <summary>The MX host publishes TLSA records (DANE).</summary>
    public static readonly FindingKind DaneTlsaPresent = new("dane.tlsa.present", Severity.Info, "DANE TLSA published") { Remedy = "Nothing to do: DANE protects the domain where senders validate DNSSEC." };

    /// <summary>Most canaries could not be reached: the run says nothing about the domains.</summary>
    public static readonly FindingKind VantageUnhealthy = new("probe.vantage.unhealthy", Severity.Error, "Probing host cannot reach mail servers") { Remedy = "Nothing for the domain to do: the probing host could not reach mail servers; a maintainer re-runs from a working host." };

    /// <summary>The canaries were reached but a fifth or more of the run failed to connect or resolve.</summary>
    public static readonly FindingKind VantageSuspect = new("probe.vantage.suspect", Severity.Error, "Probing host suspect") { Remedy = "Nothing for the domain to do yet: too many domains failed at once; a maintainer re-runs from a working host." };

    /// <summary>No canaries are configured, so nothing shows the probing host reaches port 25.</summary>
    public static readonly FindingKind VantageUnchecked = new("probe.vantage.unchecked", Severity.Warning, "Probing host not checked") { Remedy = "Nothing for the domain to do: the probing host was not checked against its canaries." };

    /// <summary>Every kind above, gathered from its declarations, in their order.</summary>
    public static IReadOnlyList<FindingKind> All { get; } = FindingKind.DeclaredIn(typeof(ProbeFindingKinds));
}
