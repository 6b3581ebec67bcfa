using PolicyCuration.Format.Findings;

namespace PolicyCuration.Probe;

/// <summary>The findings of a live probe: DNS, SMTP, TLS, certificates, MTA-STS, TLS-RPT and DANE.</summary>
public static class ProbeFindingKinds
{
    /// <summary>The domain has no MX records (mail would go to its address records).</summary>
    public static readonly FindingKind MxNone = new("dns.mx.none", Severity.Error, "No MX records");

    /// <summary>The domain publishes a null MX (RFC 7505): it accepts no mail.</summary>
    public static readonly FindingKind MxNull = new("dns.mx.null", Severity.Error, "Null MX");

    /// <summary>The domain does not exist.</summary>
    public static readonly FindingKind MxNxDomain = new("dns.mx.nxdomain", Severity.Error, "Domain does not exist");

    /// <summary>The MX lookup failed: SERVFAIL, refusal, timeout or a malformed answer.</summary>
    public static readonly FindingKind MxLookupFailed = new("dns.mx.lookup_failed", Severity.Error, "MX lookup failed");

    /// <summary>An MX host that no pattern of the entry covers.</summary>
    public static readonly FindingKind MxUnmatched = new("dns.mx.unmatched", Severity.Error, "MX not covered by entry");

    /// <summary>More MX hosts than the probe checks.</summary>
    public static readonly FindingKind MxTooMany = new("dns.mx.too_many", Severity.Error, "Too many MX hosts");

    /// <summary>A chain of CNAME records that loops or is too long.</summary>
    public static readonly FindingKind CnameLoop = new("dns.cname.loop", Severity.Error, "CNAME loop");

    /// <summary>An MX host with no A or AAAA record.</summary>
    public static readonly FindingKind AddressNone = new("dns.address.none", Severity.Error, "MX host has no address");

    /// <summary>The address lookup of an MX host failed.</summary>
    public static readonly FindingKind AddressLookupFailed = new("dns.address.lookup_failed", Severity.Error, "Address lookup failed");

    /// <summary>An MX host resolves to an address that is not on the public internet; the probe does not connect there.</summary>
    public static readonly FindingKind AddressNotPublic = new("dns.address.not_public", Severity.Error, "MX address not public");

    /// <summary>No TCP connection to the MX host.</summary>
    public static readonly FindingKind ConnectFailed = new("smtp.connect.failed", Severity.Error, "Cannot connect");

    /// <summary>No complete greeting within the timeout.</summary>
    public static readonly FindingKind GreetingTimeout = new("smtp.greeting.timeout", Severity.Error, "Greeting timed out");

    /// <summary>A greeting other than 220.</summary>
    public static readonly FindingKind GreetingRejected = new("smtp.greeting.rejected", Severity.Error, "Greeting refused service");

    /// <summary>EHLO was refused.</summary>
    public static readonly FindingKind EhloFailed = new("smtp.ehlo.failed", Severity.Error, "EHLO failed");

    /// <summary>The server closed or reset the connection in the middle of the conversation.</summary>
    public static readonly FindingKind ConnectionLost = new("smtp.connection.lost", Severity.Error, "Connection lost");

    /// <summary>A reply other than the greeting did not come within the timeout.</summary>
    public static readonly FindingKind ReplyTimeout = new("smtp.reply.timeout", Severity.Error, "Reply timed out");

    /// <summary>A reply with a line or a number of lines beyond the bounds.</summary>
    public static readonly FindingKind ReplyOversized = new("smtp.reply.oversized", Severity.Error, "Reply too long");

    /// <summary>A reply that is not SMTP: no three-digit code, mixed codes, or the connection closed mid-reply.</summary>
    public static readonly FindingKind ReplyMalformed = new("smtp.reply.malformed", Severity.Error, "Malformed reply");

    /// <summary>EHLO does not list STARTTLS.</summary>
    public static readonly FindingKind StartTlsNotOffered = new("smtp.starttls.not_offered", Severity.Error, "STARTTLS not offered");

    /// <summary>STARTTLS was answered with something other than 220.</summary>
    public static readonly FindingKind StartTlsRejected = new("smtp.starttls.rejected", Severity.Error, "STARTTLS refused");

    /// <summary>The TLS handshake failed.</summary>
    public static readonly FindingKind HandshakeFailed = new("tls.handshake.failed", Severity.Error, "TLS handshake failed");

    /// <summary>The server speaks only TLS versions below 1.2.</summary>
    public static readonly FindingKind VersionObsolete = new("tls.version.obsolete", Severity.Error, "TLS below 1.2");

    /// <summary>The certificate does not chain to a trusted root.</summary>
    public static readonly FindingKind CertUntrusted = new("tls.cert.untrusted", Severity.Error, "Certificate untrusted");

    /// <summary>The certificate (or one in its chain) has expired.</summary>
    public static readonly FindingKind CertExpired = new("tls.cert.expired", Severity.Error, "Certificate expired");

    /// <summary>The certificate (or one in its chain) is not valid yet.</summary>
    public static readonly FindingKind CertNotYetValid = new("tls.cert.not_yet_valid", Severity.Error, "Certificate not yet valid");

    /// <summary>The certificate is not valid for the MX host name.</summary>
    public static readonly FindingKind CertNameMismatch = new("tls.cert.name_mismatch", Severity.Error, "Certificate name mismatch");

