using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PolicyCuration.Format.Findings;
using PolicyCuration.Format.Model;

namespace PolicyCuration.Probe.Tls;

/// <summary>What a certificate says of itself, for reports.</summary>
/// <param name="Subject">The subject's distinguished name.</param>
/// <param name="Issuer">The issuer's distinguished name.</param>
/// <param name="Names">The DNS names it is valid for: its subjectAltName DNS entries, else its common name.</param>
/// <param name="NotBefore">Start of validity.</param>
/// <param name="NotAfter">End of validity.</param>
/// <param name="Sha256">SHA-256 fingerprint, lower-case hex.</param>
public sealed record CertificateSummary(
    string Subject, string Issuer, IReadOnlyList<string> Names, DateTimeOffset NotBefore, DateTimeOffset NotAfter, string Sha256);

/// <summary>The judgement of a server certificate: the summary and the findings against it.</summary>
/// <param name="Certificate">The certificate judged.</param>
/// <param name="Findings">Chain, time, name and pattern findings; empty for a good certificate.</param>
public sealed record CertificateVerdict(CertificateSummary Certificate, IReadOnlyList<Finding> Findings)
{
    /// <summary>How long before expiry <c>tls.cert.expires_soon</c> is raised.</summary>
    public static readonly TimeSpan ExpiresSoonWindow = TimeSpan.FromDays(14);

    /// <summary>Whether no error was found.</summary>
    public bool Passed => Findings.All(f => f.Severity != Severity.Error);

    /// <summary>
    /// Judges <paramref name="leaf"/> presented by <paramref name="host"/>: chain to <paramref name="roots"/> (or the system
    /// store), validity at <paramref name="now"/>, the host name, and, when given, the entry's <paramref name="patterns"/>.
    /// </summary>
    public static CertificateVerdict Judge(
        X509Certificate2 leaf,
        X509Certificate2Collection presented,
        X509Certificate2Collection? roots,
        DateTimeOffset now,
        string host,
        IReadOnlyList<MxPattern>? patterns,
        string subject)
    {
        using var chain = new X509Chain { ChainPolicy = ChainPolicy(roots, now) };
        chain.ChainPolicy.ExtraStore.AddRange(presented);
        chain.Build(leaf);
        return Judge(leaf, chain, now, host, patterns, subject);
    }

    /// <summary>
    /// Judges <paramref name="leaf"/> on a <paramref name="chain"/> already built under <see cref="ChainPolicy"/>, as a TLS
    /// library's validation callback receives it: the chain is built once per handshake, not twice.
    /// </summary>
    public static CertificateVerdict Judge(
        X509Certificate2 leaf, X509Chain chain, DateTimeOffset now, string host, IReadOnlyList<MxPattern>? patterns, string subject)
    {
        var names = CertificateNames.Of(leaf);
        var summary = new CertificateSummary(
            leaf.Subject, leaf.Issuer, names, new DateTimeOffset(leaf.NotBefore.ToUniversalTime()),
            new DateTimeOffset(leaf.NotAfter.ToUniversalTime()), leaf.GetCertHashString(HashAlgorithmName.SHA256).ToLowerInvariant());
        var findings = new List<Finding>();

        findings.AddRange(ChainFindings(leaf, chain, now, subject));
        if (!names.Any(name => CertificateNames.Matches(name, host)))
        {
            findings.Add(ProbeFindingKinds.CertNameMismatch.At(
                subject, $"the certificate of {host} is valid for {Listed(names)}, not for {host}: get one that names the MX host", null));
        }

        findings.AddRange(PatternFindings(names, host, patterns, subject));

        if (findings.Count == 0 && summary.NotAfter - now < ExpiresSoonWindow)
        {
            findings.Add(ProbeFindingKinds.CertExpiresSoon.At(
                subject, $"the certificate of {host} expires on {summary.NotAfter:yyyy-MM-dd HH:mm}Z: renew it", null));
        }

        return new CertificateVerdict(summary, findings);
    }

