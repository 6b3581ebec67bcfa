using LibGit2Sharp;
using PolicyCuration.Audit;
using PolicyCuration.Testing;

namespace PolicyCuration.Cli.Tests;

/// <summary>The audit end to end against the fixtures: probe, merge into the history branch, propose, apply.</summary>
[Trait("Needs", "fixtures")]
[Collection("environment")]
public sealed class AuditCommandTests : IDisposable
{
    private readonly TemporaryDirectory dir = new();

    public AuditCommandTests()
    {
        Repository.Init(dir.File("repo"));
        File.WriteAllText(dir.File("policy.json"), """
            {
              "expires": "2026-12-20T00:00:00+00:00",
              "policies": {
                "expired.probe.test": {"mode": "enforce", "mxs": ["mx.expired.probe.test"]},
                "valid.probe.test": {"mode": "enforce", "mxs": ["mx.valid.probe.test", ".valid.probe.test"]}
              },
              "timestamp": "2026-11-28T00:00:00+00:00",
              "version": "0.1"
            }
            """);
    }

    public void Dispose() => dir.Dispose();

    [Fact]
    public void AnAuditRecordsEachDomainAndTheHistoryDemotesOnlyAfterFailuresAWeekApart()
    {
        var (code, output, error) = PolicyCtlRunner.Run(["audit", "--list", dir.File("policy.json"), "--out", dir.File("today.jsonl"), .. ProbeFixtures.CommandLine()]);

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Equal(string.Empty, output);
        var records = WrittenJson.AuditLines(dir.File("today.jsonl")).Select(AuditRecord.Parse).ToDictionary(r => r.Domain);
        Assert.True(records["valid.probe.test"].Passed);
        Assert.Contains("tls.cert.expired", records["expired.probe.test"].ErrorCodes);
        Assert.Contains(records["expired.probe.test"].Findings!, f => f.Code == "tls.cert.expired" && f.Message.Contains("expired on", StringComparison.Ordinal));
        Assert.Contains(records["valid.probe.test"].Findings!, f => f.Code == "dane.tlsa.present");
        Assert.Equal(["mx.valid.probe.test", ".valid.probe.test"], records["valid.probe.test"].Mxs);

        Assert.Equal(ExitCodes.Ok, PolicyCtlRunner.Run("audit", "merge", dir.File("today.jsonl"), "--history", dir.File("repo")).ExitCode);
        var once = PolicyCtlRunner.Run("audit", "propose", "--history", dir.File("repo"));
        Assert.Contains("0 proposals", once.Output);

        // The same results a week and a day later: now the failure is confirmed.
        File.WriteAllLines(dir.File("later.jsonl"), records.Values.Select(r => (r with { Time = r.Time.AddDays(8) }).ToJsonLine()));
        Assert.Equal(ExitCodes.Ok, PolicyCtlRunner.Run("audit", "merge", dir.File("later.jsonl"), "--history", dir.File("repo")).ExitCode);
        var (proposed, said, _) = PolicyCtlRunner.Run("audit", "propose", "--history", dir.File("repo"), "--write", dir.File("policy.json"));

        Assert.Equal(ExitCodes.Ok, proposed);
        Assert.Contains("demote expired.probe.test", said);
        Assert.DoesNotContain("valid.probe.test:", said);
        string list = File.ReadAllText(dir.File("policy.json"));
        Assert.Contains("\"expired.probe.test\": {\n      \"mode\": \"testing\"", list);
        Assert.Contains("\"valid.probe.test\": {\n      \"mode\": \"enforce\"", list);
    }

