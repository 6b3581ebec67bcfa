using PolicyCuration.Testing;

namespace PolicyCuration.Cli.Tests;

/// <summary>pr-report end to end: a git repository with the PR's base and head, the local GitHub API, the probe fixtures.</summary>
[Trait("Needs", "fixtures")]
[Collection("environment")]
public sealed class PrReportCommandTests : IDisposable
{
    /// <summary>The code of a pull request based elsewhere than the default branch, which only pr-report can know.</summary>
    public const string BaseNotDefault = "pr.base_not_default";

    private const string Marker = "<!-- policyctl check-pr -->";
    private readonly TemporaryDirectory dir = new();
    private readonly ListRepository repository;
    private readonly FakeGitHubApi github = new();
    private readonly string baseSha;
    private readonly string headSha;

    public PrReportCommandTests()
    {
        repository = new ListRepository(dir.File("repo"));
        baseSha = repository.Commit(ListRepository.List(("wildcard.probe.test", "mx1.wildcard.probe.test")), "base");
        headSha = repository.Commit(ListRepository.List(("valid.probe.test", ".valid.probe.test"), ("wildcard.probe.test", "mx1.wildcard.probe.test")), "add valid");
        github.HeadShas[42] = headSha;
        github.BaseShas[42] = baseSha;
        github.BranchTips["main"] = baseSha;
        Environment.SetEnvironmentVariable("GITHUB_TOKEN", "report-token");
    }

