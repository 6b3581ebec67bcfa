using PolicyCuration.Testing;

namespace PolicyCuration.Cli.Tests;

[Collection("environment")]
public sealed class PrReportCommandTests : IDisposable
{
    private const string Sha = "0123456789abcdef0123456789abcdef01234567";
    private readonly TemporaryDirectory dir = new();
    private readonly FakeGitHubApi github = new();

    public PrReportCommandTests()
    {
        github.HeadShas[42] = Sha;
        Environment.SetEnvironmentVariable("GITHUB_TOKEN", "report-token");
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("GITHUB_TOKEN", null);
        github.Dispose();
        dir.Dispose();
    }

    [Fact]
    public void TheReportIsOneCommentUpdatedInPlaceAndOneVerdictLabel()
    {
        github.Comments[42] = [(7, "an unrelated comment")];

        var first = Report(mergeable: false, "<!-- policyctl check-pr -->\nfirst run");
        var second = Report(mergeable: true, "<!-- policyctl check-pr -->\nsecond run");

        Assert.Equal(ExitCodes.Ok, first.ExitCode);
        Assert.Contains("created the report on owner/list#42: failed", first.Output);
        Assert.Contains("updated the report on owner/list#42: passed", second.Output);
        Assert.Equal(["an unrelated comment", "<!-- policyctl check-pr -->\nsecond run"], github.Comments[42].Select(c => c.Body));
        Assert.Equal(["list-check: passed"], github.Labels[42]);
        Assert.All(github.Requests, r => Assert.Contains("report-token", r.Authorization));
        Assert.Contains(github.Requests, r => r.Method == "PATCH" && r.PathAndQuery.StartsWith("/api/v3/repos/owner/list/issues/comments/", StringComparison.Ordinal));
        Assert.Contains(github.Requests, r => r.Method == "DELETE" && Uri.UnescapeDataString(r.PathAndQuery) == "/api/v3/repos/owner/list/issues/42/labels/list-check: failed");
    }

    [Fact]
    public void APullRequestThatMovedOnIsNotReportedOn()
    {
        github.HeadShas[42] = new string('f', 40);

        var (code, _, error) = Report(mergeable: true, "<!-- policyctl check-pr -->\nstale");

        Assert.Equal(ExitCodes.Findings, code);
        Assert.Contains("nothing posted", error);
        Assert.DoesNotContain(github.Requests, r => r.Method is "POST" or "PATCH");
    }

    [Theory]
    [InlineData("42; rm -rf /", "{\"mergeable\": true}", "<!-- policyctl check-pr -->\nx", "not a pull request number")]
    [InlineData("42", "{\"mergeable\": \"yes\"}", "<!-- policyctl check-pr -->\nx", "no boolean \"mergeable\"")]
    [InlineData("42", "[1, 2", "<!-- policyctl check-pr -->\nx", "policyctl pr-report:")]
    [InlineData("42", "{\"mergeable\": true}", "no marker here", "does not start with the report marker")]
    public void UntrustedArtifactsAreRefused(string pr, string report, string comment, string message)
    {
        File.WriteAllText(dir.File("report.json"), report);
        File.WriteAllText(dir.File("comment.md"), comment);

        var (code, _, error) = PolicyCtlRunner.Run(
            "pr-report", "--repo", "owner/list", "--pr", pr, "--head-sha", Sha, "--comment", dir.File("comment.md"), "--report", dir.File("report.json"), "--api-url", github.BaseUrl);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(message, error);
        Assert.DoesNotContain(github.Requests, r => r.Method is "POST" or "PATCH");
    }

    [Fact]
    public void AnOversizedCommentIsCutNotRefused()
    {
        var (code, _, error) = Report(mergeable: true, "<!-- policyctl check-pr -->\n" + new string('x', 70_000));

        Assert.True(code == ExitCodes.Ok, error);
        string posted = github.Comments[42].Single().Body;
        Assert.True(posted.Length < 65_536);
        Assert.EndsWith("the job summary has all of it.\n", posted);
    }

    private (int ExitCode, string Output, string Error) Report(bool mergeable, string comment)
    {
        File.WriteAllText(dir.File("report.json"), $"{{\"mergeable\": {(mergeable ? "true" : "false")}, \"domains\": []}}");
        File.WriteAllText(dir.File("comment.md"), comment);
        return PolicyCtlRunner.Run(
            "pr-report", "--repo", "owner/list", "--pr", "42", "--head-sha", Sha, "--comment", dir.File("comment.md"), "--report", dir.File("report.json"), "--api-url", github.BaseUrl);
    }
}
