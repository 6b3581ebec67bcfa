using System.CommandLine;
using PolicyCuration.Format;
using PolicyCuration.Format.Findings;
using PolicyCuration.Signing;
using PolicyCuration.Site;
using PolicyCuration.Site.Inputs;
using PolicyCuration.Validation.Rendering;

namespace PolicyCuration.Cli.Commands;

/// <summary><c>policyctl site</c>: the static status site, JSON API and feed.</summary>
internal static class SiteCommand
{
    public static Command Create()
    {
        var list = new Option<string>("--list") { Description = $"The list (default: {CommonOptions.DefaultList}); its git history gives the dates and changes", DefaultValueFactory = _ => CommonOptions.DefaultList };
        var history = new Option<string?>("--history") { Description = "A checkout of the audit-history branch (YYYY/MM/DD.jsonl); without it, no audits are shown" };
        var @out = new Option<string>("--out") { Description = "The directory to write the site into (its domains/ and api/ are replaced)", Required = true };
        var release = new Option<string?>("--release") { Description = "A release directory to describe (verified against --public-key)" };
        var releaseRepo = new Option<string?>("--release-repo") { Description = "Describe the latest GitHub release of OWNER/NAME instead (token from GITHUB_TOKEN), verified against --public-key" };
        var api = CommonOptions.ApiUrl();
        var publicKey = new Option<string>("--public-key") { Description = "The release's public key (default: policy/release.pub)", DefaultValueFactory = _ => "policy/release.pub" };
        var title = new Option<string>("--title") { Description = "The site's name", DefaultValueFactory = _ => "STARTTLS policy list" };
        var baseUrl = new Option<string?>("--base-url") { Description = "The site's absolute address, for the feed's links (e.g. https://owner.github.io/list/)" };
        var repoUrl = new Option<string?>("--repo-url") { Description = "The list's repository on the web, for the pages' links (e.g. https://github.com/owner/list)" };
        var now = CommonOptions.Now();
        var command = new Command("site", """
            Write the list's status site: a home page (counts, the release and its key, recent changes, a search), a
            domain page (entry, since when, last audits with findings and remedies, 90 days of audits) drawn from the
            JSON API (api/v2/, schema/site-api-v2.schema.json), a static page per failing domain, and an Atom feed of
            changes. Static files only.

            Examples:
              policyctl site --history ../audit-history --out out/site
              policyctl site --history history --release out/release --out out/site --base-url https://owner.github.io/list/
            """)
        { list, history, @out, release, releaseRepo, api, publicKey, title, baseUrl, repoUrl, now };
        command.SetAction(async (parsed, cancellation) =>
        {
            var output = parsed.InvocationConfiguration.Output;
            var error = parsed.InvocationConfiguration.Error;
            try
            {
                string listPath = parsed.GetValue(list)!;
                var read = PolicyListReader.ReadFile(listPath);
                var errors = read.Problems.Where(p => p.Severity == Severity.Error).ToList();
                if (read.List is not { } policies || errors.Count > 0)
                {
                    FindingRenderer.Write(error, errors, FindingFormat.Text, $"{listPath}: no site built: fix the errors above first");
                    return ExitCodes.Findings;
                }

                Uri? site = parsed.GetValue(baseUrl) is { } text
                    ? Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var parsedUrl) && parsedUrl.Scheme is "https" or "http" ? parsedUrl
                        : throw new ArgumentException($"--base-url {text}: give an absolute http(s) address")
                    : null;
                string? repository = parsed.GetValue(repoUrl) is { } repo
                    ? Uri.TryCreate(repo, UriKind.Absolute, out var repoUri) && repoUri.Scheme is "https" or "http" ? repo.TrimEnd('/')
                        : throw new ArgumentException($"--repo-url {repo}: give an absolute http(s) address")
                    : null;
                var info = (parsed.GetValue(release), parsed.GetValue(releaseRepo)) switch
                {
                    ({ } directory, null) => ReleaseInfo.Read(directory, parsed.GetValue(publicKey)!),
                    (null, { } github) => await LatestRelease(github, parsed.GetValue(api)!, parsed.GetValue(publicKey)!, error, cancellation).ConfigureAwait(false),
                    (null, null) => null,
                    _ => throw new ArgumentException("give --release DIR or --release-repo OWNER/NAME, not both"),
                };
                var settings = new SiteSettings(parsed.GetValue(title)!, site, repository, listPath.Replace('\\', '/'), CommonOptions.ParseNow(parsed.GetValue(now)));
                string target = parsed.GetValue(@out)!;
                var build = SiteBuilder.Build(settings, listPath, policies, parsed.GetValue(history), info, target);
                output.WriteLine(
                    $"site: {build.Domains} domains, {build.Files} files in {target}; {build.ListVersions} versions of the list and {build.AuditRecords} audit records read" +
                    (info is null ? string.Empty : $"; release {info.Manifest.Serial}"));
                if (build.UnreadableAuditLines > 0)
                {
                    error.WriteLine($"policyctl site: warning: {build.UnreadableAuditLines} lines of the audit history are not audit records; they were skipped");
                }

                if (build.Unnamed > 0)
                {
                    error.WriteLine($"policyctl site: warning: {build.Unnamed} listed names cannot name a file; they have no page");
                }

                return ExitCodes.Ok;
            }
            catch (ReleaseRefusedException e)
            {
                error.WriteLine($"policyctl site: {e.Code}: {e.Message}");
                return ExitCodes.Findings;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or SignatureException or Git.RevisionException or LibGit2Sharp.LibGit2SharpException or Octokit.ApiException or HttpRequestException)
            {
                error.WriteLine($"policyctl site: {e.Message}");
                return ExitCodes.Usage;
            }
        });
        return command;
    }

    /// <summary>The latest GitHub release's list and manifest with their signatures, fetched and verified; null when there is none yet.</summary>
    private static async Task<ReleaseInfo?> LatestRelease(string repository, string api, string publicKey, TextWriter error, CancellationToken cancellation)
    {
        string token = Environment.GetEnvironmentVariable("GITHUB_TOKEN") ?? string.Empty;
        string directory = Directory.CreateTempSubdirectory("policyctl-site-release-").FullName;
        try
        {
            string? tag = await new GitHub.GitHubReleases(new Uri(api), token)
                .DownloadLatestAsync(repository, ReleaseFiles.Names, directory, 256L * 1024 * 1024, cancellation).ConfigureAwait(false);
            if (tag is null)
            {
                error.WriteLine($"policyctl site: {repository} has no release yet; the site says so");
                return null;
            }

            return ReleaseInfo.Read(directory, publicKey);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
