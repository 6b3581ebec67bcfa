using Octokit;

namespace PolicyCuration.GitHub;

/// <summary>The review's presence on a pull request: one comment, updated in place, and one verdict label.</summary>
public sealed class GitHubPullRequests
{
    /// <summary>The label of a mergeable PR.</summary>
    public const string PassedLabel = "list-check: passed";

    /// <summary>The label of a blocked PR.</summary>
    public const string FailedLabel = "list-check: failed";

    private readonly GitHubClient client;

    /// <summary>A client of the API at <paramref name="apiBase"/> authenticated by <paramref name="token"/>.</summary>
    public GitHubPullRequests(Uri apiBase, string token)
    {
        client = new GitHubClient(new ProductHeaderValue("policyctl"), apiBase) { Credentials = new Credentials(token) };
        client.SetRequestTimeout(TimeSpan.FromMinutes(1));
    }

    /// <summary>The SHA of PR <paramref name="number"/>'s head commit.</summary>
    public async Task<string> HeadShaAsync(string repository, int number)
    {
        var (owner, name) = GitHubReleases.Split(repository);
        var pull = await client.PullRequest.Get(owner, name, number).ConfigureAwait(false);
        return pull.Head.Sha;
    }

    /// <summary>
    /// Updates the comment on PR <paramref name="number"/> whose body starts with <paramref name="marker"/>, or creates it;
    /// returns whether it was created.
    /// </summary>
    public async Task<bool> UpsertCommentAsync(string repository, int number, string marker, string body)
    {
        var (owner, name) = GitHubReleases.Split(repository);
        var comments = await client.Issue.Comment.GetAllForIssue(owner, name, number, new ApiOptions { PageSize = 100, PageCount = 10 }).ConfigureAwait(false);
        var ours = comments.FirstOrDefault(c => c.Body?.StartsWith(marker, StringComparison.Ordinal) == true);
        if (ours is null)
        {
            await client.Issue.Comment.Create(owner, name, number, body).ConfigureAwait(false);
            return true;
        }

        await client.Issue.Comment.Update(owner, name, ours.Id, body).ConfigureAwait(false);
        return false;
    }

    /// <summary>Sets the verdict label on PR <paramref name="number"/> and removes the other one if present.</summary>
    public async Task SetVerdictAsync(string repository, int number, bool mergeable)
    {
        var (owner, name) = GitHubReleases.Split(repository);
        string add = mergeable ? PassedLabel : FailedLabel, remove = mergeable ? FailedLabel : PassedLabel;
        var labels = await client.Issue.Labels.GetAllForIssue(owner, name, number).ConfigureAwait(false);
        if (labels.Any(l => l.Name == remove))
        {
            await client.Issue.Labels.RemoveFromIssue(owner, name, number, remove).ConfigureAwait(false);
        }

        if (!labels.Any(l => l.Name == add))
        {
            await client.Issue.Labels.AddToIssue(owner, name, number, [add]).ConfigureAwait(false);
        }
    }
}
