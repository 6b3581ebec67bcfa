using System.Text;
using System.Text.RegularExpressions;
using Xunit.Abstractions;
using PolicyCuration.Testing;

namespace PolicyCuration.Cli.Tests.Rehearsal;

/// <summary>
/// Every command the shell blocks of the README and of docs/ show, run in order as a newcomer would in a clone of the repository:
/// none may end in a usage error or a crash. A command the test does not know fails it, so a new README line is
/// either run here or listed below with why it is not.
/// </summary>
[Trait("Needs", "fixtures")]
[Collection("rehearsal")]
public sealed partial class ReadmeCommandTests(Workbench bench, ITestOutputHelper transcript)
{
    /// <summary>Lines not run, by how they start, each with why.</summary>
    private static readonly (string Prefix, string Why)[] NotRun =
    [
        ("tools/test.sh", "it is the command running this test"),
        ("sudo tools/fixtures/start.sh", "tools/test.sh has started the fixtures"),
        ("dotnet publish src/PolicyCuration.Consumer", "tools/test.sh runs this publish into .aot/ (POLICYCURATION_CONSUMER_AOT), and the consumer's lines below run that binary"),
        ("install -d /etc/starttls-policy", "it writes to /etc: the consumer's lines below read the key from policy/release.pub, where the README's keygen line wrote it"),
        ("postconf -e", "it would reconfigure this machine's own Postfix"),
        ("postfix reload", "it would reload this machine's own Postfix"),
        ("/usr/sbin/postfix reload", "it would reload this machine's own Postfix"),
        ("grep -q trust-ad /etc/resolv.conf", "it would change this machine's resolver settings; the sending Postfix of the fixtures has its own resolv.conf with trust-ad"),
        ("tools/package/build-deb.sh", "tools/test.sh builds the package this way and tests it with tools/package/test-deb.sh"),
        ("apt install ./", "it would install the package on this machine; tools/package/test-deb.sh installs it in a throwaway root"),
        ("cp release.pub /etc/starttls-policy/", "it writes to /etc; the consumer's lines read the key from policy/release.pub"),
        ("systemctl enable", "no systemd manages this machine; tools/package/test-deb.sh checks the units with systemd-analyze verify"),
        ("systemctl start", "no systemd manages this machine; PostfixSenderTests installs the package in a scratch root and runs its update as the service would"),
        ("postmap -q yahoo.com socketmap:", "it asks the server the unit above starts; SocketmapTests start 'serve' and ask it with postmap -q for every domain of a list, PostfixSenderTests deliver through it"),
    ];

    [Fact]
    public void EveryReadmeCommandRunsWithoutAUsageErrorOrACrash()
    {
        string workspace = bench.Runner.CheckOut(bench.ProjectCommit);
        bench.Runner.Git(workspace, "config", "user.name", "newcomer");
        bench.Runner.Git(workspace, "config", "user.email", "newcomer@localhost");
        string scratch = bench.Scratch("readme");
        string releases = "readme-" + Guid.NewGuid().ToString("N")[..8];
        string consumer = Environment.GetEnvironmentVariable("POLICYCURATION_CONSUMER_AOT") is { Length: > 0 } aot ? aot
            : throw new InvalidOperationException("POLICYCURATION_CONSUMER_AOT is not set: tools/test.sh publishes the consumer and sets it");
        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            // The fixtures stand for the internet: every probe resolves through their DNS and trusts their CA.
            ["POLICYCTL_DNS"] = ProbeFixtures.Dns.ToString(),
            ["POLICYCTL_SMTP_PORT"] = ProbeFixtures.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["POLICYCTL_HTTPS_PORT"] = ProbeFixtures.HttpsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["POLICYCTL_CA_FILE"] = ProbeFixtures.CaFile,
            ["POLICYCTL_ALLOW_PRIVATE_ADDRESSES"] = "1",
            ["POLICYCTL_CANARIES"] = ProbeFixtures.Canaries,
            ["GITHUB_API_URL"] = bench.Api.BaseUrl + "api/v3",
            ["GITHUB_TOKEN"] = "readme-token",
        };

        // The README and every document in docs/, as the clone holds them, in reading order.
        var commands = TestFiles.Documents.SelectMany(d => Commands(File.ReadAllText(Path.Combine(workspace, Path.GetRelativePath(TestFiles.Root, d))))).ToList();
        Assert.Contains(commands, c => c.StartsWith("dotnet run --project src/PolicyCuration.Cli -- validate", StringComparison.Ordinal));
        var failures = new StringBuilder();
        int ran = 0;
        foreach (string command in commands)
        {
            if (NotRun.Any(n => command.StartsWith(n.Prefix, StringComparison.Ordinal)))
            {
                continue;
            }

            string? line = Playable(command, consumer, scratch, releases);
            if (line is null)
            {
                failures.AppendLine($"the README shows a command this test does not know; run it here or list it in NotRun with why: {command}");
                continue;
            }

            if (line.Contains(ProbeFixtures.ReleasesUrl, StringComparison.Ordinal))
            {
                // The release the README's own release line made, served as GitHub would serve the latest release.
                string served = Path.Combine(ProbeFixtures.ReleasesDirectory, releases);
                Directory.CreateDirectory(served);
                foreach (string file in new[] { "release", "consumer" }.Select(d => Path.Combine(workspace, "out", d)).Where(Directory.Exists).SelectMany(Directory.GetFiles))
                {
                    File.Copy(file, Path.Combine(served, Path.GetFileName(file)), overwrite: true);
                }
            }

            var (code, output) = bench.Runner.Shell(line, variables, TimeSpan.FromMinutes(5));
            ran++;
            transcript.WriteLine($"$ {line}\n  exit {code}: {output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()}");
            // A download or a signature check that fails is the admin's stop, not a finding.
            bool mustSucceed = command.StartsWith("curl ", StringComparison.Ordinal) || command.StartsWith("minisign ", StringComparison.Ordinal);
            if (code is not (0 or 1) || (mustSucceed && code != 0) || Crash().IsMatch(output))
            {
                failures.AppendLine($"$ {line}\nexit {code}\n{(output.Length > 3000 ? output[..3000] + "…" : output)}\n");
            }
        }

