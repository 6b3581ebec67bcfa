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

    /// <summary>Opens an issue; returns its URL.</summary>
    public async Task<string> OpenIssueAsync(string repository, string title, string body)
    {
        var (owner, name) = GitHubReleases.Split(repository);
        var issue = await client.Issue.Create(owner, name, new NewIssue(title) { Body = body }).ConfigureAwait(false);
        return issue.HtmlUrl;
    }

    /// <summary>
    /// The login of whoever opened the pull request that brought each commit of <paramref name="shas"/> in, where the
    /// API knows one; else the commit's author's account, where it has one.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> OpenersAsync(string repository, IEnumerable<string> shas)
    {
        var (owner, name) = GitHubReleases.Split(repository);
        var logins = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string sha in shas.Distinct(StringComparer.Ordinal))
        {
            try
            {
                var pulls = await client.Repository.Commit.PullRequests(owner, name, sha).ConfigureAwait(false);
                if (pulls.FirstOrDefault()?.User?.Login is { Length: > 0 } opener)
                {
                    logins[sha] = opener;
                    continue;
                }

                var commit = await client.Repository.Commit.Get(owner, name, sha).ConfigureAwait(false);
                if (commit.Author?.Login is { Length: > 0 } author)
                {
                    logins[sha] = author;
                }
            }
            catch (NotFoundException)
            {
                // A commit GitHub does not have (history rewritten, imported): no one to name for it.
            }
        }

        return logins;
    }
}
