using System.CommandLine;
using PolicyCuration.GitHub;
using PolicyCuration.Signing;

namespace PolicyCuration.Cli.Commands;

/// <summary><c>release --publish</c>: the GitHub release of the four files, through Octokit.</summary>
internal sealed class ReleasePublishOptions
{
    private readonly Option<bool> publish = new("--publish") { Description = "Upload the release to GitHub (token from GITHUB_TOKEN)" };
    private readonly Option<string?> repository = new("--repo") { Description = "The GitHub repository, OWNER/NAME" };
    private readonly Option<string> api = CommonOptions.ApiUrl();

    public void AddTo(Command command, bool withSwitch = true)
    {
        if (withSwitch)
        {
            command.Options.Add(publish);
        }

        command.Options.Add(repository);
        command.Options.Add(api);
    }

    public bool Requested(ParseResult parsed) => parsed.GetValue(publish);

    public async Task<string> PublishAsync(ParseResult parsed, string directory, ReleaseManifest manifest, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        string repo = parsed.GetValue(repository) ?? throw new ArgumentException("--publish needs --repo OWNER/NAME");
        string token = Environment.GetEnvironmentVariable("GITHUB_TOKEN") is { Length: > 0 } value ? value : throw new ArgumentException("--publish needs GITHUB_TOKEN in the environment");
        var releases = new GitHubReleases(new Uri(parsed.GetValue(api)!), token);
        string tag = Git.ReleaseTags.Prefix + manifest.Serial.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var assets = ReleaseFiles.Names.Select(name => new ReleaseAsset(
            name, File.ReadAllBytes(Path.Combine(directory, name)), name.EndsWith(".json", StringComparison.Ordinal) ? "application/json" : "text/plain"));
        string page = await releases.PublishAsync(
            repo,
            tag,
            $"Policy list {manifest.Serial}",
            $"Serial {manifest.Serial}, made {ReleaseManifest.Format(manifest.Timestamp)}, expires {ReleaseManifest.Format(manifest.Expires)}.\n\n" +
            "Verify with `minisign -Vm policy.json -p release.pub` or install with `starttls-policy update`.",
            assets).ConfigureAwait(false);
        return $"published {tag} to {repo}: {page}";
    }
}
