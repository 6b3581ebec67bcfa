using System.Globalization;
using System.Text;
using LibGit2Sharp;
using PolicyCuration.Audit;
using PolicyCuration.Format;
using PolicyCuration.Format.Model;
using PolicyCuration.Probe;
using PolicyCuration.Probe.Vantage;

namespace PolicyCuration.Bench;

/// <summary>What the status site reads, at scale: a list with a git history, and a daily audit history.</summary>
internal static class SiteInputs
{
    /// <summary>
    /// A repository at <paramref name="repositoryPath"/> whose <c>policy/policy.json</c> has <paramref name="versions"/>
    /// versions a day apart, ending with the list of <paramref name="domains"/> domains; each earlier version lacks
    /// 50 of its domains and has 50 in the other mode.
    /// </summary>
    public static int WriteListHistory(string repositoryPath, int domains, int versions, DateTimeOffset end)
    {
        var final = SyntheticList.Create(domains, 1);
        Repository.Init(repositoryPath);
        Directory.CreateDirectory(Path.Combine(repositoryPath, "policy"));
        using var repository = new Repository(repositoryPath);
        for (int v = versions - 1; v >= 0; v--)
        {
            // Version v (v = 0 is the newest) leaves out and flips domains v*50 .. v*50+99.
            var policies = final.Policies
                .Where((_, i) => !(i >= v * 100 && i < v * 100 + 50))
                .Select((p, i) => i >= v * 100 + 50 && i < v * 100 + 100 && p.Policy.Mode is { } mode
                    ? p with { Policy = p.Policy with { Mode = mode == PolicyMode.Enforce ? PolicyMode.Testing : PolicyMode.Enforce } }
                    : p)
                .ToList();
            File.WriteAllText(Path.Combine(repositoryPath, "policy", "policy.json"), CanonicalWriter.Write(final with { Policies = policies }), new UTF8Encoding(false));
            Commands.Stage(repository, "policy/policy.json");
            var when = end.AddDays(-v);
            var signature = new LibGit2Sharp.Signature("bench", "bench@example.org", when);
            repository.Commit($"version {versions - v}", signature, signature);
        }

        Console.WriteLine($"{repositoryPath}: {versions} versions of a {domains}-domain list");
        return 0;
    }

    /// <summary>
    /// A daily audit history of every domain of <paramref name="listPath"/> for <paramref name="days"/> days up to
    /// <paramref name="end"/>: the last <paramref name="written"/> days written out (one domain in a hundred failing),
    /// older days symbolic links to the oldest written one, since the site reads only the last 90 days.
    /// </summary>
    public static int WriteAuditHistory(string listPath, string directory, int days, int written, DateTimeOffset end)
    {
        var list = PolicyListReader.ReadFile(listPath).List ?? throw new InvalidDataException($"{listPath}: not a list");
        var vantage = new VantageHealth("bench-1", VantageStatus.Healthy, "canaries reached", 3, 3, list.Policies.Count, 10);
        var noSts = ProbeFindingKinds.MtaStsTxtNone.At("_mta-sts", "no MTA-STS TXT record", null);
        var noRpt = ProbeFindingKinds.TlsRptNone.At("_smtp._tls", "no TLS-RPT TXT record", null);
        string? oldest = null;
        for (int day = 0; day < days; day++)
        {
            var time = end.AddDays(-day);
            string file = Path.Combine(directory, AuditHistory.DayFile(time));
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            if (day >= written && oldest is not null)
            {
                File.CreateSymbolicLink(file, oldest);
                continue;
            }

            using var writer = new StreamWriter(file, false, new UTF8Encoding(false), 1 << 20);
            for (int i = 0; i < list.Policies.Count; i++)
            {
                var entry = list.Policies[i];
                var policy = list.Resolve(entry.Policy);
                var findings = (i + day) % 100 == 0
                    ? new[] { ProbeFindingKinds.CertUntrusted.At($"mx1.{entry.Name}", "the chain ends at an unknown root", null), noSts, noRpt }
                    : new[] { noSts, noRpt };
                var record = new AuditRecord(
                    entry.Name, time, policy?.Mode ?? PolicyMode.Testing, [.. (policy?.Mxs ?? []).Select(p => p.Text)],
                    [.. findings.Where(f => f.Severity == PolicyCuration.Format.Findings.Severity.Error).Select(f => f.Code)], null, null, findings, vantage);
                writer.Write(record.ToJsonLine());
                writer.Write('\n');
            }

            oldest = file;
        }

        Console.WriteLine($"{directory}: {days} days of audits of {list.Policies.Count} domains ({written} written, the rest linked)");
        return 0;
    }
}
