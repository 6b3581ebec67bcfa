using System.CommandLine;
using PolicyCuration.GitHub;
using PolicyCuration.Signing;

namespace PolicyCuration.Cli.Commands;

/// <summary><c>release --publish</c> and <c>publish</c>: the GitHub release of the four files and any other assets, through Octokit.</summary>
internal sealed class ReleasePublishOptions
{
    private readonly Option<bool> publish = new("--publish") { Description = "Upload the release to GitHub (token from GITHUB_TOKEN)" };
    private readonly Option<string?> repository = new("--repo") { Description = "The GitHub repository, OWNER/NAME" };
    private readonly Option<string> api = CommonOptions.ApiUrl();
    private readonly Option<string?> assets = new("--assets") { Description = "A directory whose files are uploaded too (the consumer's packages, their signatures and SHA256SUMS)" };

    public void AddTo(Command command, bool withSwitch = true)
    {
        if (withSwitch)
        {
            command.Options.Add(publish);
        }

        command.Options.Add(repository);
        command.Options.Add(api);
        command.Options.Add(assets);
    }

    public bool Requested(ParseResult parsed) => parsed.GetValue(publish);

    public async Task<string> PublishAsync(ParseResult parsed, string directory, ReleaseManifest manifest, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        string repo = parsed.GetValue(repository) ?? throw new ArgumentException("--publish needs --repo OWNER/NAME");
        string token = Environment.GetEnvironmentVariable("GITHUB_TOKEN") is { Length: > 0 } value ? value : throw new ArgumentException("--publish needs GITHUB_TOKEN in the environment");
        var releases = new GitHubReleases(new Uri(parsed.GetValue(api)!), token);
        string tag = Git.ReleaseTags.Prefix + manifest.Serial.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var files = ReleaseFiles.Names.Select(name => Path.Combine(directory, name)).ToList();
        if (parsed.GetValue(assets) is { } extra)
        {
            var more = Directory.GetFiles(extra).Order(StringComparer.Ordinal).ToList();
            if (more.Select(Path.GetFileName).FirstOrDefault(name => ReleaseFiles.Names.Contains(name)) is { } clash)
            {
                throw new ArgumentException($"--assets {extra}: {clash} would replace the release's own file");
            }

            files.AddRange(more);
        }

        var uploads = files.Select(file => new ReleaseAsset(Path.GetFileName(file), File.ReadAllBytes(file), ContentType(file)));
        string page = await releases.PublishAsync(
            repo,
            tag,
            $"Policy list {manifest.Serial}",
            $"Serial {manifest.Serial}, made {ReleaseManifest.Format(manifest.Timestamp)}, expires {ReleaseManifest.Format(manifest.Expires)}.\n\n" +
            "Verify with `minisign -Vm policy.json -p release.pub` or install with `starttls-policy update`." +
            (files.Count > ReleaseFiles.Names.Length
                ? "\n\nThe consumer for mail servers, `starttls-policy`, is attached as a Debian package and a tarball per architecture, each with its minisign signature by the same key, and `SHA256SUMS`."
                : string.Empty),
            uploads).ConfigureAwait(false);
        return $"published {tag} to {repo}: {page}";
    }

    private static string ContentType(string file) => Path.GetFileName(file) switch
    {
        var name when name.EndsWith(".json", StringComparison.Ordinal) => "application/json",
        var name when name.EndsWith(".tar.gz", StringComparison.Ordinal) => "application/gzip",
        var name when name.EndsWith(".deb", StringComparison.Ordinal) => "application/vnd.debian.binary-package",
        _ => "text/plain",
    };
}
