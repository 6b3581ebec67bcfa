using System.Diagnostics;
using PolicyCuration.Testing;

namespace PolicyCuration.Cli.Tests.Rehearsal;

/// <summary>The tests that play the workflows and the README's commands share one workbench.</summary>
[CollectionDefinition("rehearsal")]
public sealed class RehearsalCollection : ICollectionFixture<Workbench>;

/// <summary>
/// The repository as GitHub would hold it, for the rehearsals: a bare <c>origin</c> whose <c>main</c> is this
/// checkout (uncommitted changes included) plus one commit that replaces the list with domains of the probe
/// fixtures, a runner that plays workflows against it, and the local GitHub API.
/// </summary>
public sealed class Workbench : IDisposable
{
    private const string Identity = "-c user.name=rehearsal -c user.email=rehearsal@localhost";
    private readonly TemporaryDirectory dir = new();

    public Workbench()
    {
        Api = new FakeGitHubApi();
        string snapshot = dir.File("snapshot");
        // The checkout may belong to another user than the one running the tests (a CI clone): git must read it anyway.
        Shell(dir.Path, $"git -c safe.directory='*' clone -q {Quote(TestFiles.Root)} snapshot");
        OverlayWorkingTree(snapshot);
        ProjectCommit = Shell(snapshot, "git rev-parse HEAD").Trim();

        // The release key: its secret half is the release environment's secret, its public half is committed.
        string secretKey = dir.File("release.key");
        Directory.CreateDirectory(Path.Combine(snapshot, "policy"));
        File.Delete(Path.Combine(snapshot, "policy", "release.pub"));
        var keygen = PolicyCtlRunner.Run("keygen", "--secret-key", secretKey, "--public-key", Path.Combine(snapshot, "policy", "release.pub"));
        Check(keygen.ExitCode == 0, keygen.Error);
        File.WriteAllText(Path.Combine(snapshot, "policy", "policy.json"), FixtureList());
        var fmt = PolicyCtlRunner.Run("fmt", Path.Combine(snapshot, "policy", "policy.json"), "--schema", TestFiles.Schema);
        Check(fmt.ExitCode == 0, fmt.Error);
        Shell(snapshot, $"git add -A && git {Identity} commit -q -m 'The list of fixture domains, and the release key'");
        MainCommit = Shell(snapshot, "git rev-parse HEAD").Trim();

        Shell(dir.Path, "git clone -q --bare snapshot origin.git && git -C origin.git config uploadpack.allowAnySHA1InWant true");
        Runner = new WorkflowRunner(dir.File("runner"), dir.File("origin.git")) { ApiUrl = Api.BaseUrl + "api/v3" };
        Runner.EnvironmentSecrets["release"] = new() { ["RELEASE_KEY"] = File.ReadAllText(secretKey) };
        ReleaseSecretKey = secretKey;
        Runner.Secrets["AUDIT_PR_TOKEN"] = "audit-pr-token";
        Api.BranchTips["main"] = MainCommit;

        // The vantage: a self-hosted runner that resolves through the fixtures' DNS, trusts their CA and, since they
        // are on loopback, connects to private addresses.
        Runner.MachineEnvironment["POLICYCTL_DNS"] = ProbeFixtures.Dns.ToString();
        Runner.MachineEnvironment["POLICYCTL_SMTP_PORT"] = ProbeFixtures.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Runner.MachineEnvironment["POLICYCTL_HTTPS_PORT"] = ProbeFixtures.HttpsPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Runner.MachineEnvironment["POLICYCTL_CA_FILE"] = ProbeFixtures.CaFile;
        Runner.MachineEnvironment["POLICYCTL_ALLOW_PRIVATE_ADDRESSES"] = "1";
        Runner.MachineEnvironment["POLICYCTL_CANARIES"] = ProbeFixtures.Canaries;
    }

    /// <summary>The local GitHub API every GitHub call goes to.</summary>
    internal FakeGitHubApi Api { get; }

    /// <summary>The runner that plays the workflows.</summary>
    internal WorkflowRunner Runner { get; }

    /// <summary>This checkout, as a commit of origin's main (the one before <see cref="MainCommit"/>).</summary>
    public string ProjectCommit { get; }

    /// <summary>origin's main: the project with a list of fixture domains and a committed release key.</summary>
    public string MainCommit { get; }

