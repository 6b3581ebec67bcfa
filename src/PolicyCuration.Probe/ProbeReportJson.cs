using System.Buffers;
using System.Globalization;
using System.Text.Json;
using PolicyCuration.Format.Findings;
using PolicyCuration.Format.Json;
using PolicyCuration.Format.Model;

namespace PolicyCuration.Probe;

/// <summary>The JSON form of probe reports: what <c>policyctl probe --format json</c> prints and audits record.</summary>
public static class ProbeReportJson
{
    /// <summary>The reports as an indented JSON array and a final newline, in UTF-8.</summary>
    /// <remarks>Bytes, not a string: ten thousand reports are tens of megabytes, which a string would hold twice over and transcode twice.</remarks>
    public static ReadOnlyMemory<byte> ToUtf8(IReadOnlyList<DomainReport> reports)
    {
        var buffer = new ArrayBufferWriter<byte>(4096 + (reports.Count * 2048));
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartArray();
            foreach (var report in reports)
            {
                Write(json, report);
            }

            json.WriteEndArray();
        }

        buffer.Write("\n"u8);
        return buffer.WrittenMemory;
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
