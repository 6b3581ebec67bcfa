using System.Text.Json;
using LibGit2Sharp;
using PolicyCuration.Testing;

namespace PolicyCuration.Cli.Tests;

[Trait("Needs", "fixtures")]
[Collection("environment")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ReleaseCommandTests : IDisposable
{
    private readonly TemporaryDirectory dir = new();

    public ReleaseCommandTests()
    {
        Repository.Init(Repo);
        Directory.CreateDirectory(Path.Combine(Repo, "policy"));
        File.Copy(TestFiles.PolicyList, List);
        Commit("the list");
        Assert.Equal(0, PolicyCtlRunner.Run("keygen", "--secret-key", dir.File("release.key"), "--public-key", dir.File("release.pub")).ExitCode);
    }

    private string Repo => dir.File("repo");

    private string List => Path.Combine(Repo, "policy", "policy.json");

    public void Dispose() => dir.Dispose();

    [Fact]
    public void KeygenWritesAPrivateSecretKeyAndNeverOverwrites()
    {
        var mode = File.GetUnixFileMode(dir.File("release.key"));
        var (code, _, error) = PolicyCtlRunner.Run("keygen", "--secret-key", dir.File("release.key"), "--public-key", dir.File("other.pub"));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("never overwrites", error);
        Assert.False(File.Exists(dir.File("other.pub")));
    }

    [Fact]
    public void AReleaseIsSignedTaggedAndVerifiedByUsAndByMinisign()
    {
        var (code, output, error) = Release(dir.File("out1"));
        var second = Release(dir.File("out2"));

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("release 1: 12 domains", output);
        Assert.Contains("tagged list-v1", output);
        Assert.Contains("tagged list-v2", second.Output);
        using (var repository = new Repository(Repo))
        {
            Assert.True(repository.Tags["list-v1"].IsAnnotated);
            Assert.Equal(repository.Head.Tip.Sha, repository.Tags["list-v1"].Target.Peel<Commit>().Sha);
        }

        Assert.Equal(["manifest.json", "manifest.json.minisig", "policy.json", "policy.json.minisig"], Directory.GetFiles(dir.File("out1")).Select(Path.GetFileName).Order());
        var verify = PolicyCtlRunner.Run("verify", dir.File("out1"), "--public-key", dir.File("release.pub"));
        Assert.True(verify.ExitCode == ExitCodes.Ok, verify.Error);
        Assert.Contains("release 1 verified", verify.Output);
        foreach (string file in new[] { "policy.json", "manifest.json" })
        {
            var (minisign, said) = ExternalTool.Run("minisign", ["-Vm", Path.Combine(dir.File("out1"), file), "-p", dir.File("release.pub")]);
            Assert.True(minisign == 0, said);
            Assert.Contains($"serial:1 expires:", said);
        }

        WrittenJson.Meets("release-manifest.schema.json", File.ReadAllText(Path.Combine(dir.File("out1"), "manifest.json")));
        using var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir.File("out1"), "manifest.json")));
        Assert.Equal(1, manifest.RootElement.GetProperty("serial").GetInt64());
    }

    [Fact]
    public void SignWritesASignatureBesideEachFileThatMinisignVerifiesAndNamesTheFile()
    {
        File.WriteAllBytes(dir.File("starttls-policy_amd64.deb"), [0x21, 0x3c, 0x61, 0x72, 0x63, 0x68, 0x3e, 0x0a]);
        File.WriteAllText(dir.File("SHA256SUMS"), "0123  starttls-policy_amd64.deb\n");

        var (code, output, error) = PolicyCtlRunner.Run("sign", "--secret-key", dir.File("release.key"), dir.File("SHA256SUMS"), dir.File("starttls-policy_amd64.deb"));

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("starttls-policy_amd64.deb.minisig", output);
        foreach (string file in new[] { "SHA256SUMS", "starttls-policy_amd64.deb" })
        {
            var (minisign, said) = ExternalTool.Run("minisign", ["-Vm", dir.File(file), "-p", dir.File("release.pub")]);
            Assert.True(minisign == 0, said);
            Assert.Contains($"file:{file}", said);
        }

        File.AppendAllText(dir.File("SHA256SUMS"), "4567  evil\n");
        Assert.NotEqual(0, ExternalTool.Run("minisign", ["-Vm", dir.File("SHA256SUMS"), "-p", dir.File("release.pub")]).ExitCode);
    }

    [Fact]
    public void SignWithoutAKeyOrAFileIsAUsageErrorAndWritesNothing()
    {
        var noKey = PolicyCtlRunner.Run("sign", dir.File("release.pub"));
        var noFile = PolicyCtlRunner.Run("sign", "--secret-key", dir.File("release.key"), dir.File("missing.deb"));

        Assert.Equal(ExitCodes.Usage, noKey.ExitCode);
        Assert.Contains("give exactly one of --secret-key FILE and --secret-key-env VAR", noKey.Error);
        Assert.Equal(ExitCodes.Usage, noFile.ExitCode);
        Assert.Contains("missing.deb", noFile.Error);
        Assert.False(File.Exists(dir.File("release.pub.minisig")));
        Assert.False(File.Exists(dir.File("missing.deb.minisig")));
    }

    [Fact]
    public void AListWithErrorsIsNotReleased()
    {
        File.WriteAllText(List, File.ReadAllText(List).Replace("\"mode\": \"testing\"", "\"mode\": \"strict\"", StringComparison.Ordinal));
        Commit("break the list");

        var (code, _, error) = Release(dir.File("out"));

        Assert.Equal(ExitCodes.Findings, code);
        Assert.Contains("nothing was released", error);
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public void AnUncommittedListIsNotReleasedUnderATag()
    {
        File.AppendAllText(List, "\n");

        var (code, _, error) = Release(dir.File("out"));

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("commit it first", error);
    }

    [Fact]
    public void ATamperedReleaseFailsVerification()
    {
        Release(dir.File("out"));
        File.AppendAllText(Path.Combine(dir.File("out"), "policy.json"), " ");

        var (code, _, error) = PolicyCtlRunner.Run("verify", dir.File("out"), "--public-key", dir.File("release.pub"));

        Assert.Equal(ExitCodes.Findings, code);
        Assert.Contains("release.signature.invalid", error);
    }

    [Fact]
    public void PublishingCreatesAGitHubReleaseWithTheFourFiles()
    {
        using var github = new FakeGitHubApi();
        Environment.SetEnvironmentVariable("GITHUB_TOKEN", "test-token");
        Environment.SetEnvironmentVariable("RELEASE_KEY", File.ReadAllText(dir.File("release.key")));
        try
        {
            var (code, output, error) = PolicyCtlRunner.Run(
                "release", "--list", List, "--git", Repo, "--secret-key-env", "RELEASE_KEY", "--out", dir.File("out"),
                "--publish", "--repo", "owner/list", "--api-url", github.BaseUrl);

            Assert.True(code == ExitCodes.Ok, error);
            Assert.Contains("published list-v1 to owner/list", output);
        }
        finally
        {
            Environment.SetEnvironmentVariable("GITHUB_TOKEN", null);
            Environment.SetEnvironmentVariable("RELEASE_KEY", null);
        }

        var requests = github.Requests.ToList();
        var create = Assert.Single(requests, r => r.PathAndQuery == "/api/v3/repos/owner/list/releases");
        Assert.Equal("POST", create.Method);
        Assert.Contains("test-token", create.Authorization);
        using (var body = JsonDocument.Parse(create.Body))
        {
            Assert.Equal("list-v1", body.RootElement.GetProperty("tag_name").GetString());
            Assert.False(body.RootElement.GetProperty("draft").GetBoolean());
        }

        var uploads = requests.Where(r => r.PathAndQuery.StartsWith("/uploads/repos/owner/list/releases/", StringComparison.Ordinal)).ToList();
        Assert.Equal(["manifest.json", "manifest.json.minisig", "policy.json", "policy.json.minisig"], uploads.Select(u => u.PathAndQuery.Split("name=")[1]).Order());
        Assert.All(uploads, u => Assert.Equal(File.ReadAllBytes(Path.Combine(dir.File("out"), u.PathAndQuery.Split("name=")[1])), u.Body));
    }

    private (int ExitCode, string Output, string Error) Release(string output) =>
        PolicyCtlRunner.Run("release", "--list", List, "--git", Repo, "--secret-key", dir.File("release.key"), "--out", output);

    private void Commit(string message)
    {
        using var repository = new Repository(Repo);
        LibGit2Sharp.Commands.Stage(repository, "*");
        var author = new Signature("test", "test@example.org", DateTimeOffset.UtcNow);
        repository.Commit(message, author, author);
    }
}
