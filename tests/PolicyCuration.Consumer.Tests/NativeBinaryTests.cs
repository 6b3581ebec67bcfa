using PolicyCuration.Signing;
using PolicyCuration.Testing;

namespace PolicyCuration.Consumer.Tests;

/// <summary>The NativeAOT binary that tools/test.sh publishes: one file (and libsodium beside it) that installs, verifies and exports.</summary>
[Trait("Needs", "fixtures")]
public sealed partial class NativeBinaryTests
{
    [Fact]
    public void TheNativeBinaryInstallsVerifiesAndExports()
    {
        string binary = Environment.GetEnvironmentVariable("POLICYCURATION_CONSUMER_AOT") is { Length: > 0 } path && File.Exists(path)
            ? path
            : throw new InvalidOperationException("the NativeAOT consumer is not published: tools/test.sh publishes it and sets POLICYCURATION_CONSUMER_AOT");
        using var dir = new TemporaryDirectory();
        Releases.WriteSignedByNewKey(dir.File("r1"), dir.File("release.pub"), Releases.SmallList());
        string[] common = ["--public-key", dir.File("release.pub"), "--state-dir", dir.File("state")];

        var update = ExternalTool.Run(binary, ["update", "--source", dir.File("r1"), .. common, "--postfix-map", dir.File("map"), "--postmap"]);
        var verify = ExternalTool.Run(binary, ["verify", .. common]);
        var export = ExternalTool.Run(binary, ["export", "postfix", .. common]);

        Assert.True(update.ExitCode == 0, update.Output);
        Assert.True(verify.ExitCode == 0, verify.Output);
        Assert.Contains("enforced.example\tsecure match=mx1.enforced.example:.mail.enforced.example", export.Output);
        Assert.Equal((0, "secure match=mx1.enforced.example:.mail.enforced.example servername=hostname\n"), ExternalTool.Run("postmap", ["-q", "enforced.example", dir.File("map")]));
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(binary)!, "libsodium.so")), "libsodium.so is not beside the binary");
    }

    [Fact]
    public void TheNativeBinaryAsksTheValidatingResolverUnderDane()
    {
        string binary = Binary();
        using var dir = new TemporaryDirectory();
        Releases.WriteSignedByNewKey(dir.File("r1"), dir.File("release.pub"), Releases.PolicyList(
            ("pinned.dane.test", Format.Model.PolicyMode.Enforce, ["mx-pinned.dane.test"]),
            ("plain.dane.test", Format.Model.PolicyMode.Enforce, ["mx-plain.dane.test"])));
        string[] common = ["--public-key", dir.File("release.pub"), "--state-dir", dir.File("state")];
        Assert.Equal(0, ExternalTool.Run(binary, ["update", "--source", dir.File("r1"), .. common]).ExitCode);

        var export = ExternalTool.Run(binary, ["export", "postfix", .. common, "--dane", "--dns-server", ProbeFixtures.Resolver.ToString()]);

        Assert.True(export.ExitCode == 0, export.Output);
        Assert.Contains("pinned.dane.test\tdane-only\n", export.Output);
        Assert.Contains("plain.dane.test\tsecure match=mx-plain.dane.test servername=hostname\n", export.Output);
        Assert.Contains("dane: 1 of 2 enforced domains", export.Output);
    }

    [Fact]
    public void TheReadmesCronLineRunsWithCronsEnvironment()
    {
        string binary = Binary();
        using var dir = new TemporaryDirectory();
        Releases.WriteSignedByNewKey(dir.File("r1"), dir.File("release.pub"), Releases.SmallList());

        // The line as the README writes it, with this machine's places for the binary, the source, the key, the map and
        // the state, and a reload that leaves a trace instead of reloading a Postfix that is not this test's.
        string line = File.ReadAllLines(TestFiles.ConsumerDoc).Single(l => l.StartsWith("17 */6 * * * root ", StringComparison.Ordinal));
        string command = line["17 */6 * * * root ".Length..]
            .Replace("/usr/bin/starttls-policy", binary, StringComparison.Ordinal)
            .Replace("https://github.com/OWNER/NAME/releases/latest/download", dir.File("r1"), StringComparison.Ordinal)
            .Replace("/etc/starttls-policy/release.pub", dir.File("release.pub"), StringComparison.Ordinal)
            .Replace("/etc/postfix/starttls-policy", dir.File("map"), StringComparison.Ordinal)
            .Replace("'/usr/sbin/postfix reload'", $"'touch {dir.File("reloaded")}'", StringComparison.Ordinal)
            + $" --state-dir {dir.File("state")}";
        Assert.DoesNotContain("OWNER", command, StringComparison.Ordinal);
        Directory.CreateDirectory(dir.File("state"));

        var (code, output) = ExternalTool.Run("/usr/bin/env", ["-i", "PATH=/usr/bin:/bin", "/bin/sh", "-c", command]);

        Assert.True(code == 0, $"{command}\n{output}");
        Assert.True(output.Length == 0, $"cron mails whatever a job prints, and all was well: {output}");
        Assert.True(File.Exists(dir.File("reloaded")), "the reload command did not run");
        Assert.Equal((0, "secure match=mx1.enforced.example:.mail.enforced.example servername=hostname\n"), ExternalTool.Run("postmap", ["-q", "enforced.example", dir.File("map")]));

        // Every way a child can fail is a refusal with its code, never a crash.
        var missing = ExternalTool.Run("/usr/bin/env", ["-i", "PATH=/usr/bin:/bin", binary, "update", "--source", dir.File("r1"), "--public-key", dir.File("release.pub"),
            "--state-dir", dir.File("state2"), "--postfix-map", dir.File("map2"), "--postmap", "--postmap-path", "/nonexistent/postmap"]);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("refused (state.write_failed): --postmap-path /nonexistent/postmap", missing.Output);
        string[] update = ["-i", "PATH=/usr/bin:/bin", binary, "update", "--source", dir.File("r1"), "--public-key", dir.File("release.pub"), "--state-dir", dir.File("state3"), "--postfix-map", dir.File("map3")];

        // As cron runs it, "postfix reload" is not found: the map is written, the reload failed, and the next run retries it.
        var failing = ExternalTool.Run("/usr/bin/env", [.. update, "--reload", "postfix reload"]);
        Assert.Equal(1, failing.ExitCode);
        Assert.Contains("the map is written, but the reload failed (state.reload_failed): --reload postfix reload exited with 127", failing.Output);
        Assert.DoesNotContain("kept", failing.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(dir.File("map3")), "the map was not written");
        var retried = ExternalTool.Run("/usr/bin/env", [.. update, "--reload", $"touch {dir.File("reloaded3")}"]);
        Assert.True(retried.ExitCode == 0, retried.Output);
        Assert.True(File.Exists(dir.File("reloaded3")), "the pending reload was not retried although the map did not change");
        Assert.Contains("reloaded:", retried.Output);
        var settled = ExternalTool.Run("/usr/bin/env", [.. update, "--reload", "exit 9", "--quiet"]);
        Assert.Equal((0, string.Empty), settled);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void ADirectoryOthersCanWriteIsRefused()
    {
        using var dir = new TemporaryDirectory();
        Releases.WriteSignedByNewKey(dir.File("r1"), dir.File("release.pub"), Releases.SmallList());
        Directory.CreateDirectory(dir.File("open"));
        File.SetUnixFileMode(dir.File("open"), (UnixFileMode)0x1ff);

        var state = ExternalTool.Run(Binary(), ["update", "--source", dir.File("r1"), "--public-key", dir.File("release.pub"), "--state-dir", dir.File("open")]);
        var map = ExternalTool.Run(Binary(), ["update", "--source", dir.File("r1"), "--public-key", dir.File("release.pub"), "--state-dir", dir.File("state"), "--postfix-map", dir.File("open/map")]);

        Assert.Equal(1, state.ExitCode);
        Assert.Contains($"refused (state.unsafe_directory): the state directory {dir.File("open")} is writable by other users (mode 777)", state.Output);
        Assert.Equal(1, map.ExitCode);
        Assert.Contains($"refused (state.unsafe_directory): the map's directory {dir.File("open")} is writable by other users", map.Output);
        Assert.False(File.Exists(dir.File("open/map")));
    }

    [Fact]
    public void EveryFailureAnAdminMeetsIsToldInWordsNotResourceKeysOrExceptionChains()
    {
        string binary = Binary();
        using var dir = new TemporaryDirectory();
        Releases.WriteSignedByNewKey(dir.File("r1"), dir.File("release.pub"), Releases.SmallList());
        string[] update = ["update", "--public-key", dir.File("release.pub"), "--state-dir", dir.File("state"), "--postfix-map", dir.File("map")];

        // A release whose signed list is not JSON: refused with its code, never a crash of the native binary.
        using (var key = MinisignSecretKey.Generate())
        {
            ReleaseWriter.Write(dir.File("broken"), "{\"timestamp\": \"2026-"u8.ToArray(), 1, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(13), key);
            File.WriteAllText(dir.File("broken.pub"), key.PublicKey.ToText());
        }

        var cases = new (string[] Arguments, int Exit, string Said)[]
        {
            ([.. update, "--source", dir.File("missing")], 1, "release.fetch.failed"),
            (["update", "--public-key", dir.File("broken.pub"), "--state-dir", dir.File("state-broken"), "--postfix-map", dir.File("map"), "--source", dir.File("broken")], 1, "release.list.invalid"),
            ([.. update, "--source", $"{ProbeFixtures.ReleasesUrl.TrimEnd('/')}/nothing-here/"], 1, "release.fetch.failed"),
            ([.. update, "--source", dir.File("r1"), "--ca-file", dir.File("no-such-ca.pem")], 2, "--ca-file"),
            ([.. update, "--source", "https://github.com/OWNER/NAME/releases/latest/download"], 2, "OWNER/NAME is a placeholder"),
            (["verify", "--public-key", dir.File("no-such.pub"), "--state-dir", dir.File("state")], 2, "no-such.pub"),
            (["export", "postfix", "--public-key", dir.File("release.pub"), "--state-dir", dir.File("empty-state")], 1, "starttls-policy:"),
            (["serve", "--socketmap", "inet:127.0.0.1:1", "--public-key", dir.File("release.pub"), "--state-dir", dir.File("state"), "--override", dir.File("no-overrides")], 1, "no-overrides"),
        };

        foreach (var (arguments, exit, said) in cases)
        {
            var (code, output) = ExternalTool.Run(binary, arguments);
            string shown = $"starttls-policy {string.Join(' ', arguments)}\n{output}";
            Assert.True(code == exit, $"exit {code}, not {exit}: {shown}");
            Assert.True(output.Contains(said, StringComparison.Ordinal), $"does not say {said}: {shown}");
            Assert.True(!ResourceKey().IsMatch(output), $"a .NET resource key: {shown}");
            Assert.True(!output.Contains("inner exception", StringComparison.OrdinalIgnoreCase) && !output.Contains("   at ", StringComparison.Ordinal), $"an exception chain or stack: {shown}");
        }
    }

    // net_http_ssl_connection_failed, IO_FileNotFound_FileName, UnauthorizedAccess_IODenied_Path: words joined by two or more underscores,
    // not in a path, with a lower-case letter (an environment variable such as STARTTLS_POLICY_SOURCE is the admin's to set).
    [System.Text.RegularExpressions.GeneratedRegex(@"(?<![/\w.-])(?=[A-Za-z_]*[a-z])[A-Za-z]+(_[A-Za-z]+){2,}\b")]
    private static partial System.Text.RegularExpressions.Regex ResourceKey();

    private static string Binary() =>
        Environment.GetEnvironmentVariable("POLICYCURATION_CONSUMER_AOT") is { Length: > 0 } path && File.Exists(path)
            ? path
            : throw new InvalidOperationException("the NativeAOT consumer is not published: tools/test.sh publishes it and sets POLICYCURATION_CONSUMER_AOT");
}
