using System.Globalization;
using System.Text;
using System.Text.Json;
using PolicyCuration.Format.Findings;
using PolicyCuration.Format.Json;
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
    public string ToJsonLine()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("domain", Domain);
            json.WriteString("time", Time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            json.WriteStartObject("entry");
            json.WriteString("mode", Mode.ToJson());
            json.WriteStringArray("mxs", Mxs);
            json.WriteEndObject();
            json.WriteBoolean("passed", Passed);
            json.WriteStringArray("errors", ErrorCodes);
            if (MtaStsMode is not null)
            {
                json.WriteStartObject("mta_sts");
                json.WriteString("mode", MtaStsMode);
                json.WriteStringArray("mx", MtaStsMx ?? []);
                json.WriteEndObject();
            }
            else
            {
                json.WriteNull("mta_sts");
            }

            json.WriteStartArray("findings");
            foreach (var finding in Findings ?? [])
            {
                FindingJson.Write(json, finding);
            }

            json.WriteEndArray();
            if (Vantage is { } vantage)
            {
                json.WriteStartObject("vantage");
                json.WriteString("id", vantage.Id);
                json.WriteString("status", vantage.StatusName);
                json.WriteString("reason", vantage.Reason);
                json.WriteNumber("canaries_reached", vantage.CanariesReached);
                json.WriteNumber("canaries", vantage.Canaries);
                json.WriteNumber("endpoints", vantage.Endpoints);
                json.WriteNumber("endpoints_unreachable", vantage.EndpointsUnreachable);
                json.WriteEndObject();
            }

            if (TlsRpt is { } rua)
            {
                json.WriteStringArray("tls_rpt", rua);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads a line written by <see cref="ToJsonLine"/>.</summary>
    /// <exception cref="FormatException">Not such a line.</exception>
    public static AuditRecord Parse(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 8 });
            var root = document.RootElement;
            var entry = root.GetProperty("entry");
            var sts = root.GetProperty("mta_sts");
            return new AuditRecord(
                root.GetProperty("domain").GetString()!,
                DateTimeOffset.Parse(root.GetProperty("time").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                PolicyModeNames.Parse(entry.GetProperty("mode").GetString()!) ?? throw new FormatException("unknown mode"),
                [.. entry.GetProperty("mxs").EnumerateArray().Select(m => m.GetString()!)],
                [.. root.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!)],
                sts.ValueKind == JsonValueKind.Null ? null : sts.GetProperty("mode").GetString(),
                sts.ValueKind == JsonValueKind.Null ? null : [.. sts.GetProperty("mx").EnumerateArray().Select(m => m.GetString()!)],
                root.TryGetProperty("findings", out var findings) ? [.. findings.EnumerateArray().Select(ReadFinding)] : null,
                root.TryGetProperty("vantage", out var vantage) ? ReadVantage(vantage) : null,
                root.TryGetProperty("tls_rpt", out var rua) ? [.. rua.EnumerateArray().Select(u => u.GetString()!)] : null);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException($"not an audit record: {e.Message}", e);
        }
    }

    /// <summary>
    /// The fields of a line that say who, when, and whether it passed, read from its UTF-8 bytes without building the
    /// findings: for readers of whole histories, which need the findings of a few records only.
    /// </summary>
    /// <exception cref="FormatException">Not such a line.</exception>
    public static AuditLineHead ReadHead(ReadOnlySpan<byte> line)
    {
        try
        {
            var json = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 8 });
            string? domain = null, vantage = null;
            DateTimeOffset? time = null;
            IReadOnlyList<string>? errors = null;
            bool trusted = true;
            json.Read();
            if (json.TokenType != JsonTokenType.StartObject)
            {
                throw new FormatException("not an audit record: not an object");
            }

            while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
            {
                bool isDomain = json.ValueTextEquals("domain"u8), isTime = json.ValueTextEquals("time"u8);
                bool isErrors = json.ValueTextEquals("errors"u8), isVantage = json.ValueTextEquals("vantage"u8);
                json.Read();
                if (isDomain)
                {
                    domain = json.GetString();
                }
                else if (isTime)
                {
                    time = json.TryGetDateTimeOffset(out var at) ? at
                        : DateTimeOffset.Parse(json.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
                }
                else if (isErrors)
                {
                    if (json.TokenType != JsonTokenType.StartArray)
                    {
                        throw new FormatException("not an audit record: errors is not a list");
                    }

                    // Most audits pass: a whole history's empty lists share one array rather than each making a list.
                    List<string>? codes = null;
                    while (json.Read() && json.TokenType == JsonTokenType.String)
                    {
                        (codes ??= []).Add(json.GetString()!);
                    }

                    errors = json.TokenType == JsonTokenType.EndArray ? codes ?? (IReadOnlyList<string>)[] : throw new FormatException("not an audit record: errors holds more than codes");
                }
                else if (isVantage && json.TokenType == JsonTokenType.StartObject)
                {
                    while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
                    {
                        bool isId = json.ValueTextEquals("id"u8), isStatus = json.ValueTextEquals("status"u8);
                        json.Read();
                        if (isId)
                        {
                            vantage = json.GetString();
                        }
                        else if (isStatus)
                        {
                            trusted = json.ValueTextEquals("healthy"u8);
                        }
                        else
                        {
                            json.Skip();
                        }
                    }
                }
                else
                {
                    json.Skip();
                }
            }

            return new AuditLineHead(
                domain ?? throw new FormatException("not an audit record: no domain"),
                time ?? throw new FormatException("not an audit record: no time"),
                errors ?? throw new FormatException("not an audit record: no errors"),
                vantage ?? string.Empty,
                trusted);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new FormatException($"not an audit record: {e.Message}", e);
        }
    }

    private static VantageHealth ReadVantage(JsonElement vantage) => new(
        vantage.GetProperty("id").GetString()!,
        Enum.TryParse<VantageStatus>(vantage.GetProperty("status").GetString(), ignoreCase: true, out var status) && Enum.IsDefined(status) ? status : throw new FormatException("unknown vantage status"),
        vantage.GetProperty("reason").GetString()!,
        vantage.GetProperty("canaries_reached").GetInt32(),
        vantage.GetProperty("canaries").GetInt32(),
        vantage.GetProperty("endpoints").GetInt32(),
        vantage.GetProperty("endpoints_unreachable").GetInt32());

    private static Finding ReadFinding(JsonElement finding) => new(
        finding.GetProperty("code").GetString()!,
        finding.GetProperty("severity").GetString() switch
        {
            "error" => Severity.Error,
            "warning" => Severity.Warning,
            _ => Severity.Info,
        },
        finding.GetProperty("subject").GetString()!,
        finding.GetProperty("summary").GetString()!,
        finding.GetProperty("message").GetString()!,
        null);
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
