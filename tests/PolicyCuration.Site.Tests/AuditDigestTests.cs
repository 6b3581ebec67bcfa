using PolicyCuration.Audit;
using PolicyCuration.Format.Model;
using PolicyCuration.Probe;
using PolicyCuration.Probe.Vantage;
using PolicyCuration.Site.Inputs;
using PolicyCuration.Site.Status;
using PolicyCuration.Testing;

namespace PolicyCuration.Site.Tests;

/// <summary>Reading the audit history: lines across read buffers, over-long and broken lines, days out of the window.</summary>
public sealed class AuditDigestTests
{
    private static readonly DateOnly Today = new(2026, 11, 30);
    private static readonly VantageHealth Healthy = new("eu-1", VantageStatus.Healthy, "canaries reached", 3, 3, 40, 1);

    [Fact]
    public void EveryRecordOfADayIsReadWhateverTheLinesLengthsAndAnOverlongLineIsSkippedAndCounted()
    {
        using var dir = new TemporaryDirectory();
        var domains = Enumerable.Range(0, 12_000).Select(i => $"d{i}.example").ToList();
        string file = Path.Combine(dir.Path, AuditHistory.DayFile(new DateTimeOffset(2026, 11, 30, 6, 0, 0, TimeSpan.Zero)));
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        using (var writer = new StreamWriter(file))
        {
            foreach (var (domain, i) in domains.Select((d, i) => (d, i)))
            {
                // Messages of varied length put line ends everywhere across the reader's 1 MiB buffers.
                var finding = ProbeFindingKinds.CertUntrusted.At($"mx.{domain}", new string('x', (i * 37) % 500), null);
                writer.Write(Record(domain, i % 7 == 0 ? [finding] : []).ToJsonLine());
                writer.Write('\n');
                if (i == 6_000)
                {
                    writer.Write("{\"domain\":\"" + new string('y', AuditDigest.MaxLineBytes + 10) + "\"}\n\n");
                }
            }
        }

        var digest = AuditDigest.Read(dir.Path, Today, domains);

        Assert.Equal(12_000, digest.RecordsRead);
        Assert.Equal(1, digest.UnreadableLines);
        Assert.All(domains, d => Assert.Single(digest.AuditsOf(d)));
        var failing = digest.AuditsOf("d7.example")[0];
        Assert.False(failing.Passed);
        Assert.Equal(new string('x', (7 * 37) % 500), Assert.Single(failing.Findings).Message);
        Assert.Equal(DayState.Failed, digest.TimelineOf("d7.example")[^1].State);
        Assert.Equal(DayState.Passed, digest.TimelineOf("d8.example")[^1].State);
    }

    [Fact]
    public void DaysBeforeTheWindowAreNotReadAndOnlyTheNewestAuditKeepsItsFindings()
    {
        using var dir = new TemporaryDirectory();
        var finding = ProbeFindingKinds.CertExpired.At("mx.a.example", "expired yesterday", null);
        foreach (int daysAgo in new[] { 0, 1, 2, 3, 4, 5, 6, AuditDigest.Days })
        {
            var time = new DateTimeOffset(2026, 11, 30, 6, 0, 0, TimeSpan.Zero).AddDays(-daysAgo);
            string file = Path.Combine(dir.Path, AuditHistory.DayFile(time));
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, (Record("a.example", [finding]) with { Time = time }).ToJsonLine() + "\n");
        }

        var digest = AuditDigest.Read(dir.Path, Today, ["a.example"]);
        var audits = digest.AuditsOf("a.example");

        Assert.Equal(7, digest.RecordsRead);
        Assert.Equal(AuditDigest.KeptAudits, audits.Count);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 6, 0, 0, TimeSpan.Zero), audits[0].Time);
        Assert.Single(audits[0].Findings);
        Assert.All(audits.Skip(1), a => Assert.Empty(a.Findings));
        Assert.Equal([(AuditDigest.Days - 7, DayState.NotAudited), (7, DayState.Failed)], digest.TimelineOf("a.example").Select(r => (r.Days, r.State)));
    }

    private static AuditRecord Record(string domain, PolicyCuration.Format.Findings.Finding[] findings) =>
        new(domain, new DateTimeOffset(2026, 11, 30, 6, 0, 0, TimeSpan.Zero), PolicyMode.Enforce, ["." + domain], [.. findings.Select(f => f.Code)], null, null, findings, Healthy);
}