    /// <summary>No name of the certificate matches a pattern of the entry.</summary>
    public static readonly FindingKind CertPatternMismatch = new("tls.cert.pattern_mismatch", Severity.Error, "Certificate matches no pattern");

    /// <summary>The certificate expires within 14 days.</summary>
    public static readonly FindingKind CertExpiresSoon = new("tls.cert.expires_soon", Severity.Warning, "Certificate expires soon");

    /// <summary>No <c>_mta-sts</c> TXT record: the domain has no MTA-STS policy.</summary>
    public static readonly FindingKind MtaStsTxtNone = new("mtasts.txt.none", Severity.Info, "No MTA-STS record");

    /// <summary>More than one <c>v=STSv1</c> record (RFC 8461 treats this as no policy).</summary>
    public static readonly FindingKind MtaStsTxtMultiple = new("mtasts.txt.multiple", Severity.Warning, "Several MTA-STS records");

    /// <summary>A <c>v=STSv1</c> record without a valid <c>id</c>.</summary>
    public static readonly FindingKind MtaStsTxtInvalid = new("mtasts.txt.invalid", Severity.Warning, "Invalid MTA-STS record");

    /// <summary>The <c>_mta-sts</c> TXT lookup failed.</summary>
    public static readonly FindingKind MtaStsTxtLookupFailed = new("mtasts.txt.lookup_failed", Severity.Warning, "MTA-STS lookup failed");

    /// <summary>The policy could not be fetched: connection, TLS, timeout or a status other than 200.</summary>
    public static readonly FindingKind MtaStsPolicyFetchFailed = new("mtasts.policy.fetch_failed", Severity.Warning, "MTA-STS policy not fetched");

    /// <summary>The policy URL answered with a redirect, which RFC 8461 forbids following.</summary>
    public static readonly FindingKind MtaStsPolicyRedirect = new("mtasts.policy.redirect", Severity.Warning, "MTA-STS policy redirects");

    /// <summary>The policy is not served as <c>text/plain</c>.</summary>
    public static readonly FindingKind MtaStsPolicyContentType = new("mtasts.policy.content_type", Severity.Warning, "MTA-STS policy not text/plain");

    /// <summary>The policy is larger than 64 KiB.</summary>
    public static readonly FindingKind MtaStsPolicyTooLarge = new("mtasts.policy.too_large", Severity.Warning, "MTA-STS policy too large");

    /// <summary>The policy does not parse under RFC 8461.</summary>
    public static readonly FindingKind MtaStsPolicyInvalid = new("mtasts.policy.invalid", Severity.Warning, "Invalid MTA-STS policy");

    /// <summary>The policy's mode disagrees with the entry (the entry enforces, the policy does not).</summary>
    public static readonly FindingKind MtaStsPolicyModeMismatch = new("mtasts.policy.mode_mismatch", Severity.Warning, "MTA-STS mode disagrees");

    /// <summary>The policy's mx patterns differ from the entry's, or miss an MX host.</summary>
    public static readonly FindingKind MtaStsPolicyMxMismatch = new("mtasts.policy.mx_mismatch", Severity.Warning, "MTA-STS mx set disagrees");

    /// <summary>The policy's <c>max_age</c> is under a day.</summary>
    public static readonly FindingKind MtaStsPolicyMaxAgeShort = new("mtasts.policy.max_age_short", Severity.Warning, "MTA-STS max_age short");

    /// <summary>No <c>_smtp._tls</c> TXT record: the domain asks for no TLS reports.</summary>
    public static readonly FindingKind TlsRptNone = new("tlsrpt.none", Severity.Info, "No TLS-RPT record");

    /// <summary>More than one <c>v=TLSRPTv1</c> record (RFC 8460 treats this as none).</summary>
    public static readonly FindingKind TlsRptMultiple = new("tlsrpt.multiple", Severity.Warning, "Several TLS-RPT records");

    /// <summary>A <c>v=TLSRPTv1</c> record without a valid <c>rua</c>.</summary>
    public static readonly FindingKind TlsRptInvalid = new("tlsrpt.invalid", Severity.Warning, "Invalid TLS-RPT record");

    /// <summary>The MX host publishes TLSA records (DANE).</summary>
    public static readonly FindingKind DaneTlsaPresent = new("dane.tlsa.present", Severity.Info, "DANE TLSA published");

    /// <summary>Most canaries could not be reached: the run says nothing about the domains.</summary>
    public static readonly FindingKind VantageUnhealthy = new("probe.vantage.unhealthy", Severity.Error, "Probing host cannot reach mail servers");

    /// <summary>The canaries were reached but a fifth or more of the run failed to connect or resolve.</summary>
    public static readonly FindingKind VantageSuspect = new("probe.vantage.suspect", Severity.Error, "Probing host suspect");

    /// <summary>No canaries are configured, so nothing shows the probing host reaches port 25.</summary>
    public static readonly FindingKind VantageUnchecked = new("probe.vantage.unchecked", Severity.Warning, "Probing host not checked");

    /// <summary>Every kind above, gathered from its declarations, in their order.</summary>
    public static IReadOnlyList<FindingKind> All { get; } = FindingKind.DeclaredIn(typeof(ProbeFindingKinds));
}