    /// <summary>
    /// <c>tls.cert.pattern_mismatch</c> when no name of the certificate of <paramref name="host"/> matches any of an
    /// entry's <paramref name="patterns"/>: judged per domain, since domains sharing an MX host have entries of their own.
    /// </summary>
    public static IEnumerable<Finding> PatternFindings(IReadOnlyList<string> names, string host, IReadOnlyList<MxPattern>? patterns, string subject)
    {
        if (patterns is { Count: > 0 } && !names.Any(name => patterns.Any(p => CertificateNames.Covers(name, p))))
        {
            yield return ProbeFindingKinds.CertPatternMismatch.At(
                subject,
                $"no name of the certificate of {host} ({Listed(names)}) matches the entry's patterns ({string.Join(", ", patterns.Select(p => p.Text))}): " +
                "fix the entry's mxs or the certificate",
                null);
        }
    }

    /// <summary>How chains are built: to <paramref name="roots"/> or the system store, at <paramref name="now"/>, for server authentication, offline.</summary>
    public static X509ChainPolicy ChainPolicy(X509Certificate2Collection? roots, DateTimeOffset now)
    {
        var policy = new X509ChainPolicy
        {
            RevocationMode = X509RevocationMode.NoCheck,
            VerificationTime = now.UtcDateTime,
            VerificationTimeIgnored = false,
            DisableCertificateDownloads = true,
        };
        policy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.1"));
        if (roots is not null)
        {
            policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            policy.CustomTrustStore.AddRange(roots);
        }

        return policy;
    }

    private static IEnumerable<Finding> ChainFindings(X509Certificate2 leaf, X509Chain chain, DateTimeOffset now, string subject)
    {
        var statuses = chain.ChainStatus.Select(s => s.Status).Aggregate(X509ChainStatusFlags.NoError, (a, b) => a | b);

        // Time is judged on each certificate directly, so that an expired certificate says "expired" even when its
        // chain is also incomplete.
        var certificates = chain.ChainElements.Select(e => e.Certificate).DefaultIfEmpty(leaf).ToList();
        for (int i = 0; i < certificates.Count; i++)
        {
            var certificate = certificates[i];
            string which = i == 0 ? "the certificate" : $"the issuing certificate {certificate.Subject}";
            if (now.UtcDateTime > certificate.NotAfter.ToUniversalTime())
            {
                yield return ProbeFindingKinds.CertExpired.At(subject, $"{which} expired on {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm}Z: renew it", null);
            }
            else if (now.UtcDateTime < certificate.NotBefore.ToUniversalTime())
            {
                yield return ProbeFindingKinds.CertNotYetValid.At(subject, $"{which} is valid only from {certificate.NotBefore.ToUniversalTime():yyyy-MM-dd HH:mm}Z: check the server's clock and certificate", null);
            }
        }

        const X509ChainStatusFlags timeFlags = X509ChainStatusFlags.NotTimeValid | X509ChainStatusFlags.NotTimeNested;
        var other = statuses & ~timeFlags;
        if (chain.ChainElements.Count == 0 && statuses == X509ChainStatusFlags.NoError)
        {
            other = X509ChainStatusFlags.PartialChain;
        }

        if (other != X509ChainStatusFlags.NoError)
        {
            string why = string.Join("; ", chain.ChainStatus.Where(s => (s.Status & timeFlags) == 0).Select(s => s.StatusInformation.Trim()).Distinct());
            yield return ProbeFindingKinds.CertUntrusted.At(
                subject,
                $"the certificate (issued by {leaf.Issuer}) does not chain to a trusted root: {(why.Length > 0 ? why : other.ToString())}; " +
                "serve the full chain from a public CA",
                null);
        }
    }

    private static string Listed(IReadOnlyList<string> names) =>
        names.Count == 0 ? "no DNS name" : string.Join(", ", names.Take(5)) + (names.Count > 5 ? $" and {names.Count - 5} more" : string.Empty);
}