    [Fact]
    public void ProposalsBecomeOnePullRequestPerKindWithTheirEvidence()
    {
        var start = new DateTimeOffset(2026, 10, 1, 6, 0, 0, TimeSpan.Zero);
        AuditRecord Audit(string domain, int day, string[] errors, string? stsMode = null) =>
            new(domain, start.AddDays(day), Format.Model.PolicyMode.Enforce, [$"mx.{domain}"], errors, stsMode, stsMode is null ? null : [$"mx.{domain}"]);
        File.WriteAllLines(dir.File("history.jsonl"), new[]
        {
            Audit("expired.probe.test", 0, ["tls.cert.expired"]), Audit("expired.probe.test", 9, ["tls.cert.expired"]),
            Audit("valid.probe.test", 0, [], "none"),
        }.Select(r => r.ToJsonLine()));
        PolicyCtlRunner.Run("audit", "merge", dir.File("history.jsonl"), "--history", dir.File("repo"));
        using var github = new FakeGitHubApi();
        Environment.SetEnvironmentVariable("GITHUB_TOKEN", "audit-token");
        try
        {
            var (code, output, error) = PolicyCtlRunner.Run(
                "audit", "propose", "--history", dir.File("repo"), "--open-prs", "--repo", "owner/list", "--list", dir.File("policy.json"), "--api-url", github.BaseUrl,
                "--allow-mass-change");

            Assert.True(code == ExitCodes.Ok, error);
            Assert.Contains("opened https://github.example/owner/list/pull/", output);
        }
        finally
        {
            Environment.SetEnvironmentVariable("GITHUB_TOKEN", null);
        }

        var pulls = github.PullRequests.OrderBy(p => p.Title, StringComparer.Ordinal).ToList();
        Assert.Equal(["audit: demote to testing 1 domain", "audit: remove 1 domain"], pulls.Select(p => p.Title));
        Assert.All(pulls, p => Assert.Equal("main", p.Base));
        Assert.Contains("| 2026-10-10 06:00Z | - | `tls.cert.expired` |", pulls[0].Body);
        var demotion = github.FileUpdates.Single(u => u.Branch == pulls[0].Head);
        Assert.Equal("policy/policy.json", demotion.Path);
        Assert.Contains("\"expired.probe.test\": {\n      \"mode\": \"testing\"", demotion.Content);
        Assert.Contains("valid.probe.test", demotion.Content);
        var removal = github.FileUpdates.Single(u => u.Branch == pulls[1].Head);
        Assert.DoesNotContain("valid.probe.test", removal.Content);
        Assert.Contains("\"expired.probe.test\": {\n      \"mode\": \"enforce\"", removal.Content);
    }

    [Fact]
    public void AProposalThatWouldBreakTheListIsNotMade()
    {
        var when = DateTimeOffset.UtcNow.AddHours(-1);
        File.WriteAllLines(dir.File("today.jsonl"),
        [
            new AuditRecord("expired.probe.test", when, Format.Model.PolicyMode.Enforce, ["mx.expired.probe.test"], [], "enforce", [".co.uk"]).ToJsonLine(),
            new AuditRecord("valid.probe.test", when, Format.Model.PolicyMode.Enforce, ["mx.valid.probe.test", ".valid.probe.test"], [], "enforce", ["mx.valid.probe.test", ".mail.valid.probe.test"]).ToJsonLine(),
        ]);
        Assert.Equal(ExitCodes.Ok, PolicyCtlRunner.Run("audit", "merge", dir.File("today.jsonl"), "--history", dir.File("repo")).ExitCode);

        var (code, output, error) = PolicyCtlRunner.Run("audit", "propose", "--history", dir.File("repo"), "--write", dir.File("policy.json"));

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("not proposed: update expired.probe.test would break the list (list.mx.too_broad", output);
        string list = File.ReadAllText(dir.File("policy.json"));
        Assert.DoesNotContain(".co.uk", list);
        Assert.Contains("\".mail.valid.probe.test\"", list);
    }

