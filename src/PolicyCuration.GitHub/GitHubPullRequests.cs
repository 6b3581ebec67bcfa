using Octokit;

namespace PolicyCuration.GitHub;

/// <summary>A pull request as the API reports it.</summary>
/// <param name="Number">Its number.</param>
/// <param name="Open">Whether it is open.</param>
/// <param name="HeadSha">The commit its head is at.</param>
/// <param name="BaseSha">The commit of the base branch it was last compared with.</param>
/// <param name="BaseRef">The branch it merges into.</param>
public sealed record PullRequestState(int Number, bool Open, string HeadSha, string BaseSha, string BaseRef);

/// <summary>A branch and the commit at its tip.</summary>
/// <param name="Name">The branch's name.</param>
/// <param name="Sha">Its tip.</param>
public sealed record BranchTip(string Name, string Sha);

/// <summary>The review's presence on a pull request: a commit status on its head, and one comment of the bot's, updated in place.</summary>
public sealed class GitHubPullRequests
{
    /// <summary>The commit status's name: maintainers make it a required check.</summary>
    public const string StatusContext = "list-check";

    /// <summary>The identity a workflow's GITHUB_TOKEN writes as.</summary>
    public const string ActionsBot = "github-actions[bot]";

    private readonly GitHubClient client;

    /// <summary>A client of the API at <paramref name="apiBase"/> authenticated by <paramref name="token"/>.</summary>
    public GitHubPullRequests(Uri apiBase, string token)
    {
        client = new GitHubClient(new ProductHeaderValue("policyctl"), apiBase) { Credentials = new Credentials(token) };
        client.SetRequestTimeout(TimeSpan.FromMinutes(1));
    }

    /// <summary>PR <paramref name="number"/>: its state, head and base.</summary>
    public async Task<PullRequestState> GetAsync(string repository, int number)
    {
        var (owner, name) = GitHubReleases.Split(repository);
        var pull = await client.PullRequest.Get(owner, name, number).ConfigureAwait(false);
        return new PullRequestState(pull.Number, pull.State.Value == ItemState.Open, pull.Head.Sha, pull.Base.Sha, pull.Base.Ref);
    }

    /// <summary>The repository's default branch and its tip now.</summary>
    public async Task<BranchTip> DefaultBranchAsync(string repository)
    {
        var (owner, name) = GitHubReleases.Split(repository);
        string branch = (await client.Repository.Get(owner, name).ConfigureAwait(false)).DefaultBranch;
        var tip = await client.Git.Reference.Get(owner, name, $"heads/{branch}").ConfigureAwait(false);
        return new BranchTip(branch, tip.Object.Sha);
    }

    /// <summary>Sets the <see cref="StatusContext"/> status of commit <paramref name="sha"/>: success, failure, or error when <paramref name="passed"/> is null (no verdict).</summary>
    public async Task SetStatusAsync(string repository, string sha, bool? passed, string description, string? targetUrl)
    {
        var (owner, name) = GitHubReleases.Split(repository);
        var status = new NewCommitStatus
        {
            State = passed switch { true => CommitState.Success, false => CommitState.Failure, null => CommitState.Error },
            Context = StatusContext,
            Description = description.Length <= 140 ? description : description[..139] + "…",
            TargetUrl = targetUrl,
        };
        await client.Repository.Status.Create(owner, name, sha, status).ConfigureAwait(false);
    }

    /// <summary>
    /// Updates the comment on PR <paramref name="number"/> that <paramref name="author"/> wrote and that starts with
    /// <paramref name="marker"/>, or creates one; returns whether it was created. A comment anyone else wrote is never adopted.
    /// </summary>
    public async Task<bool> UpsertCommentAsync(string repository, int number, string marker, string body, string author)
    {
        var (owner, name) = GitHubReleases.Split(repository);
        var comments = await client.Issue.Comment.GetAllForIssue(owner, name, number, new ApiOptions { PageSize = 100, PageCount = 10 }).ConfigureAwait(false);
        var ours = comments.FirstOrDefault(c => string.Equals(c.User?.Login, author, StringComparison.OrdinalIgnoreCase) && c.Body?.StartsWith(marker, StringComparison.Ordinal) == true);
        if (ours is null)
        {
            await client.Issue.Comment.Create(owner, name, number, body).ConfigureAwait(false);
            return true;
        }

        await client.Issue.Comment.Update(owner, name, ours.Id, body).ConfigureAwait(false);
        return false;
    }
}
