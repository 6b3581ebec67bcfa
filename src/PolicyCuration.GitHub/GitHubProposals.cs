using System.Text;
using Octokit;

namespace PolicyCuration.GitHub;

/// <summary>Opens the audit's pull requests: a branch from the base, the edited list committed on it, and the PR.</summary>
public sealed class GitHubProposals
{
    private readonly GitHubClient client;

    /// <summary>A client of the API at <paramref name="apiBase"/> authenticated by <paramref name="token"/>.</summary>
    public GitHubProposals(Uri apiBase, string token)
    {
        client = new GitHubClient(new ProductHeaderValue("policyctl"), apiBase) { Credentials = new Credentials(token) };
        client.SetRequestTimeout(TimeSpan.FromMinutes(1));
    }

    /// <summary>
    /// Commits <paramref name="content"/> as <paramref name="path"/> on a new branch <paramref name="branch"/> from
    /// <paramref name="baseBranch"/> and opens a pull request with <paramref name="title"/> and <paramref name="body"/>; returns its URL.
    /// </summary>
    public async Task<string> OpenAsync(string repository, string baseBranch, string branch, string path, byte[] content, string title, string body)
    {
        var (owner, name) = GitHubReleases.Split(repository);
        var head = await client.Git.Reference.Get(owner, name, $"heads/{baseBranch}").ConfigureAwait(false);
        await client.Git.Reference.Create(owner, name, new NewReference($"refs/heads/{branch}", head.Object.Sha)).ConfigureAwait(false);
        var current = await client.Repository.Content.GetAllContentsByRef(owner, name, path, branch).ConfigureAwait(false);
        await client.Repository.Content.UpdateFile(
            owner, name, path, new UpdateFileRequest(title, Encoding.UTF8.GetString(content), current[0].Sha, branch)).ConfigureAwait(false);
        var pull = await client.PullRequest.Create(owner, name, new NewPullRequest(title, branch, baseBranch) { Body = body }).ConfigureAwait(false);
        return pull.HtmlUrl;
    }
}
