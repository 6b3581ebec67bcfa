using LibGit2Sharp;
using PolicyCuration.Audit;
using PolicyCuration.Testing;

namespace PolicyCuration.Cli.Tests;

/// <summary>The audit end to end against the fixtures: probe, merge into the history branch, propose, apply.</summary>
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
        var records = File.ReadAllLines(dir.File("today.jsonl")).Select(AuditRecord.Parse).ToDictionary(r => r.Domain);
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
                "audit", "propose", "--history", dir.File("repo"), "--open-prs", "--repo", "owner/list", "--list", dir.File("policy.json"), "--api-url", github.BaseUrl);

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
        Assert.Contains("| 2026-10-10 06:00Z | `tls.cert.expired` |", pulls[0].Body);
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
            var (code, output, error) = PolicyCtlRunner.Run(["audit", "--list", dir.File("policy.json"), "--shard", $"{k}/3", "--timeout", "5", "--dns", ProbeFixtures.Dns.ToString(), "--smtp-port", ProbeFixtures.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--ca-file", ProbeFixtures.CaFile]);
            Assert.True(code == ExitCodes.Ok, error);
            seen.AddRange(output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => AuditRecord.Parse(line).Domain));
        }

        Assert.Equal(["expired.probe.test", "valid.probe.test"], seen.Order());
    }
}