    private string Repo => repository.Path;

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("GITHUB_TOKEN", null);
        github.Dispose();
        dir.Dispose();
    }

    [Fact]
    public void TheVerdictIsTheHeadCommitsStatusAndOneCommentOfTheBotsNamingIt()
    {
        github.Comments[42] = [(7, "an unrelated comment"), (8, Marker + "\nplanted by someone else: mergeable")];
        github.CommentAuthors[8] = "mallory";

        var first = Report();
        var second = Report();

        Assert.True(first.ExitCode == ExitCodes.Ok, first.Error);
        Assert.Contains($"created the report on owner/list#42 and set list-check on {headSha[..12]}: passed", first.Output);
        Assert.Contains("updated the report", second.Output);
        var comments = github.Comments[42];
        Assert.Equal(3, comments.Count);
        Assert.Equal(Marker + "\nplanted by someone else: mergeable", comments[1].Body);
        Assert.StartsWith(Marker + "\n## Policy list check: mergeable", comments[2].Body, StringComparison.Ordinal);
        Assert.Contains($"Checked commit `{headSha[..12]}`", comments[2].Body);
        Assert.Equal([(headSha, "list-check", "success"), (headSha, "list-check", "success")], github.Statuses.Select(s => (s.Sha, s.Context, s.State)));
        Assert.All(github.Requests, r => Assert.Contains("report-token", r.Authorization));
    }

    [Fact]
    public void ABlockedPullRequestGetsAFailingStatus()
    {
        string broken = repository.Commit(ListRepository.List(("selfsigned.probe.test", "mx.selfsigned.probe.test"), ("wildcard.probe.test", "mx1.wildcard.probe.test")), "add selfsigned");
        github.HeadShas[42] = broken;

        var (code, output, error) = Report(broken);

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("failed", output);
        var status = Assert.Single(github.Statuses);
        Assert.Equal((broken, "failure"), (status.Sha, status.State));
        Assert.StartsWith($"not mergeable into main at {baseSha[..12]}:", status.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void TextFromOutsideReachesTheCommentInert()
    {
        // The fixture zone's ownership record at _starttls-policy.hostile.probe.test is full of payloads.
        string hostile = repository.Commit(ListRepository.List(("hostile.probe.test", "mx.valid.probe.test"), ("valid.probe.test", ".valid.probe.test"), ("wildcard.probe.test", "mx1.wildcard.probe.test")), "add hostile");
        github.HeadShas[42] = hostile;

        var (code, output, error) = Report(hostile);

        Assert.True(code == ExitCodes.Ok, error);
        InjectionTests.AssertInertLines(output + error);
        string posted = Assert.Single(github.Comments[42]).Body;
        Assert.Contains("evil.example", posted);
        InjectionTests.AssertInertMarkdown(posted);
    }

    [Fact]
    public void APullRequestThatMovedOnGetsNothing()
    {
        github.HeadShas[42] = new string('f', 40);

        var (code, _, error) = Report();

        Assert.Equal(ExitCodes.Findings, code);
        Assert.Contains("nothing posted", error);
        Assert.DoesNotContain(github.Requests, r => r.Method is "POST" or "PATCH");
    }

    [Fact]
    public void APullRequestBasedOnAnotherBranchIsRefusedWithAFailingStatus()
    {
        github.BaseRefs[42] = "audit/demote";

        var (code, output, error) = Report();

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("failed", output);
        var status = Assert.Single(github.Statuses);
        Assert.Equal((headSha, "failure"), (status.Sha, status.State));
        string comment = Assert.Single(github.Comments[42]).Body;
        Assert.Contains($"`{BaseNotDefault}`", comment);
        Assert.Contains("merges into audit/demote, not the default branch main", comment);
    }

    [Fact]
    public void TheHeadIsJudgedMergedIntoTheDefaultBranchsTipNotTheBaseThePullRequestRecorded()
    {
        // The recorded base defines an alias; the head adds a domain through it; main has since dropped the alias.
        const string Alias = "  \"policy-aliases\": {\n    \"provider\": {\n      \"mode\": \"testing\",\n      \"mxs\": [\n        \"mx.valid.probe.test\",\n        \"mx2.valid.probe.test\"\n      ]\n    }\n  },\n";
        string plain = ListRepository.List(("wildcard.probe.test", "mx1.wildcard.probe.test"));
        string withAlias = plain.Replace("{\n  \"timestamp\"", "{\n" + Alias + "  \"timestamp\"", StringComparison.Ordinal);
        string recorded = repository.Commit(withAlias, "the alias");
        string head = repository.Commit(withAlias.Replace("  \"policies\": {\n", "  \"policies\": {\n    \"valid.probe.test\": {\n      \"policy-alias\": \"provider\"\n    },\n", StringComparison.Ordinal), "valid through the alias");
        string tip = repository.CommitOn(recorded, plain, "drop the unused alias");
        (github.HeadShas[42], github.BaseShas[42]) = (head, recorded);

        github.BranchTips["main"] = recorded;
        var againstRecorded = Report(head);
        Assert.True(againstRecorded.ExitCode == ExitCodes.Ok, againstRecorded.Error);
        Assert.Equal("success", github.Statuses.Last().State);

        github.BranchTips["main"] = tip;
        var againstTip = Report(head);
        Assert.True(againstTip.ExitCode == ExitCodes.Ok, againstTip.Error);
        var status = github.Statuses.Last();
        Assert.Equal("failure", status.State);
        Assert.Contains($"into main at {tip[..12]}", status.Description);
        Assert.Contains("list.alias.unknown", github.Comments[42].Single().Body);
    }

    [Fact]
    public void ADefaultBranchTipGitDoesNotHoldIsAUsageErrorAndNothingIsPosted()
    {
        github.BranchTips["main"] = new string('c', 40);

        var (code, _, error) = Report();

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("git fetch origin main", error);
        Assert.DoesNotContain(github.Requests, r => r.Method is "POST" or "PATCH");
    }

    [Fact]
    public void ARunWhoseHeadMovedWhileItWasJudgedPostsNothingSoItCannotOverwriteTheNewerReport()
    {
        string newer = repository.Commit(ListRepository.List(("valid.probe.test", ".valid.probe.test"), ("wildcard.probe.test", "mx1.wildcard.probe.test")).Replace("\"testing\"", "\"testing\" ", StringComparison.Ordinal), "a newer push");
        github.Comments[42] = [(9, Marker + "\n## Policy list check: not mergeable\nChecked commit `" + newer[..12] + "`")];
        github.CommentAuthors[9] = "github-actions[bot]";
        github.HeadAfterFirstRead[42] = newer;

        var (code, _, error) = Report(headSha);

        Assert.Equal(ExitCodes.Findings, code);
        Assert.Contains($"moved to {newer[..12]} while {headSha[..12]} was judged; nothing posted", error);
        Assert.DoesNotContain(github.Requests, r => r.Method is "POST" or "PATCH");
        Assert.Contains(newer[..12], Assert.Single(github.Comments[42]).Body);
    }

    [Theory]
    [InlineData("42; rm -rf /", "not a pull request number")]
    [InlineData("0", "not a pull request number")]
    [InlineData("", "not a pull request number")]
    public void AnUntrustedNumberIsRefused(string pr, string message)
    {
        var (code, _, error) = PolicyCtlRunner.Run(["pr-report", "--repo", "owner/list", "--pr", pr, "--head-sha", headSha, "--git", Repo, "--api-url", github.BaseUrl, .. ProbeFixtures.CommandLine()]);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(message, error);
        Assert.Empty(github.Requests);
    }

    private (int ExitCode, string Output, string Error) Report(string? sha = null) =>
        PolicyCtlRunner.Run(["pr-report", "--repo", "owner/list", "--pr", "42", "--head-sha", sha ?? headSha, "--git", Repo, "--api-url", github.BaseUrl, .. ProbeFixtures.CommandLine()]);
}
