using System.Buffers;
using System.Globalization;
using System.Text.Json;
using PolicyCuration.Format.Escaping;
using PolicyCuration.Format.Findings;
using System.Text.Json.Serialization;
using PolicyCuration.Format.Model;

namespace PolicyCuration.Probe;

/// <summary>The JSON form of probe reports: what <c>policyctl probe --format json</c> prints and audits record.</summary>
public static class ProbeReportJson
{
    /// <summary>How much JSON is gathered before it is written out: a write per report would be a system call per report.</summary>
    private const int ChunkBytes = 64 * 1024;

    /// <summary>
    /// Writes the reports to <paramref name="output"/> as an indented JSON array and a final newline, each once it
    /// and those before it are done; true when every report passed.
    /// </summary>
    /// <remarks>
    /// Written as the reports come, in whole lines, through <see cref="TerminalWriter.WriteUtf8"/>: ten thousand
    /// reports are tens of megabytes, which need not be held until the last domain answers.
    /// </remarks>
    public static async Task<bool> WriteEachAsync(TextWriter output, IAsyncEnumerable<DomainReport> reports)
    {
        var buffer = new ArrayBufferWriter<byte>(2 * ChunkBytes);
        bool passed = true;
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartArray();
            await foreach (var report in reports.ConfigureAwait(false))
            {
                Write(json, report);
                passed &= report.Passed;
                json.Flush();
                if (buffer.WrittenCount >= ChunkBytes)
                {
                    WriteWholeLines(output, buffer);
                }
            }

            json.WriteEndArray();
        }

        buffer.Write("\n"u8);
        TerminalWriter.WriteUtf8(output, buffer.WrittenSpan);
        return passed;
    }

    /// <summary>Writes one report as a JSON object.</summary>
    public static void Write(Utf8JsonWriter json, DomainReport report) =>
        JsonSerializer.Serialize(json, ProbeReportData.From(report), ProbeReportContext.Default.ProbeReportData);

    // The writer indents before each token, so a report ends mid-line: what follows the last line feed waits for the
    // next chunk, and every chunk is judged for escaping as whole lines.
    private static void WriteWholeLines(TextWriter output, ArrayBufferWriter<byte> buffer)
    {
        var written = buffer.WrittenSpan;
        int end = written.LastIndexOf((byte)'\n') + 1;
        TerminalWriter.WriteUtf8(output, written[..end]);
        byte[] rest = written[end..].ToArray();
        buffer.ResetWrittenCount();
        buffer.Write(rest);
    }
}

/// <summary>A probe report as written, described by <c>schema/probe-report.schema.json</c>.</summary>
public sealed record ProbeReportData(
    string Domain,
    bool Passed,
    EntryData? Entry,
    IReadOnlyList<MxData> Mx,
    IReadOnlyList<HostData> Hosts,
    MtaStsData MtaSts,
    EntryData? SuggestedEntry,
    IReadOnlyList<FindingData> Findings,
    double ElapsedMs)
{
    /// <summary>The data of <paramref name="report"/>.</summary>
    public static ProbeReportData From(DomainReport report) => new(
        report.Domain,
        report.Passed,
        report.Target.HasEntry ? new EntryData(report.Target.Mode?.ToJson(), [.. report.Target.Mxs!.Select(p => p.Text)]) : null,
        [.. report.Mx.Select(mx => new MxData(mx.Preference, mx.Host))],
        [.. report.Hosts.Select(HostData.From)],
        new MtaStsData(report.MtaStsRecord?.Id, report.MtaStsPolicy is { } policy ? new MtaStsPolicyData(policy.Mode, policy.Mx, policy.MaxAge) : null),
        report.Suggested is { } suggested ? new EntryData(suggested.Mode.ToJson(), suggested.Mxs) : null,
        [.. report.DomainFindings.Select(FindingData.From)],
        Math.Round(report.Elapsed.TotalMilliseconds));
}

/// <summary>A list entry: its mode and MX patterns.</summary>
public sealed record EntryData(string? Mode, IReadOnlyList<string> Mxs);

/// <summary>An MX record.</summary>
public sealed record MxData(int Preference, string Host);

/// <summary>What one MX host's session found.</summary>
public sealed record HostData(
    string Host,
    int Preference,
    string? Address,
    bool Passed,
    string? TlsVersion,
    string? CipherSuite,
    CertificateData? Certificate,
    IReadOnlyList<FindingData> Findings)
{
    /// <summary>The data of <paramref name="host"/>.</summary>
    public static HostData From(MxHostReport host) => new(
        host.Host,
        host.Preference,
        host.Address?.ToString(),
        host.Passed,
        host.TlsVersion,
        host.CipherSuite,
        host.Certificate is { } c ? new CertificateData(c.Subject, c.Issuer, c.Names, Instant(c.NotBefore), Instant(c.NotAfter), c.Sha256) : null,
        [.. host.Findings.Select(FindingData.From)]);

    private static string Instant(DateTimeOffset instant) => instant.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}

/// <summary>A server certificate, summarised.</summary>
public sealed record CertificateData(string Subject, string Issuer, IReadOnlyList<string> Names, string NotBefore, string NotAfter, string Sha256);

/// <summary>The domain's MTA-STS record id and policy, when there are.</summary>
public sealed record MtaStsData(string? Id, MtaStsPolicyData? Policy);

/// <summary>An MTA-STS policy.</summary>
public sealed record MtaStsPolicyData(string Mode, IReadOnlyList<string> Mx, long MaxAge);

/// <summary>The probe report's serialiser, made at build time.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(ProbeReportData))]
public sealed partial class ProbeReportContext : JsonSerializerContext;
