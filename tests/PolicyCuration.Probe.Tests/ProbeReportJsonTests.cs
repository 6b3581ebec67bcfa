using System.Buffers;
using System.Text;
using System.Text.Json;
using PolicyCuration.Format.Escaping;
using PolicyCuration.Format.Findings;
using PolicyCuration.Probe.Dns;

namespace PolicyCuration.Probe.Tests;

public sealed class ProbeReportJsonTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2500)]
    public async Task ReportsWrittenAsTheyComeAreTheArrayWrittenAtOnce(int count)
    {
        var reports = Enumerable.Range(0, count).Select(i => Report($"d{i}.example", passes: i != 1234)).ToList();
        var written = new StringWriter();

        bool passed = await ProbeReportJson.WriteEachAsync(new TerminalWriter(written), Yield(reports));

        Assert.Equal(AtOnce(reports), written.ToString());
        Assert.Equal(count <= 1234, passed);
        using var document = JsonDocument.Parse(written.ToString());
        Assert.Equal(reports.Select(r => r.Domain), document.RootElement.EnumerateArray().Select(e => e.GetProperty("domain").GetString()));
    }

    [Fact]
    public async Task HostileTextSplitAcrossChunksIsStillEscapedLineByLine()
    {
        // Enough reports that chunks are cut between them, each carrying text that must not pass as it is.
        var reports = Enumerable.Range(0, 300).Select(i => Report($"d{i}.example", passes: false, "::error::forged ##[group]x \u001b[31m")).ToList();
        var written = new StringWriter();

        await ProbeReportJson.WriteEachAsync(new TerminalWriter(written), Yield(reports));

        var lines = written.ToString().Split('\n');
        Assert.All(lines, line => Assert.False(line.TrimStart().StartsWith("::", StringComparison.Ordinal), line));
        Assert.All(lines, line => Assert.DoesNotContain("##[", line, StringComparison.Ordinal));
        Assert.All(lines, line => Assert.DoesNotContain('\u001b', line));
        Assert.Equal(300, lines.Count(line => line.Contains("forged", StringComparison.Ordinal)));
    }

    private static DomainReport Report(string domain, bool passes, string message = "the certificate expired")
    {
        Finding[] findings = passes ? [] : [ProbeFindingKinds.CertExpired.At(domain, message, null)];
        return new DomainReport(new ProbeTarget(domain), [new MxRecord(10, "mx." + domain)], [], null, null, findings, null, TimeSpan.FromMilliseconds(12));
    }

    private static string AtOnce(IReadOnlyList<DomainReport> reports)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartArray();
            foreach (var report in reports)
            {
                ProbeReportJson.Write(json, report);
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n";
    }

    private static async IAsyncEnumerable<DomainReport> Yield(IEnumerable<DomainReport> reports)
    {
        foreach (var report in reports)
        {
            await Task.Yield();
            yield return report;
        }
    }
}
