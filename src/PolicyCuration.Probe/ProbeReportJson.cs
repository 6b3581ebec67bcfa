using System.Buffers;
using System.Globalization;
using System.Text.Json;
using PolicyCuration.Format.Escaping;
using PolicyCuration.Format.Findings;
using PolicyCuration.Format.Json;
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
    public static void Write(Utf8JsonWriter json, DomainReport report)
    {
        json.WriteStartObject();
        json.WriteString("domain", report.Domain);
        json.WriteBoolean("passed", report.Passed);
        if (report.Target.HasEntry)
        {
            json.WriteStartObject("entry");
            WritePolicy(json, report.Target.Mode, report.Target.Mxs!.Select(p => p.Text));
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("entry");
        }

        json.WriteStartArray("mx");
        foreach (var mx in report.Mx)
        {
            json.WriteStartObject();
            json.WriteNumber("preference", mx.Preference);
            json.WriteString("host", mx.Host);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("hosts");
        foreach (var host in report.Hosts)
        {
            WriteHost(json, host);
        }

        json.WriteEndArray();
        json.WriteStartObject("mta_sts");
        json.WriteString("id", report.MtaStsRecord?.Id);
        if (report.MtaStsPolicy is { } policy)
        {
            json.WriteStartObject("policy");
            json.WriteString("mode", policy.Mode);
            json.WriteStringArray("mx", policy.Mx);
            json.WriteNumber("max_age", policy.MaxAge);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("policy");
        }

        json.WriteEndObject();
        if (report.Suggested is { } suggested)
        {
            json.WriteStartObject("suggested_entry");
            WritePolicy(json, suggested.Mode, suggested.Mxs);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("suggested_entry");
        }

        json.WriteStartArray("findings");
        foreach (var finding in report.DomainFindings)
        {
            FindingJson.Write(json, finding);
        }

        json.WriteEndArray();
        json.WriteNumber("elapsed_ms", Math.Round(report.Elapsed.TotalMilliseconds));
        json.WriteEndObject();
    }

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

    private static void WriteHost(Utf8JsonWriter json, MxHostReport host)
    {
        json.WriteStartObject();
        json.WriteString("host", host.Host);
        json.WriteNumber("preference", host.Preference);
        json.WriteString("address", host.Address?.ToString());
        json.WriteBoolean("passed", host.Passed);
        json.WriteString("tls_version", host.TlsVersion);
        json.WriteString("cipher_suite", host.CipherSuite);
        if (host.Certificate is { } certificate)
        {
            json.WriteStartObject("certificate");
            json.WriteString("subject", certificate.Subject);
            json.WriteString("issuer", certificate.Issuer);
            json.WriteStringArray("names", certificate.Names);
            json.WriteString("not_before", certificate.NotBefore.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            json.WriteString("not_after", certificate.NotAfter.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            json.WriteString("sha256", certificate.Sha256);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("certificate");
        }

        json.WriteStartArray("findings");
        foreach (var finding in host.Findings)
        {
            FindingJson.Write(json, finding);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WritePolicy(Utf8JsonWriter json, PolicyMode? mode, IEnumerable<string> mxs)
    {
        json.WriteString("mode", mode?.ToJson());
        json.WriteStringArray("mxs", mxs);
    }
}
