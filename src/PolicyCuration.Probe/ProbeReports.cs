using System.Net;
using PolicyCuration.Format.Findings;
using PolicyCuration.Format.Model;
using PolicyCuration.Probe.Dns;
using PolicyCuration.Probe.MtaSts;
using PolicyCuration.Probe.Tls;

namespace PolicyCuration.Probe;

/// <summary>A domain to probe and, when it is in a list, the entry it is judged against (aliases resolved).</summary>
/// <param name="Domain">The mail domain.</param>
/// <param name="Mode">The entry's mode, or <see langword="null"/> when the domain has no entry.</param>
/// <param name="Mxs">The entry's MX patterns, or <see langword="null"/> when the domain has no entry.</param>
public sealed record ProbeTarget(string Domain, PolicyMode? Mode = null, IReadOnlyList<MxPattern>? Mxs = null)
{
    /// <summary>Whether there is an entry to judge against.</summary>
    public bool HasEntry => Mxs is not null;
}

/// <summary>What one address of one MX host showed.</summary>
/// <param name="Host">The MX host name.</param>
/// <param name="Preference">Its MX preference.</param>
/// <param name="Address">The address probed, or <see langword="null"/> when the host has none.</param>
/// <param name="TlsVersion">The negotiated TLS version, when the handshake completed.</param>
/// <param name="CipherSuite">The negotiated cipher suite, when the handshake completed.</param>
/// <param name="Certificate">What the certificate says of itself, when one was presented.</param>
/// <param name="Findings">The findings of this host and address.</param>
public sealed record MxHostReport(
    string Host,
    int Preference,
    IPAddress? Address,
    string? TlsVersion,
    string? CipherSuite,
    CertificateSummary? Certificate,
    IReadOnlyList<Finding> Findings)
{
    /// <summary>Whether no error was found.</summary>
    public bool Passed => Findings.All(f => f.Severity != Severity.Error);
}

/// <summary>The entry a domain would need, from what the probe saw.</summary>
/// <param name="Mode"><c>enforce</c> when the domain publishes a long-lived enforcing MTA-STS policy that covers its MXs, else <c>testing</c>.</param>
/// <param name="Mxs">Patterns that cover every MX host: the MTA-STS policy's when they do, else the MX names.</param>
public sealed record SuggestedEntry(PolicyMode Mode, IReadOnlyList<string> Mxs);

/// <summary>Everything a probe of one domain found.</summary>
/// <param name="Target">The domain and its entry.</param>
/// <param name="Mx">The MX records found.</param>
/// <param name="Hosts">One report per probed address of each MX host.</param>
/// <param name="MtaStsRecord">The <c>_mta-sts</c> record, when there is a usable one.</param>
/// <param name="MtaStsPolicy">The MTA-STS policy, when it was fetched and valid.</param>
/// <param name="DomainFindings">Findings about the domain as a whole: MX lookup, coverage, MTA-STS, TLS-RPT.</param>
/// <param name="Suggested">The entry the domain would need, when its MXs were found.</param>
/// <param name="Elapsed">How long the probe took.</param>
/// <param name="TlsRpt">The domain's TLS-RPT record, when it publishes a usable one: where its admins read about failures.</param>
public sealed record DomainReport(
    ProbeTarget Target,
    IReadOnlyList<MxRecord> Mx,
    IReadOnlyList<MxHostReport> Hosts,
    MtaStsRecord? MtaStsRecord,
    MtaStsPolicy? MtaStsPolicy,
    IReadOnlyList<Finding> DomainFindings,
    SuggestedEntry? Suggested,
    TimeSpan Elapsed,
    TlsRptRecord? TlsRpt = null)
{
    /// <summary>The domain.</summary>
    public string Domain => Target.Domain;

    /// <summary>Every finding, domain first, then hosts in MX order.</summary>
    public IEnumerable<Finding> Findings => DomainFindings.Concat(Hosts.SelectMany(h => h.Findings));

    /// <summary>Whether no error was found.</summary>
    public bool Passed => Findings.All(f => f.Severity != Severity.Error);
}