        Assert.True(failures.Length == 0, failures.ToString());
        Assert.True(ran >= 25, $"only {ran} documented commands ran");
    }

    [Fact]
    public void TheReadmeNamesTheCommandsOfTheNewcomer()
    {
        var commands = Commands(File.ReadAllText(TestFiles.Readme));

        Assert.Equal("dotnet run --project src/PolicyCuration.Cli -- validate", commands[0]);
        Assert.Equal("tools/test.sh", commands[1]);
    }

    /// <summary>The command lines of the README's sh and cron blocks, continuation lines joined, comments dropped.</summary>
    private static List<string> Commands(string readme)
    {
        var commands = new List<string>();
        string? language = null;
        var pending = new StringBuilder();
        foreach (string raw in readme.Split('\n'))
        {
            if (raw.StartsWith("```", StringComparison.Ordinal))
            {
                language = language is null ? raw[3..].Trim() : null;
                continue;
            }

            if (language is not ("sh" or "cron"))
            {
                continue;
            }

            string line = raw.TrimEnd();
            if (pending.Length == 0 && (line.Length == 0 || line.TrimStart().StartsWith('#')))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending.Append(line[..^1].Trim()).Append(' ');
                continue;
            }

            string command = pending.Append(line.Trim()).ToString();
            pending.Clear();
            command = TrailingComment().Replace(command, string.Empty);

            // A crontab line: five time fields and a user, then the command.
            if (language == "cron")
            {
                command = CronFields().Replace(command, string.Empty);
            }

            commands.Add(command);
        }

        return commands;
    }

    /// <summary>The line as the test runs it, or null when the test does not know it.</summary>
    private static string? Playable(string command, string consumer, string scratch, string releases)
    {
        if (command.StartsWith("dotnet run --project src/PolicyCuration.Cli -- ", StringComparison.Ordinal)
            || command.StartsWith("dotnet publish src/PolicyCuration.Cli ", StringComparison.Ordinal)
            || command.StartsWith("out/policyctl/policyctl ", StringComparison.Ordinal)
            || command.StartsWith("tools/package/build-release.sh ", StringComparison.Ordinal)
            || command.StartsWith("minisign -Vm out/", StringComparison.Ordinal))
        {
            return command;
        }

        // The consumer as a mail server runs it, with its paths moved out of the system's directories, its
        // source on the fixtures' HTTPS server (trusted through their CA), and no Postfix of this machine reloaded.
        string map = Path.Combine(scratch, "postfix", "starttls-policy");
        Directory.CreateDirectory(Path.GetDirectoryName(map)!);
        string moved = command
            .Replace("/usr/bin/starttls-policy", consumer, StringComparison.Ordinal)
            .Replace("https://github.com/OWNER/NAME/releases/latest/download", $"{ProbeFixtures.ReleasesUrl.TrimEnd('/')}/{releases}", StringComparison.Ordinal)
            .Replace("/etc/starttls-policy/release.pub", "policy/release.pub", StringComparison.Ordinal)
            .Replace("/etc/postfix/starttls-policy", map, StringComparison.Ordinal)
            .Replace("--reload '/usr/sbin/postfix reload'", "--reload 'true'", StringComparison.Ordinal);
        // An admin's download of the packages the README's release lines built and signed, checked with the key they pinned.
        if (command.StartsWith("curl -fLO https://github.com/OWNER/NAME/releases/latest/download/", StringComparison.Ordinal))
        {
            return $"{moved} --cacert {Workbench.Quote(ProbeFixtures.CaFile)}";
        }

        if (command.StartsWith("minisign -Vm starttls-policy_", StringComparison.Ordinal))
        {
            return command.Replace(" -p release.pub", " -p policy/release.pub", StringComparison.Ordinal);
        }

        if (command.StartsWith("/usr/bin/starttls-policy ", StringComparison.Ordinal))
        {
            return $"{moved} --state-dir {Workbench.Quote(Path.Combine(scratch, "state"))} --ca-file {Workbench.Quote(ProbeFixtures.CaFile)}";
        }

        return command.StartsWith("postmap -q ", StringComparison.Ordinal) ? moved : null;
    }

    [GeneratedRegex(@"\s+#\s.*$")]
    private static partial Regex TrailingComment();

    [GeneratedRegex(@"^(\S+\s+){5}\S+\s+")]
    private static partial Regex CronFields();

    [GeneratedRegex(@"Unhandled exception|\berror [A-Z]{2,}\d{3,}|Build FAILED|The build failed")]
    private static partial Regex Crash();
}
