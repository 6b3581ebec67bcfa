using System.CommandLine;
using System.Globalization;
using PolicyCuration.Validation.Schema;
using PolicyCuration.Format.Escaping;
using PolicyCuration.Git;
using PolicyCuration.GitHub;
using PolicyCuration.Review;
using PolicyCuration.Audit;

namespace PolicyCuration.Cli.Commands;

/// <summary><c>policyctl check-pr</c>: is this pull request to the list mergeable?</summary>
internal static class CheckPrCommand
{
    public static Command Create()
    {
        var @base = new Option<string>("--base") { Description = "The revision the PR merges into", Required = true };
        var head = new Option<string>("--head") { Description = "The PR's head revision", DefaultValueFactory = _ => "HEAD" };
        var repo = new Option<string?>("--repo") { Description = "The GitHub repository, OWNER/NAME (with --pr: ownership records must hold the PR's URL)" };
        var pr = new Option<int?>("--pr") { Description = "The pull request's number" };
        var server = new Option<string>("--server-url") { Description = "GitHub's web address, for the PR's URL", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("GITHUB_SERVER_URL") ?? "https://github.com" };
        var noProbe = new Option<bool>("--no-probe") { Description = "Skip the live probe (eligibility then cannot be shown)" };
        var summary = new Option<string?>("--summary") { Description = "Append the Markdown report to this file (the job summary: $GITHUB_STEP_SUMMARY)" };
        var annotations = new Option<bool>("--annotations") { Description = "Print GitHub annotations on the list's lines, the most important first" };
        var comment = new Option<string?>("--comment-out") { Description = "Write the PR comment's body (with its hidden marker) to this file" };
        var jsonOut = new Option<string?>("--json-out") { Description = "Write the JSON report to this file" };
        var list = new Option<string>("--list") { Description = $"The list's path in the repository (default: {CommonOptions.DefaultList})", DefaultValueFactory = _ => CommonOptions.DefaultList };
        var git = new Option<string>("--git") { Description = "A directory inside the git repository (default: the current one)", DefaultValueFactory = _ => "." };
        var format = CommonOptions.Format("text", "json");
        var now = CommonOptions.Now();
        var maxDomains = CommonOptions.MaxDomains();
        var auditHistory = new Option<string?>("--audit-history") { Description = "The branch of the audit's history (origin/audit-history), whose evidence proves the audit's own pull requests" };
        var probe = new ProbeCommandOptions();
        var command = new Command("check-pr", """
            Review a pull request to the list: validate the list as merging head into base would leave it, diff it against
            base, and for each added, changed or removed domain (alias changes included) check its ownership record first,
            then probe it against its new entry and apply the eligibility rules. At most --max-domains domains; a change to
            any file but the list is never mergeable. Exit 0 when mergeable, 1 when not, 2 for usage, 3 when inconclusive (the probing host
            could not reach its canaries: nothing is held against the domains).

            Examples:
              policyctl check-pr --base origin/main --head HEAD --no-probe
              policyctl check-pr --base origin/main --head HEAD --repo owner/list --pr 42 --summary "$GITHUB_STEP_SUMMARY" --annotations --comment-out comment.md
            """)
        { @base, head, repo, pr, server, noProbe, summary, annotations, comment, jsonOut, list, git, format, now, maxDomains, auditHistory };
        probe.AddTo(command);
        command.SetAction(async (parsed, cancellation) =>
        {
            var output = parsed.InvocationConfiguration.Output;
            var error = parsed.InvocationConfiguration.Error;
            try
            {
                string? url = null;
                if (parsed.GetValue(repo) is { } repository && parsed.GetValue(pr) is { } number)
                {
                    GitHubReleases.Split(repository);
                    url = $"{parsed.GetValue(server)!.TrimEnd('/')}/{repository}/pull/{number.ToString(CultureInfo.InvariantCulture)}";
                }
                else if (parsed.GetValue(repo) is not null || parsed.GetValue(pr) is not null)
                {
                    throw new ArgumentException("give both --repo OWNER/NAME and --pr N, or neither");
                }

                var probeOptions = probe.Read(parsed);
                if (parsed.GetValue(head) == "HEAD" && Revisions.HasUncommittedChanges(parsed.GetValue(git)!, parsed.GetValue(list)!))
                {
                    error.WriteLine($"policyctl check-pr: warning: {parsed.GetValue(list)} has changes that are not committed; check-pr reads the list at HEAD, as the pull request will hold it: commit them first");
                }

                var request = new ReviewRequest(
                    parsed.GetValue(git)!,
                    parsed.GetValue(list)!,
                    parsed.GetValue(@base)!,
                    parsed.GetValue(head)!,
                    url,
                    parsed.GetValue(noProbe) ? null : probeOptions,
                    probeOptions.DnsServer,
                    CommonOptions.ParseNow(parsed.GetValue(now)),
                    CommonOptions.LoadSchema(null))
                {
                    MaxDomains = parsed.GetValue(maxDomains),
                    AuditHistory = parsed.GetValue(auditHistory) is { } branch ? new AuditHistory(parsed.GetValue(git)!, branch).Read() : null,
                };
                var result = await PullRequestReview.RunAsync(request, cancellation).ConfigureAwait(false);

                if (parsed.GetValue(summary) is { } summaryFile)
                {
                    File.AppendAllText(summaryFile, ReviewReport.Markdown(result));
                }

                if (parsed.GetValue(comment) is { } commentFile)
                {
                    File.WriteAllText(commentFile, ReviewReport.Comment(result));
                }

                if (parsed.GetValue(jsonOut) is { } jsonFile)
                {
                    File.WriteAllText(jsonFile, ReviewReport.Json(result));
                }

                if (parsed.GetValue(annotations))
                {
                    foreach (string line in ReviewReport.Annotations(result, parsed.GetValue(list)!))
                    {
                        TerminalWriter.WriteCommand(output, line);
                    }
                }

                if (parsed.GetValue(format) == "json")
                {
                    output.WriteLine(ReviewReport.Json(result));
                }
                else if (!parsed.GetValue(annotations))
                {
                    output.Write(ReviewReport.Markdown(result));
                }

                return result.Inconclusive ? ExitCodes.Inconclusive : result.Mergeable ? ExitCodes.Ok : ExitCodes.Findings;
            }
            catch (Exception e) when (e is RevisionException or IOException or ArgumentException or SchemaLoadException or LibGit2Sharp.LibGit2SharpException or System.Security.Cryptography.CryptographicException)
            {
                error.WriteLine($"policyctl check-pr: {e.Message}");
                return ExitCodes.Usage;
            }
        });
        return command;
    }
}
