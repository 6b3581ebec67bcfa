using Octokit;

namespace PolicyCuration.GitHub;

/// <summary>One file attached to a GitHub release.</summary>
/// <param name="Name">The asset's file name.</param>
/// <param name="Content">Its bytes.</param>
/// <param name="ContentType">Its media type.</param>
public sealed record ReleaseAsset(string Name, byte[] Content, string ContentType);

/// <summary>Publishes list releases on GitHub: a release at the tag, with the release's files as assets.</summary>
public sealed class GitHubReleases
{
    private readonly GitHubClient client;

    /// <summary>A client of the API at <paramref name="apiBase"/> (GitHub's, or a test server) authenticated by <paramref name="token"/>.</summary>
    public GitHubReleases(Uri apiBase, string token)
    {
        client = new GitHubClient(new ProductHeaderValue("policyctl"), apiBase) { Credentials = new Credentials(token) };
        client.SetRequestTimeout(TimeSpan.FromMinutes(2));
    }

    /// <summary>Creates the release of <paramref name="tag"/> in <paramref name="repository"/> (OWNER/NAME) and uploads <paramref name="assets"/>; returns its page.</summary>
    public async Task<string> PublishAsync(string repository, string tag, string title, string body, IEnumerable<ReleaseAsset> assets)
    {
        var (owner, name) = Split(repository);
        var release = await client.Repository.Release.Create(owner, name, new NewRelease(tag) { Name = title, Body = body, Draft = false, Prerelease = false })
            .ConfigureAwait(false);
        foreach (var asset in assets)
        {
            using var content = new MemoryStream(asset.Content);
            await client.Repository.Release.UploadAsset(release, new ReleaseAssetUpload(asset.Name, asset.ContentType, content, TimeSpan.FromMinutes(2)))
                .ConfigureAwait(false);
        }

        return release.HtmlUrl;
    }

    /// <summary>OWNER and NAME of <c>OWNER/NAME</c>.</summary>
    /// <exception cref="ArgumentException">Not of that form.</exception>
    public static (string Owner, string Name) Split(string repository)
    {
        var parts = repository.Split('/');
        if (parts.Length != 2 || parts.Any(p => p.Length == 0 || p.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))))
        {
            throw new ArgumentException($"--repo {repository}: give OWNER/NAME");
        }

        return (parts[0], parts[1]);
    }
}
