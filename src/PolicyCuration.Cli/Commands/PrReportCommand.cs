using System.CommandLine;
using System.Text;
using System.Text.Json;
using PolicyCuration.GitHub;
using PolicyCuration.Review;

namespace PolicyCuration.Cli.Commands;

/// <summary>
/// <c>policyctl pr-report</c>: posts check-pr's report on the pull request. It runs in the privileged
/// <c>workflow_run</c> job and reads the report from an artifact the PR's job wrote, so every input is untrusted data:
/// sizes are capped, the verdict must be a JSON boolean, the comment must carry the marker, and the PR must still be
/// at the head commit the check ran on.
/// </summary>
internal static class PrReportCommand
{
    /// <summary>The longest comment posted (GitHub refuses bodies over 65 536 characters).</summary>
    public const int MaxCommentCharacters = 60_000;

    private const int MaxReportBytes = 8 * 1024 * 1024;

    public static Command Create()
    {
        var repo = new Option<string>("--repo") { Description = "The repository, OWNER/NAME", Required = true };
        var pr = new Option<string>("--pr") { Description = "The pull request's number (from the artifact: checked)", Required = true };
        var headSha = new Option<string>("--head-sha") { Description = "The commit the check ran on (workflow_run.head_sha); the PR must still be at it", Required = true };
        var comment = new Option<string>("--comment") { Description = "The comment body check-pr wrote (--comment-out)", Required = true };
        var report = new Option<string>("--report") { Description = "check-pr's JSON report, for the verdict", Required = true };
        var api = CommonOptions.ApiUrl();
        var command = new Command("pr-report", """
            Post check-pr's report on the pull request: update its one comment in place (or create it) and set the label
            'list-check: passed' or 'list-check: failed'. Token from GITHUB_TOKEN. Treats its inputs as untrusted.

            Example:
              policyctl pr-report --repo owner/list --pr 42 --head-sha "$HEAD_SHA" --comment comment.md --report report.json
            """)
        { repo, pr, headSha, comment, report, api };
        command.SetAction(async (parsed, cancellation) =>
        {
            var output = parsed.InvocationConfiguration.Output;
            var error = parsed.InvocationConfiguration.Error;
            try
            {
                cancellation.ThrowIfCancellationRequested();
                string repository = parsed.GetValue(repo)!;
                GitHubReleases.Split(repository);
                int number = ParseNumber(parsed.GetValue(pr)!);
                string sha = parsed.GetValue(headSha)!;
                if (sha.Length != 40 || !sha.All(char.IsAsciiHexDigitLower))
                {
                    throw new ArgumentException("--head-sha: give the 40-digit lower-case commit SHA");
                }

                bool mergeable = ReadVerdict(parsed.GetValue(report)!);
                string body = ReadComment(parsed.GetValue(comment)!);
                string token = Environment.GetEnvironmentVariable("GITHUB_TOKEN") is { Length: > 0 } value ? value : throw new ArgumentException("pr-report needs GITHUB_TOKEN in the environment");
                var pulls = new GitHubPullRequests(new Uri(parsed.GetValue(api)!), token);
                string current = await pulls.HeadShaAsync(repository, number).ConfigureAwait(false);
                if (!string.Equals(current, sha, StringComparison.Ordinal))
                {
                    error.WriteLine($"policyctl pr-report: PR {number} is at {current[..12]} now, not {sha[..12]} which was checked; nothing posted (a newer run will report)");
                    return ExitCodes.Findings;
                }

                bool created = await pulls.UpsertCommentAsync(repository, number, ReviewReport.CommentMarker, body).ConfigureAwait(false);
                await pulls.SetVerdictAsync(repository, number, mergeable).ConfigureAwait(false);
                output.WriteLine($"{(created ? "created" : "updated")} the report on {repository}#{number}: {(mergeable ? "passed" : "failed")}");
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is IOException or ArgumentException or JsonException or Octokit.ApiException or HttpRequestException or InvalidDataException)
            {
                error.WriteLine($"policyctl pr-report: {e.Message}");
                return ExitCodes.Usage;
            }
        });
        return command;
    }

    private static int ParseNumber(string text) =>
        text.Trim() is { Length: > 0 and <= 9 } digits && digits.All(char.IsAsciiDigit) && int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture) is > 0 and var number
            ? number
            : throw new ArgumentException("--pr: not a pull request number");

    private static bool ReadVerdict(string path)
    {
        var bytes = ReadCapped(path, MaxReportBytes);
        using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 64 });
        return document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty("mergeable", out var verdict)
            && verdict.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? verdict.GetBoolean()
            : throw new InvalidDataException($"{path}: no boolean \"mergeable\"; not a check-pr report");
    }

    private static string ReadComment(string path)
    {
        string body = Encoding.UTF8.GetString(ReadCapped(path, MaxCommentCharacters * 4));
        if (!body.StartsWith(ReviewReport.CommentMarker, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path}: does not start with the report marker; not a check-pr comment");
        }

        return body.Length <= MaxCommentCharacters
            ? body
            : body[..MaxCommentCharacters] + "\n\n… the report is cut here; the job summary has all of it.\n";
    }

    private static byte[] ReadCapped(string path, int max)
    {
        using var stream = File.OpenRead(path);
        if (stream.Length > max)
        {
            throw new InvalidDataException($"{path}: {stream.Length} bytes, more than {max}");
        }

        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