    [Fact]
    public void ShardsOfTheListCoverEachDomainOnce()
    {
        var seen = new List<string>();
        for (int k = 1; k <= 3; k++)
        {
            var (code, output, error) = PolicyCtlRunner.Run(["audit", "--list", dir.File("policy.json"), "--shard", $"{k}/3", "--timeout", "5", "--dns", ProbeFixtures.Dns.ToString(), "--smtp-port", ProbeFixtures.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--ca-file", ProbeFixtures.CaFile, "--canaries", ProbeFixtures.Canaries]);
            Assert.True(code == ExitCodes.Ok, error);
            seen.AddRange(output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
            {
                WrittenJson.Meets("audit-line.schema.json", line);
                return AuditRecord.Parse(line).Domain;
            }));
        }

        Assert.Equal(["expired.probe.test", "valid.probe.test"], seen.Order());
    }

    [Fact]
    public void AnAuditFromAHostThatCannotReachPort25IsMarkedUnhealthyAndFortyDaysOfItProposeNothing()
    {
        string closed = ProbeFixtures.ClosedPort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        string[] fixtures = ProbeFixtures.CommandLine(timeoutSeconds: 3);
        fixtures[Array.IndexOf(fixtures, "--smtp-port") + 1] = closed;
        var (code, _, error) = PolicyCtlRunner.Run(["audit", "--list", dir.File("policy.json"), "--out", dir.File("today.jsonl"), .. fixtures]);

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("error probe.vantage.unhealthy: THE PROBING HOST local IS UNHEALTHY (2 of 2 canaries could not be reached", error);
        var records = WrittenJson.AuditLines(dir.File("today.jsonl")).Select(AuditRecord.Parse).ToList();
        Assert.All(records, r => Assert.Equal(Probe.Vantage.VantageStatus.Unhealthy, r.Vantage!.Status));
        Assert.All(records, r => Assert.Contains("smtp.connect.failed", r.ErrorCodes));

        // The same run every ten days for 40 days: enough to demote and remove, were it believed.
        File.WriteAllLines(dir.File("history.jsonl"), Enumerable.Range(0, 5).SelectMany(i => records.Select(r => (r with { Time = r.Time.AddDays(-40 + (10 * i)) }).ToJsonLine())));
        Assert.Equal(ExitCodes.Ok, PolicyCtlRunner.Run("audit", "merge", dir.File("history.jsonl"), "--history", dir.File("repo")).ExitCode);
        var (proposed, said, _) = PolicyCtlRunner.Run("audit", "propose", "--history", dir.File("repo"), "--write", dir.File("policy.json"));

        Assert.Equal(ExitCodes.Ok, proposed);
        Assert.Contains("0 proposals", said);
        string after = File.ReadAllText(dir.File("policy.json"));
        Assert.Contains("\"expired.probe.test\": {\n      \"mode\": \"enforce\"", after);
        Assert.Contains("\"valid.probe.test\": {\n      \"mode\": \"enforce\"", after);
    }

    [Fact]
    public void TheAuditRefusesToRunWithoutCanaries()
    {
        var (code, _, error) = PolicyCtlRunner.Run("audit", "--list", dir.File("policy.json"), "--dns", ProbeFixtures.Dns.ToString());

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("the audit needs canaries", error);
    }

    [Theory]
    [InlineData(5, false, 5)]
    [InlineData(6, false, 0)]
    [InlineData(6, true, 6)]
    public void NoRunDemotesMoreThanFivePercentOfTheListUnlessAllowed(int failing, bool allowed, int demoted)
    {
        var domains = Enumerable.Range(1, 100).Select(i => $"d{i}.guard.test").ToList();
        File.WriteAllText(dir.File("guard.json"), Enforcing(domains));
        var start = DateTimeOffset.UtcNow.AddDays(-10);
        File.WriteAllLines(dir.File("guard.jsonl"), domains.Take(failing).SelectMany(d => new[] { 0, 9 }.Select(day =>
            new AuditRecord(d, start.AddDays(day), Format.Model.PolicyMode.Enforce, [$"mx.{d}"], ["tls.cert.expired"], null, null).ToJsonLine())));
        Assert.Equal(ExitCodes.Ok, PolicyCtlRunner.Run("audit", "merge", dir.File("guard.jsonl"), "--history", dir.File("repo")).ExitCode);

        var (code, output, error) = PolicyCtlRunner.Run(["audit", "propose", "--history", dir.File("repo"), "--write", dir.File("guard.json"), .. allowed ? ["--allow-mass-change"] : Array.Empty<string>()]);

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Equal(demoted, CountOf(File.ReadAllText(dir.File("guard.json")), "\"mode\": \"testing\""));
        Assert.Equal(demoted == 0, output.Contains($"held back: {failing} demotions and removals exceed the 5 allowed in one run (5% of 100 domains)", StringComparison.Ordinal));
    }

    [Fact]
    public void HeldBackChangesBecomeOneIssueAndNoPullRequest()
    {
        var domains = Enumerable.Range(1, 20).Select(i => $"d{i}.guard.test").ToList();
        File.WriteAllText(dir.File("guard.json"), Enforcing(domains));
        var start = DateTimeOffset.UtcNow.AddDays(-10);
        File.WriteAllLines(dir.File("guard.jsonl"), domains.Take(2).SelectMany(d => new[] { 0, 9 }.Select(day =>
            new AuditRecord(d, start.AddDays(day), Format.Model.PolicyMode.Enforce, [$"mx.{d}"], ["smtp.connect.failed"], null, null).ToJsonLine())));
        PolicyCtlRunner.Run("audit", "merge", dir.File("guard.jsonl"), "--history", dir.File("repo"));
        using var github = new FakeGitHubApi();
        Environment.SetEnvironmentVariable("GITHUB_TOKEN", "audit-token");
        try
        {
            var (code, output, error) = PolicyCtlRunner.Run(
                "audit", "propose", "--history", dir.File("repo"), "--open-prs", "--repo", "owner/list", "--list", dir.File("guard.json"), "--api-url", github.BaseUrl);

            Assert.True(code == ExitCodes.Ok, error);
            Assert.Contains("opened https://github.example/owner/list/issues/", output);
        }
        finally
        {
            Environment.SetEnvironmentVariable("GITHUB_TOKEN", null);
        }

        Assert.Empty(github.PullRequests);
        var (title, body) = Assert.Single(github.Issues);
        Assert.Equal("audit: 2 demotions and removals held back (more than 5% of the list)", title);
        Assert.Contains("### `d1.guard.test`", body);
        Assert.Contains("--allow-mass-change", body);
    }

    [Fact]
    public void ADemotionNamesWhoAddedTheDomainAndWhereItWantsTlsReports()
    {
        var repository = new ListRepository(dir.File("list-repo"));
        repository.Commit(ListRepository.List(("valid.probe.test", "mx.valid.probe.test")), "start the list");
        string added = repository.Commit(ListRepository.List(("valid.probe.test", "mx.valid.probe.test"), ("expired.probe.test", "mx.expired.probe.test")), "add expired.probe.test");
        repository.Commit(ListRepository.List(("valid.probe.test", "mx.valid.probe.test"), ("expired.probe.test", "mx.expired.probe.test"), ("soon.probe.test", "mx.soon.probe.test")), "add soon.probe.test");
        var start = DateTimeOffset.UtcNow.AddDays(-32);
        File.WriteAllLines(dir.File("history.jsonl"), new[] { 0, 10, 20, 31 }.Select(day => new AuditRecord(
            "expired.probe.test", start.AddDays(day), Format.Model.PolicyMode.Testing, ["mx.expired.probe.test"], ["tls.cert.expired"], null, null,
            TlsRpt: ["mailto:tls-reports@expired.probe.test"]).ToJsonLine()));
        PolicyCtlRunner.Run("audit", "merge", dir.File("history.jsonl"), "--history", repository.Path);
        using var github = new FakeGitHubApi();
        github.CommitOpeners[added] = "alice-admin";
        Environment.SetEnvironmentVariable("GITHUB_TOKEN", "audit-token");
        try
        {
            var (code, _, error) = PolicyCtlRunner.Run(
                "audit", "propose", "--history", repository.Path, "--open-prs", "--repo", "owner/list", "--list", repository.ListFile, "--api-url", github.BaseUrl);
            Assert.True(code == ExitCodes.Ok, error);
        }
        finally
        {
            Environment.SetEnvironmentVariable("GITHUB_TOKEN", null);
        }

        var removal = Assert.Single(github.PullRequests);
        Assert.Equal("audit: remove 1 domain", removal.Title);
        Assert.Contains("Added to the list by @alice-admin", removal.Body);
        Assert.Contains("TLS reports at `mailto:tls-reports@expired.probe.test`", removal.Body);
    }

    private static string Enforcing(IEnumerable<string> domains)
    {
        var policies = domains.Select(d => $"    \"{d}\": {{\n      \"mode\": \"enforce\",\n      \"mxs\": [\n        \"mx.{d}\"\n      ]\n    }}");
        string Time(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", System.Globalization.CultureInfo.InvariantCulture);
        return $"{{\n  \"timestamp\": \"{Time(DateTimeOffset.UtcNow.AddDays(-1))}\",\n  \"expires\": \"{Time(DateTimeOffset.UtcNow.AddDays(10))}\",\n  \"version\": \"0.1\",\n  \"policies\": {{\n{string.Join(",\n", policies)}\n  }}\n}}\n";
    }

    private static int CountOf(string text, string what) => (text.Length - text.Replace(what, string.Empty, StringComparison.Ordinal).Length) / what.Length;
}
