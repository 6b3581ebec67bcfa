using System.Globalization;
using System.Text.Json;
using PolicyCuration.Format.Findings;
using PolicyCuration.Format.Model;
using PolicyCuration.Probe;
using PolicyCuration.Probe.Vantage;

namespace PolicyCuration.Audit;

/// <summary>One domain's audit on one day: what it was judged against and what was found. One JSON line in the history.</summary>
/// <param name="Domain">The domain.</param>
/// <param name="Time">When it was probed.</param>
/// <param name="Mode">Its entry's mode.</param>
/// <param name="Mxs">Its entry's MX patterns.</param>
/// <param name="ErrorCodes">The codes of the error findings; empty when it passed.</param>
/// <param name="MtaStsMode">Its MTA-STS policy's mode, when one was fetched.</param>
/// <param name="MtaStsMx">Its MTA-STS policy's mx patterns in the list's notation, when one was fetched.</param>
/// <param name="Findings">Every finding of the probe, warnings and information included, for the record.</param>
/// <param name="Vantage">Where the run probed from and whether it could be believed; null in records older than vantages.</param>
/// <param name="TlsRpt">Where the domain asks for TLS reports, when it publishes a usable TLS-RPT record.</param>
public sealed record AuditRecord(
    string Domain,
    DateTimeOffset Time,
    PolicyMode Mode,
    IReadOnlyList<string> Mxs,
    IReadOnlyList<string> ErrorCodes,
    string? MtaStsMode,
    IReadOnlyList<string>? MtaStsMx,
    IReadOnlyList<Finding>? Findings = null,
    VantageHealth? Vantage = null,
    IReadOnlyList<string>? TlsRpt = null)
{
    private static readonly string[] UnresolvedCodes = ["dns.mx.nxdomain", "dns.mx.none", "dns.mx.null"];

    /// <summary>Whether no error was found.</summary>
    public bool Passed => ErrorCodes.Count == 0;

    /// <summary>The vantage's name; empty for records older than vantages, which all came from one.</summary>
    public string VantageId => Vantage?.Id ?? string.Empty;

    /// <summary>Whether the run that made this record may be held against the domain: its vantage was healthy (or predates the check).</summary>
    public bool Trusted => Vantage is null || Vantage.Trusted;

    /// <summary>Whether the domain's MX no longer resolves: no such domain, no MX, or a null MX.</summary>
    public bool MxUnresolved => ErrorCodes.Any(UnresolvedCodes.Contains);

    /// <summary>The record of a probe report made at <paramref name="time"/> from <paramref name="vantage"/>.</summary>
    public static AuditRecord From(DomainReport report, DateTimeOffset time, VantageHealth? vantage = null) => new(
        report.Domain,
        time,
        report.Target.Mode ?? PolicyMode.Testing,
        [.. (report.Target.Mxs ?? []).Select(p => p.Text)],
        [.. report.Findings.Where(f => f.Severity == Severity.Error).Select(f => f.Code).Distinct().Order(StringComparer.Ordinal)],
        report.MtaStsPolicy?.Mode,
        report.MtaStsPolicy is { } policy ? [.. policy.ListPatterns.Select(p => p.Text).Distinct()] : null,
        [.. report.Findings],
        vantage,
        report.TlsRpt?.ReportUris);

    /// <summary>The record as one line of JSON, without the newline.</summary>
    public string ToJsonLine() => JsonSerializer.Serialize(
        new AuditLine(
            Domain,
            Time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            new AuditLineEntry(Mode.ToJson(), Mxs),
            Passed,
            ErrorCodes,
            MtaStsMode is null ? null : new AuditLineMtaSts(MtaStsMode, MtaStsMx ?? []),
            [.. (Findings ?? []).Select(FindingData.From)],
            Vantage is { } v ? new AuditLineVantage(v.Id, v.StatusName, v.Reason, v.CanariesReached, v.Canaries, v.Endpoints, v.EndpointsUnreachable) : null,
            TlsRpt),
        AuditLineContext.Default.AuditLine);

    /// <summary>Reads a line written by <see cref="ToJsonLine"/>.</summary>
    /// <exception cref="FormatException">Not such a line.</exception>
    public static AuditRecord Parse(string line)
    {
        var read = Deserialize(() => JsonSerializer.Deserialize(line, AuditLineContext.Default.AuditLine));
        return new AuditRecord(
            read.Domain,
            Instant(read.Time),
            PolicyModeNames.Parse(read.Entry.Mode) ?? throw new FormatException("not an audit record: unknown mode"),
            read.Entry.Mxs,
            read.Errors,
            read.MtaSts?.Mode,
            read.MtaSts?.Mx,
            read.Findings is { } findings ? [.. findings.Select(f => f.ToFinding())] : null,
            read.Vantage is { } v ? new VantageHealth(v.Id, Status(v.Status), v.Reason, v.CanariesReached, v.Canaries, v.Endpoints, v.EndpointsUnreachable) : null,
            read.TlsRpt);
    }

    /// <summary>
    /// Who was audited when, from where, and with which errors, read from a line's UTF-8 bytes by the same serialiser,
    /// which skips the findings: readers of whole histories need the findings of a few records only.
    /// </summary>
    /// <exception cref="FormatException">Not such a line.</exception>
    public static AuditLineHead ReadHead(ReadOnlySpan<byte> line)
    {
        AuditLineSummary? head;
        try
        {
            head = JsonSerializer.Deserialize(line, AuditLineContext.Default.AuditLineSummary);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NotSupportedException)
        {
            throw new FormatException($"not an audit record: {e.Message}", e);
        }

        return head is null ? throw new FormatException("not an audit record: null") : new AuditLineHead(
            head.Domain,
            Instant(head.Time),
            head.Errors.Count == 0 ? [] : head.Errors,
            head.Vantage?.Id ?? string.Empty,
            head.Vantage is null || head.Vantage.Status == "healthy");
    }

    private static T Deserialize<T>(Func<T?> read)
        where T : class
    {
        try
        {
            return read() ?? throw new FormatException("not an audit record: null");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NotSupportedException)
        {
            throw new FormatException($"not an audit record: {e.Message}", e);
        }
    }

    private static DateTimeOffset Instant(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : throw new FormatException($"not an audit record: time {text}");

    private static VantageStatus Status(string name) =>
        Enum.TryParse<VantageStatus>(name, ignoreCase: true, out var status) && Enum.IsDefined(status) ? status : throw new FormatException("not an audit record: unknown vantage status");
}

/// <summary>Who was audited when, from where, and with which errors: a history line without its findings.</summary>
/// <param name="Domain">The domain.</param>
/// <param name="Time">When it was probed.</param>
/// <param name="ErrorCodes">The codes of the errors found; empty when it passed.</param>
/// <param name="VantageId">The vantage's name; empty for records older than vantages.</param>
/// <param name="Trusted">Whether the vantage was healthy (or the record predates the check).</param>
public sealed record AuditLineHead(string Domain, DateTimeOffset Time, IReadOnlyList<string> ErrorCodes, string VantageId, bool Trusted)
{
    /// <summary>Whether no error was found.</summary>
    public bool Passed => ErrorCodes.Count == 0;
}