    /// <summary>The secret half of the release key, which the release environment holds as RELEASE_KEY.</summary>
    public string ReleaseSecretKey { get; }

    /// <summary>A directory of the workbench's own.</summary>
    public string Scratch(string name)
    {
        string path = dir.File(name);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>
    /// Pushes a commit on top of main, whose list <paramref name="edit"/> rewrites and whose other files
    /// <paramref name="alsoChange"/> may change (given the clone's directory), as <c>refs/pull/N/head</c>, replacing
    /// what was there (a force-push); returns its SHA.
    /// </summary>
    public string PushPullRequest(int number, Func<string, string> edit, Action<string>? alsoChange = null, string message = "pull request")
    {
        string clone = dir.File($"pr-{number}");
        if (Directory.Exists(clone))
        {
            Directory.Delete(clone, recursive: true);
        }

        Shell(dir.Path, $"git clone -q origin.git {Quote(clone)}");
        string list = Path.Combine(clone, "policy", "policy.json");
        File.WriteAllText(list, edit(File.ReadAllText(list)));
        alsoChange?.Invoke(clone);
        Shell(clone, $"git add -A && git {Identity} commit -q -m {Quote(message)} && git push -q -f origin HEAD:refs/pull/{number}/head");
        return Shell(clone, "git rev-parse HEAD").Trim();
    }

    /// <summary>Pushes a commit on top of main that adds <paramref name="path"/> with <paramref name="content"/>, as <paramref name="branch"/>; returns its SHA.</summary>
    public string PushBranch(string branch, string path, string content)
    {
        string clone = dir.File("branch-" + branch);
        Shell(dir.Path, $"rm -rf {Quote(clone)} && git clone -q origin.git {Quote(clone)}");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(clone, path))!);
        File.WriteAllText(Path.Combine(clone, path), content);
        Shell(clone, $"git add -A && git {Identity} commit -q -m {Quote(branch)} && git push -q origin HEAD:refs/heads/{branch}");
        return Shell(clone, "git rev-parse HEAD").Trim();
    }

    /// <summary>Runs a shell command in <paramref name="directory"/>; throws with its output when it fails.</summary>
    public static string Shell(string directory, string command)
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("set -euo pipefail; " + command);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return process.ExitCode == 0 ? output.Result : throw new InvalidOperationException($"{command} failed ({process.ExitCode}): {output.Result}{error.Result}");
    }

    public static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    public void Dispose()
    {
        Api.Dispose();
        dir.Dispose();
    }

    /// <summary>Two fixture domains in enforce: one that passes every check, one whose certificate has expired.</summary>
    private static string FixtureList()
    {
        var now = DateTimeOffset.UtcNow;
        string Time(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", System.Globalization.CultureInfo.InvariantCulture);
        return $$"""
            {
              "timestamp": "{{Time(now.AddDays(-1))}}",
              "expires": "{{Time(now.AddDays(13))}}",
              "version": "0.1",
              "author": "PolicyCuration rehearsal",
              "policies": {
                "expired.probe.test": {"mode": "enforce", "mxs": ["mx.expired.probe.test"]},
                "wildcard.probe.test": {"mode": "enforce", "mxs": ["mx1.wildcard.probe.test"]}
              }
            }
            """;
    }

    /// <summary>Makes the clone hold this checkout's working tree as a commit, so that uncommitted changes are what is rehearsed.</summary>
    private static void OverlayWorkingTree(string clone)
    {
        string files = Shell(TestFiles.Root, "git -c safe.directory='*' ls-files -z --cached --others --exclude-standard");
        foreach (string file in files.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            string from = Path.Combine(TestFiles.Root, file), to = Path.Combine(clone, file);
            if (File.Exists(from) && !(File.Exists(to) && File.ReadAllBytes(from).AsSpan().SequenceEqual(File.ReadAllBytes(to))))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                File.Copy(from, to, overwrite: true);
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(to, File.GetUnixFileMode(from));
                }
            }
        }

        foreach (string file in Shell(TestFiles.Root, "git -c safe.directory='*' ls-files -z --deleted").Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            File.Delete(Path.Combine(clone, file));
        }

        Shell(clone, $"git add -A && (git diff --cached --quiet || git {Identity} commit -q -m 'The working tree')");
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }
}
