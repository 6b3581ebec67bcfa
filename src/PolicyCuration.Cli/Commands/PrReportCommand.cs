using System.CommandLine;
using System.Globalization;
using PolicyCuration.Validation.Schema;
using PolicyCuration.Git;
using PolicyCuration.GitHub;
using PolicyCuration.Review;
using PolicyCuration.Audit;

namespace PolicyCuration.Cli.Commands;

/// <summary>
/// <c>policyctl pr-report</c>: judges a pull request where the PR cannot reach, and posts the verdict. It runs in the
/// privileged <c>workflow_run</c> job, on the default branch's code. The PR's own job can only point at a pull
/// request (its number, checked against the API); the verdict is worked out here again from the commit the event
/// names, read from git as data, and set as the <c>list-check</c> status of that commit, so that a later push has
/// no verdict until it is checked.
/// </summary>
internal static class PrReportCommand
{
    /// <summary>The longest comment posted (GitHub refuses bodies over 65 536 characters).</summary>
    public const int MaxCommentCharacters = 60_000;

    public static Command Create()
    {
        var repo = new Option<string>("--repo") { Description = "The repository, OWNER/NAME", Required = true };
        var pr = new Option<string>("--pr") { Description = "The pull request's number (from the PR's job: checked against the API)", Required = true };
        var headSha = new Option<string>("--head-sha") { Description = "The commit to judge (workflow_run.head_sha); the PR must be at it, and git must hold it", Required = true };
        var list = new Option<string>("--list") { Description = $"The list's path in the repository (default: {CommonOptions.DefaultList})", DefaultValueFactory = _ => CommonOptions.DefaultList };
        var git = new Option<string>("--git") { Description = "A directory inside the git repository (default: the current one)", DefaultValueFactory = _ => "." };
        var summary = new Option<string?>("--summary") { Description = "Append the Markdown report to this file (the job summary: $GITHUB_STEP_SUMMARY)" };
        var author = new Option<string>("--bot-login") { Description = $"The login the token writes as; only its own comment is updated (default: {GitHubPullRequests.ActionsBot})", DefaultValueFactory = _ => GitHubPullRequests.ActionsBot };
        var server = new Option<string>("--server-url") { Description = "GitHub's web address, for the PR's URL", DefaultValueFactory = _ => CommonOptions.Setting("GITHUB_SERVER_URL") ?? "https://github.com" };
        var runUrl = new Option<string?>("--run-url") { Description = "The page the status links to (default: this workflow run's, from GITHUB_SERVER_URL, GITHUB_REPOSITORY and GITHUB_RUN_ID)" };
        var now = CommonOptions.Now();
        var api = CommonOptions.ApiUrl();
        var maxDomains = CommonOptions.MaxDomains();
        var auditHistory = new Option<string>("--audit-history")
        {
            Description = "The branch of the audit's history, whose evidence proves the audit's own pull requests",
            DefaultValueFactory = _ => "origin/" + AuditHistory.DefaultBranch,
        };
        var probe = new ProbeCommandOptions();
        var command = new Command("pr-report", """
            Judge a pull request to the list at the commit given and post the verdict: the 'list-check' status of that
            commit, and one comment of the bot's, updated in place, naming the commit. The PR must be open and at that
            commit, and based on the default branch; the review is check-pr's, run here on the commit read from git as
            data and judged as merged into the default branch's tip, which git must hold. Token from GITHUB_TOKEN.
            Exit 0 when the verdict was posted (whatever it is), 1 when the PR has moved on (nothing posted), 2 for usage.

            Example:
              policyctl pr-report --repo owner/list --pr 42 --head-sha "$HEAD_SHA" --summary "$GITHUB_STEP_SUMMARY"
            """)
        { repo, pr, headSha, list, git, summary, author, server, runUrl, now, api, maxDomains, auditHistory };
        probe.AddTo(command);
        command.SetAction(async (parsed, cancellation) =>
        {
            var output = parsed.InvocationConfiguration.Output;
            var error = parsed.InvocationConfiguration.Error;
            try
            {
                string repository = parsed.GetValue(repo)!;
                GitHubReleases.Split(repository);
                int number = ParseNumber(parsed.GetValue(pr)!);
                string sha = parsed.GetValue(headSha)!;
                if (sha.Length != 40 || !sha.All(char.IsAsciiHexDigitLower))
                {
                    throw new ArgumentException("--head-sha: give the 40-digit lower-case commit SHA");
                }

                var probeOptions = probe.Read(parsed);
                string token = CommonOptions.Setting("GITHUB_TOKEN") ?? throw new ArgumentException("pr-report needs GITHUB_TOKEN in the environment");
                var pulls = new GitHubPullRequests(new Uri(parsed.GetValue(api)!), token);
                var state = await pulls.GetAsync(repository, number).ConfigureAwait(false);
                if (!state.Open || !string.Equals(state.HeadSha, sha, StringComparison.Ordinal))
                {
                    error.WriteLine($"policyctl pr-report: PR {number} is {(state.Open ? $"at {Short(state.HeadSha)} now, not {Short(sha)}" : "closed")}; nothing posted (a run for its head will report)");
                    return ExitCodes.Findings;
                }

                // The verdict describes the merge into the default branch as it is now, never into the base the PR recorded.
                var target = await pulls.DefaultBranchAsync(repository).ConfigureAwait(false);
                string url = $"{parsed.GetValue(server)!.TrimEnd('/')}/{repository}/pull/{number.ToString(CultureInfo.InvariantCulture)}";
                ReviewResult result;
                if (!string.Equals(state.BaseRef, target.Name, StringComparison.Ordinal))
                {
                    result = new ReviewResult(
                        [ReviewFindingKinds.BaseNotDefault.At(
                            "list",
                            $"the pull request merges into {state.BaseRef}, not the default branch {target.Name}: only a merge into {target.Name} is checked; " +
                            $"change its base to {target.Name} (Edit, beside the title), which checks it again",
                            null)],
                        [],
                        null);
                }
                else
                {
                    if (!Revisions.Holds(parsed.GetValue(git)!, target.Sha))
                    {
                        throw new RevisionException($"git does not hold {target.Name}'s tip {Short(target.Sha)}: fetch it (git fetch origin {target.Name}) and run again");
                    }

                    var request = new ReviewRequest(
                        parsed.GetValue(git)!, parsed.GetValue(list)!, target.Sha, sha, url, probeOptions, probeOptions.DnsServer,
                        CommonOptions.ParseNow(parsed.GetValue(now)), CommonOptions.LoadSchema(null))
                    {
                        MaxDomains = parsed.GetValue(maxDomains),
                        AuditHistory = new AuditHistory(parsed.GetValue(git)!, parsed.GetValue(auditHistory)!).Read(),
                    };
                    result = await PullRequestReview.RunAsync(request, cancellation).ConfigureAwait(false);
                }

                if (parsed.GetValue(summary) is { } summaryFile)
                {
                    File.AppendAllText(summaryFile, ReviewReport.Markdown(result));
                }

                // A slower run for an older head must not overwrite what a run for the newer one posted: the head is read again last.
                var now2 = await pulls.GetAsync(repository, number).ConfigureAwait(false);
                if (!now2.Open || !string.Equals(now2.HeadSha, sha, StringComparison.Ordinal))
                {
                    error.WriteLine($"policyctl pr-report: PR {number} moved to {Short(now2.HeadSha)} while {Short(sha)} was judged; nothing posted (a run for its head will report)");
                    return ExitCodes.Findings;
                }

                int errors = result.Findings.Count(f => f.Severity == Format.Findings.Severity.Error);
                string into = $"into {target.Name} at {Short(target.Sha)}";
                string description = result.Inconclusive ? $"inconclusive: the probing host is {result.Vantage!.StatusName}; a maintainer re-runs it"
                    : result.Mergeable ? $"mergeable {into}: checked {Short(sha)}"
                    : $"not mergeable {into}: {errors} error{(errors == 1 ? string.Empty : "s")} at {Short(sha)}";
                bool? passed = result.Inconclusive ? null : result.Mergeable;
                await pulls.SetStatusAsync(repository, sha, passed, description, parsed.GetValue(runUrl) ?? RunUrl()).ConfigureAwait(false);
                string body = ReviewReport.Comment(result, sha) + $"Judged as merged {into}.\n";
                bool created = await pulls.UpsertCommentAsync(repository, number, ReviewReport.CommentMarker, Cut(body), parsed.GetValue(author)!).ConfigureAwait(false);
                output.WriteLine($"{(created ? "created" : "updated")} the report on {repository}#{number} and set {GitHubPullRequests.StatusContext} on {Short(sha)}: {(passed switch { true => "passed", false => "failed", null => "inconclusive" })}");
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is IOException or ArgumentException or Octokit.ApiException or HttpRequestException or RevisionException or SchemaLoadException or LibGit2Sharp.LibGit2SharpException)
            {
                error.WriteLine($"policyctl pr-report: {e.Message}");
                return ExitCodes.Usage;
            }
        });
        return command;
    }

    private static string Short(string sha) => sha.Length >= 12 ? sha[..12] : sha;

    private static string? RunUrl() =>
        CommonOptions.Setting("GITHUB_SERVER_URL") is { } server && CommonOptions.Setting("GITHUB_REPOSITORY") is { } repository && CommonOptions.Setting("GITHUB_RUN_ID") is { } run
            ? $"{server.TrimEnd('/')}/{repository}/actions/runs/{run}"
            : null;

    private static int ParseNumber(string text) =>
        text.Trim() is { Length: > 0 and <= 9 } digits && digits.All(char.IsAsciiDigit) && int.Parse(digits, CultureInfo.InvariantCulture) is > 0 and var number
            ? number
            : throw new ArgumentException("--pr: not a pull request number");

    private static string Cut(string body) =>
        body.Length <= MaxCommentCharacters ? body : body[..MaxCommentCharacters] + "\n\n… the report is cut here; the job summary has all of it.\n";
}
