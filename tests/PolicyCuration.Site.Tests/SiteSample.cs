using System.Text;
using LibGit2Sharp;
using PolicyCuration.Audit;
using PolicyCuration.Format;
using PolicyCuration.Format.Findings;
using PolicyCuration.Format.Model;
using PolicyCuration.Probe;
using PolicyCuration.Probe.Vantage;
using PolicyCuration.Signing;
using PolicyCuration.Site;
using PolicyCuration.Site.Inputs;
using PolicyCuration.Testing;

namespace PolicyCuration.Site.Tests;

/// <summary>
/// A list with a history: three commits in a git repository (two domains added, one promoted and one added, one
/// removed), an audit history of the last days with a hostile certificate name in a finding, a signed release,
/// and the site built from them.
/// </summary>
public sealed class SiteSample : IDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    /// <summary>What a hostile server put in its certificate, which a finding's message quotes.</summary>
    public const string HostileName = "<img src=x onerror=alert(1)>\"'&.evil.example";

    private readonly TemporaryDirectory dir = new();

    public SiteSample()
    {
        Repository.Init(Repo);
        Directory.CreateDirectory(Path.Combine(Repo, "policy"));
        Commit(Now.AddDays(-40), ("alpha.example", "testing"), ("beta.example", "testing"));
        Commit(Now.AddDays(-10), ("alpha.example", "enforce"), ("beta.example", "testing"), ("gamma.example", "testing"));
        Commit(Now.AddDays(-2), ("alpha.example", "enforce"), ("gamma.example", "testing"));

        Directory.CreateDirectory(History);
        var healthy = new VantageHealth("eu-1", VantageStatus.Healthy, "canaries reached", 3, 3, 40, 1);
        var unhealthy = new VantageHealth("us-1", VantageStatus.Unhealthy, "no canary reached", 0, 3, 40, 40);
        var records = new List<AuditRecord>();
        for (int day = 5; day >= 1; day--)
        {
            records.Add(Record("alpha.example", Now.AddDays(-day), PolicyMode.Enforce, healthy));
        }

        records.Add(Record("gamma.example", Now.AddDays(-3), PolicyMode.Testing, healthy));
        records.Add(Record("gamma.example", Now.AddDays(-2), PolicyMode.Testing, unhealthy, ProbeFindingKinds.ConnectFailed.At("mx.gamma.example", "timed out", null)));
        var mismatch = ProbeFindingKinds.CertNameMismatch.At("mx.gamma.example", $"the certificate names {HostileName}, not mx.gamma.example", null);
        records.Add(Record("gamma.example", Now.AddHours(-1), PolicyMode.Testing, healthy, mismatch));
        foreach (var day in records.GroupBy(r => AuditHistory.DayFile(r.Time)))
        {
            string file = Path.Combine(History, day.Key);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllLines(file, day.Select(r => r.ToJsonLine()));
        }

        File.AppendAllText(Path.Combine(History, AuditHistory.DayFile(Now)), "not json\n{\"domain\":\"alpha.example\"}\n");

        using var key = MinisignSecretKey.Generate();
        File.WriteAllText(PublicKey, key.PublicKey.ToText());
        ReleaseWriter.Write(Release, File.ReadAllBytes(ListPath), 7, Now.AddDays(-1), Now.AddDays(13), key);
        Settings = new SiteSettings("Test list", new Uri("https://lists.example/"), "https://github.example/owner/list", "policy/policy.json", Now);
        Build = SiteBuilder.Build(Settings, ListPath, PolicyListReader.ReadFile(ListPath).List!, History, ReleaseInfo.Read(Release, PublicKey), Out);
    }

    public string Repo => dir.File("repo");

    public string ListPath => Path.Combine(Repo, "policy", "policy.json");

    public string History => dir.File("history");

    public string Release => dir.File("release");

    public string PublicKey => dir.File("release.pub");

    public string Out => dir.File("site");

    public SiteSettings Settings { get; }

    public SiteBuild Build { get; }

    public string Read(string path) => File.ReadAllText(Path.Combine(Out, path));

    public void Dispose() => dir.Dispose();

    private static AuditRecord Record(string domain, DateTimeOffset time, PolicyMode mode, VantageHealth vantage, params Finding[] findings) =>
        new(domain, time, mode, ["." + domain], [.. findings.Where(f => f.Severity == Severity.Error).Select(f => f.Code)], null, null, findings, vantage);

    private void Commit(DateTimeOffset when, params (string Domain, string Mode)[] domains)
    {
        var json = new StringBuilder("{\n  \"timestamp\": \"2026-01-01T00:00:00Z\",\n  \"expires\": \"2027-01-01T00:00:00Z\",\n  \"version\": \"0.1\",\n  \"policies\": {\n");
        json.AppendJoin(",\n", domains.Select(d => $"    \"{d.Domain}\": {{\n      \"mode\": \"{d.Mode}\",\n      \"mxs\": [\n        \".{d.Domain}\"\n      ]\n    }}"));
        json.Append("\n  }\n}\n");
        File.WriteAllText(ListPath, json.ToString());
        using var repository = new Repository(Repo);
        Commands.Stage(repository, "policy/policy.json");
        var signature = new LibGit2Sharp.Signature("maintainer", "maintainer@example.org", when);
        repository.Commit($"list at {when:yyyy-MM-dd}", signature, signature);
    }
}
