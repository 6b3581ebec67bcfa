using Octokit;

namespace PolicyCuration.GitHub;

/// <summary>One file attached to a GitHub release.</summary>
/// <param name="Name">The asset's file name.</param>
/// <param name="Content">Its bytes.</param>
/// <param name="ContentType">Its media type.</param>
public sealed record ReleaseAsset(string Name, byte[] Content, string ContentType);

/// <summary>List releases on GitHub: publishes one at its tag with the release's files as assets, and fetches the latest one's files.</summary>
public sealed class GitHubReleases
{
    private readonly GitHubClient client;
    private readonly string token;

    /// <summary>A client of the API at <paramref name="apiBase"/> (GitHub's, or a test server) authenticated by <paramref name="token"/>.</summary>
    public GitHubReleases(Uri apiBase, string token)
    {
        this.token = token;
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

    /// <summary>
    /// Writes the assets named <paramref name="names"/> of the latest release of <paramref name="repository"/> into
    /// <paramref name="directory"/>, each at most <paramref name="maxBytes"/>; returns the release's tag, or null when
    /// the repository has no release yet.
    /// </summary>
    /// <exception cref="IOException">An asset is missing, too large, or could not be fetched.</exception>
    public async Task<string?> DownloadLatestAsync(string repository, IReadOnlyCollection<string> names, string directory, long maxBytes, CancellationToken cancellation = default)
    {
        var (owner, name) = Split(repository);
        Release release;
        try
        {
            release = await client.Repository.Release.GetLatest(owner, name).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            return null;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.UserAgent.ParseAdd("policyctl");
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        http.DefaultRequestHeaders.Accept.ParseAdd("application/octet-stream");
        Directory.CreateDirectory(directory);
        foreach (string wanted in names)
        {
            var asset = release.Assets.FirstOrDefault(a => a.Name == wanted)
                ?? throw new IOException($"release {release.TagName} of {repository} has no asset {wanted}");
            if (asset.Size > maxBytes)
            {
                throw new IOException($"release {release.TagName}: {wanted} is {asset.Size} bytes, more than {maxBytes}");
            }

            // The API answers with the bytes or a redirect to them; the token is not sent on to another host.
            using var response = await http.GetAsync(asset.Url, HttpCompletionOption.ResponseHeadersRead, cancellation).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new IOException($"release {release.TagName}: {wanted}: HTTP {(int)response.StatusCode}");
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellation).ConfigureAwait(false);
            await using var file = File.Create(Path.Combine(directory, wanted));
            var buffer = new byte[81920];
            long total = 0;
            for (int read; (read = await body.ReadAsync(buffer, cancellation).ConfigureAwait(false)) > 0;)
            {
                total += read;
                if (total > maxBytes)
                {
                    throw new IOException($"release {release.TagName}: {wanted} is larger than {maxBytes} bytes");
                }

                await file.WriteAsync(buffer.AsMemory(0, read), cancellation).ConfigureAwait(false);
            }
        }

        return release.TagName;
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
