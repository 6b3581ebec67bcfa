using LibGit2Sharp;
using PolicyCuration.Testing;

namespace PolicyCuration.Cli.Tests;

/// <summary>check-pr end to end: a git repository with a base and a PR head, the probe against the fixtures, ownership records in their zone.</summary>
[Trait("Needs", "fixtures")]
public sealed class CheckPrCommandTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private readonly TemporaryDirectory dir = new();

    public CheckPrCommandTests() => Repository.Init(Repo);

    private string Repo => dir.File("repo");

    public void Dispose() => dir.Dispose();

    [Fact]
    public void AGoodNewDomainWithItsOwnershipRecordIsMergeable()
    {
        Commit(List(("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])), Now.AddDays(-30), "base");
        Commit(List(("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"]), ("valid.probe.test", "testing", ["mx.valid.probe.test", "mx2.valid.probe.test"])), Now, "add valid");

        var (code, output, error) = CheckPr("--repo", "owner/list", "--pr", "42");

        Assert.True(code == ExitCodes.Ok, output + error);
        Assert.Contains("## Policy list check: mergeable", output);
        Assert.Contains("### `valid.probe.test` (added): passes", output);
    }

    [Fact]
    public void AFailingDomainWithAnotherPrsRecordIsBlockedWithAnnotationsSummaryAndComment()
    {
        Commit(List(("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])), Now.AddDays(-30), "base");
        Commit(List(("selfsigned.probe.test", "testing", ["mx.selfsigned.probe.test"]), ("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])), Now, "add selfsigned");
        string summary = dir.File("summary.md"), comment = dir.File("comment.md");

        var (code, output, _) = CheckPr("--repo", "owner/list", "--pr", "42", "--annotations", "--summary", summary, "--comment-out", comment);

        Assert.Equal(ExitCodes.Findings, code);
        Assert.Matches(@"::error file=policy/policy\.json,line=\d+,col=\d+,title=eligibility\.probe_failed::", output);
        Assert.Contains("title=ownership.txt.mismatch::", output);
        Assert.Contains("title=tls.cert.untrusted::", output);
        Assert.Contains("## Policy list check: not mergeable", File.ReadAllText(summary));
        Assert.StartsWith("<!-- policyctl check-pr -->\n", File.ReadAllText(comment));
        Assert.Contains("https://github.com/owner/list/pull/7", File.ReadAllText(comment));
    }

    [Theory]
    [InlineData("sts-valid.probe.test", new[] { "mx.valid.probe.test", ".valid.probe.test" }, null)]
    [InlineData("sts-testing.probe.test", new[] { "mx.valid.probe.test" }, "eligibility.enforce_without_mta_sts")]
    public void ANewEntryEnforcesOnlyWithAnEnforcingLongLivedMtaStsPolicy(string domain, string[] mxs, string? code)
    {
        Commit(List(("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])), Now.AddDays(-30), "base");
        Commit(List((domain, "enforce", mxs), ("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])), Now, "add");

        var (exit, output, _) = CheckPr("--repo", "owner/list", "--pr", "42", "--format", "json");

        Assert.Equal(code is null ? ExitCodes.Ok : ExitCodes.Findings, exit);
        Assert.Equal(code is not null, output.Contains("eligibility.enforce_without_mta_sts", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(3, "eligibility.enforce_too_soon")]
    [InlineData(20, null)]
    public void TestingBecomesEnforceOnlyAfterFourteenDaysOnTheBaseBranch(int daysInTesting, string? code)
    {
        Commit(List(("other.example", "testing", ["mx.other.example"])), Now.AddDays(-60), "base");
        Commit(List(("other.example", "testing", ["mx.other.example"]), ("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])), Now.AddDays(-daysInTesting), "add wildcard");
        Commit(List(("other.example", "testing", ["mx.other.example"]), ("wildcard.probe.test", "enforce", ["mx1.wildcard.probe.test"])), Now, "enforce wildcard");

        var (exit, output, _) = CheckPr("--repo", "owner/list", "--pr", "42", "--format", "json");

        Assert.Equal(code is null ? ExitCodes.Ok : ExitCodes.Findings, exit);
        Assert.Equal(code is not null, output.Contains("eligibility.enforce_too_soon", StringComparison.Ordinal));
    }

    [Fact]
    public void ARemovalNeedsTheOwnershipRecordOrMtaStsModeNone()
    {
        Commit(List(("nomx.probe.test", "testing", ["mx.nomx.probe.test"]), ("sts-none.probe.test", "testing", ["mx.valid.probe.test"]), ("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])), Now.AddDays(-30), "base");
        Commit(List(("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])), Now, "remove two");

        var (exit, output, _) = CheckPr("--repo", "owner/list", "--pr", "42", "--format", "json");

        Assert.Equal(ExitCodes.Findings, exit);
        using var json = System.Text.Json.JsonDocument.Parse(output);
        var domains = json.RootElement.GetProperty("domains").EnumerateArray().ToDictionary(d => d.GetProperty("domain").GetString()!);
        Assert.True(domains["sts-none.probe.test"].GetProperty("passed").GetBoolean());
        Assert.Equal("ownership.txt.missing", domains["nomx.probe.test"].GetProperty("findings")[0].GetProperty("code").GetString());
    }

    [Fact]
    public void WithoutAPullRequestOwnershipIsNotCheckedAndSaysSo()
    {
        Commit(List(("other.example", "testing", ["mx.other.example"])), Now.AddDays(-30), "base");
        Commit(List(("other.example", "testing", ["mx.other.example"]), ("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])), Now, "add");

        var (exit, output, _) = CheckPr("--no-probe");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("`ownership.not_checked`", output);
    }

    [Fact]
    public void AnOwnershipLookupThatFailsBlocksTheMerge()
    {
        Commit(List(("other.example", "testing", ["mx.other.example"])), Now.AddDays(-30), "base");
        Commit(List(("other.example", "testing", ["mx.other.example"]), ("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])), Now, "add");

        // A DNS server that never answers: nothing listens on the port of a listener just closed.
        var (exit, output, _) = PolicyCtlRunner.Run(
            "check-pr", "--git", Repo, "--base", "HEAD~1", "--head", "HEAD", "--repo", "owner/list", "--pr", "42", "--no-probe",
            "--dns", $"127.0.0.1:{ClosedUdpPort()}", "--timeout", "1");

        Assert.Equal(ExitCodes.Findings, exit);
        Assert.Contains("`ownership.lookup_failed`", output);
    }

    /// <summary>A pull request that adds one domain to a one-domain base, and the codes its JSON report must hold.</summary>
    public static TheoryData<string, string, string, string[], string[]> FailingPullRequests { get; } = new()
    {
        // reason, domain, mode, patterns, expected codes
        { "schema", "wildcard.probe.test", "strict", ["mx1.wildcard.probe.test"], ["schema.enum"] },
        { "rule", "Wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"], ["list.domain.not_lowercase"] },
        { "probe", "expired.probe.test", "testing", ["mx.expired.probe.test"], ["eligibility.probe_failed", "tls.cert.expired"] },
        { "uncovered MX", "valid.probe.test", "testing", ["mx.valid.probe.test"], ["eligibility.probe_failed", "dns.mx.unmatched"] },
        { "no ownership record", "sts-html.probe.test", "testing", ["mx.valid.probe.test"], ["ownership.txt.missing"] },
        { "replay of another PR's record", "soon.probe.test", "testing", ["mx.soon.probe.test"], ["ownership.txt.mismatch"] },
        { "enforce from the start", "wildcard.probe.test", "enforce", ["mx1.wildcard.probe.test"], ["eligibility.enforce_without_mta_sts"] },
    };

    [Theory]
    [MemberData(nameof(FailingPullRequests))]
    public void APullRequestFailsForEachReasonWithItsCodesInTheJsonReport(string reason, string domain, string mode, string[] mxs, string[] codes)
    {
        Commit(List(("other.example", "testing", ["mx.other.example"])), Now.AddDays(-30), "base");
        string head = List(("other.example", "testing", ["mx.other.example"]), (domain, mode, mxs));
        Commit(head, Now, reason);

        var (exit, output, error) = CheckPr("--repo", "owner/list", "--pr", "42", "--format", "json");

        Assert.True(exit == ExitCodes.Findings, $"{reason}: {output}{error}");
        using var json = System.Text.Json.JsonDocument.Parse(output);
        Assert.False(json.RootElement.GetProperty("mergeable").GetBoolean());
        var found = json.RootElement.GetProperty("list_findings").EnumerateArray()
            .Concat(json.RootElement.GetProperty("domains").EnumerateArray().SelectMany(d => d.GetProperty("findings").EnumerateArray()))
            .Select(f => f.GetProperty("code").GetString())
            .ToHashSet();
        Assert.All(codes, code => Assert.True(found.Contains(code), $"{reason}: expected {code}, found {string.Join(", ", found)}"));
    }

    /// <summary>Every review code a test here produces, for the catalogue test.</summary>
    public static readonly string[] CodesProduced =
    [
        "ownership.txt.missing", "ownership.txt.mismatch", "ownership.lookup_failed", "ownership.not_checked",
        "eligibility.probe_failed", "eligibility.enforce_without_mta_sts", "eligibility.enforce_too_soon", "pr.changes_outside_list",
    ];

    [Fact]
    public void TheFourteenDaysCountFromTheMergeIntoTheBaseNotFromDatesThePrAuthorSet()
    {
        Commit(List(("other.example", "testing", ["mx.other.example"])), Now.AddDays(-60), "base");
        using (var repository = new Repository(Repo))
        {
            // A PR whose commit claims to be 30 days old, merged today by a merge commit on the base branch.
            var before = repository.Head.Tip;
            File.WriteAllText(Path.Combine(Repo, "policy", "policy.json"), List(("other.example", "testing", ["mx.other.example"]), ("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])));
            LibGit2Sharp.Commands.Stage(repository, "*");
            var tree = repository.Index.WriteToTree();
            var backdated = new Signature("contributor", "c@example.org", Now.AddDays(-30));
            var branch = repository.ObjectDatabase.CreateCommit(backdated, backdated, "add wildcard", tree, [before], prettifyMessage: false);
            var merger = new Signature("GitHub", "noreply@github.com", Now);
            var merge = repository.ObjectDatabase.CreateCommit(merger, merger, "Merge pull request #7", tree, [before, branch], prettifyMessage: false);
            repository.Refs.UpdateTarget(repository.Head.Reference.ResolveToDirectReference(), merge.Id);
        }

        Commit(List(("other.example", "testing", ["mx.other.example"]), ("wildcard.probe.test", "enforce", ["mx1.wildcard.probe.test"])), Now, "enforce wildcard");

        var (exit, output, _) = CheckPr("--repo", "owner/list", "--pr", "42", "--format", "json");

        Assert.Equal(ExitCodes.Findings, exit);
        Assert.Contains("eligibility.enforce_too_soon", output);
    }

    [Fact]
    public void APullRequestThatAlsoChangesCodeIsNeverMergeable()
    {
        Commit(List(("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])), Now.AddDays(-30), "base");
        Directory.CreateDirectory(Path.Combine(Repo, ".github", "workflows"));
        File.WriteAllText(Path.Combine(Repo, ".github", "workflows", "pr.yml"), "name: pr\n");
        Commit(List(("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"]), ("valid.probe.test", "testing", ["mx.valid.probe.test", "mx2.valid.probe.test"])), Now, "add valid, and a workflow");

        var (code, output, _) = CheckPr("--repo", "owner/list", "--pr", "42");

        Assert.Equal(ExitCodes.Findings, code);
        Assert.Contains("`pr.changes_outside_list`", output);
        Assert.Contains("outside policy/ (.github/workflows/pr.yml): a maintainer must review the code change", output);
        Assert.Contains("### `valid.probe.test` (added): passes", output);
    }

    private static int ClosedUdpPort()
    {
        using var socket = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return ((System.Net.IPEndPoint)socket.Client.LocalEndPoint!).Port;
    }

    [Fact]
    public void FromAVantageThatCannotReachItsCanariesTheVerdictIsInconclusiveAndBlamesNoOne()
    {
        Commit(List(("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])), Now.AddDays(-30), "base");
        Commit(List(("selfsigned.probe.test", "testing", ["mx.selfsigned.probe.test"]), ("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])), Now, "add selfsigned");
        string[] fixtures = ProbeFixtures.CommandLine();
        fixtures[Array.IndexOf(fixtures, "--canaries") + 1] = ProbeFixtures.DeadCanaries;
        string json = dir.File("report.json");

        var (code, output, _) = PolicyCtlRunner.Run(["check-pr", "--git", Repo, "--base", "HEAD~1", "--head", "HEAD", "--json-out", json, .. fixtures]);

        Assert.Equal(ExitCodes.Inconclusive, code);
        Assert.Contains("## Policy list check: inconclusive (the probing host is unhealthy)", output);
        Assert.Contains("Nothing below is held against the domains or their contributor", output);
        using var report = System.Text.Json.JsonDocument.Parse(File.ReadAllText(json));
        Assert.True(report.RootElement.GetProperty("inconclusive").GetBoolean());
        var errors = report.RootElement.GetProperty("list_findings").EnumerateArray()
            .Concat(report.RootElement.GetProperty("domains").EnumerateArray().SelectMany(d => d.GetProperty("findings").EnumerateArray()))
            .Where(f => f.GetProperty("severity").GetString() == "error")
            .Select(f => f.GetProperty("code").GetString())
            .ToList();
        Assert.Equal(["probe.vantage.unhealthy"], errors);
        Assert.Contains("not judged, the probing host being unhealthy: ", output);
    }

    private (int ExitCode, string Output, string Error) CheckPr(params string[] args) =>
        PolicyCtlRunner.Run(["check-pr", "--git", Repo, "--base", "HEAD~1", "--head", "HEAD", .. args, .. ProbeFixtures.CommandLine()]);

    private static string List(params (string Domain, string Mode, string[] Mxs)[] entries)
    {
        var policies = entries.OrderBy(e => e.Domain, StringComparer.Ordinal)
            .Select(e => $"    \"{e.Domain}\": {{\n      \"mode\": \"{e.Mode}\",\n      \"mxs\": [\n{string.Join(",\n", e.Mxs.Select(m => $"        \"{m}\""))}\n      ]\n    }}");
        string expires = ListTimeText(Now.AddDays(10));
        return $"{{\n  \"expires\": \"{expires}\",\n  \"policies\": {{\n{string.Join(",\n", policies)}\n  }},\n  \"timestamp\": \"{ListTimeText(Now.AddDays(-1))}\",\n  \"version\": \"0.1\"\n}}\n";
    }

    private static string ListTimeText(DateTimeOffset when) => when.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", System.Globalization.CultureInfo.InvariantCulture);

    private void Commit(string list, DateTimeOffset when, string message)
    {
        Directory.CreateDirectory(Path.Combine(Repo, "policy"));
        File.WriteAllText(Path.Combine(Repo, "policy", "policy.json"), list);
        using var repository = new Repository(Repo);
        LibGit2Sharp.Commands.Stage(repository, "*");
        var author = new Signature("test", "test@example.org", when);
        repository.Commit(message, author, author);
    }
}
