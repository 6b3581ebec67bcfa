using PolicyCuration.Signing;
using PolicyCuration.Testing;

namespace PolicyCuration.Consumer.Tests;

/// <summary>The NativeAOT binary that tools/test.sh publishes: one file (and libsodium beside it) that installs, verifies and exports.</summary>
public sealed class NativeBinaryTests
{
    [Fact]
    public void TheNativeBinaryInstallsVerifiesAndExports()
    {
        string binary = Environment.GetEnvironmentVariable("POLICYCURATION_CONSUMER_AOT") is { Length: > 0 } path && File.Exists(path)
            ? path
            : throw new InvalidOperationException("the NativeAOT consumer is not published: tools/test.sh publishes it and sets POLICYCURATION_CONSUMER_AOT");
        using var dir = new TemporaryDirectory();
        using var key = MinisignSecretKey.Generate();
        File.WriteAllText(dir.File("release.pub"), key.PublicKey.ToText());
        Releases.Write(dir.File("r1"), key, 1, Releases.SmallList(), made: DateTimeOffset.UtcNow.AddMinutes(-1));
        string[] common = ["--public-key", dir.File("release.pub"), "--state-dir", dir.File("state")];

        var update = ExternalTool.Run(binary, ["update", "--source", dir.File("r1"), .. common, "--postfix-map", dir.File("map"), "--postmap"]);
        var verify = ExternalTool.Run(binary, ["verify", .. common]);
        var export = ExternalTool.Run(binary, ["export", "postfix", .. common]);

        Assert.True(update.ExitCode == 0, update.Output);
        Assert.True(verify.ExitCode == 0, verify.Output);
        Assert.Contains("enforced.example\tsecure match=mx1.enforced.example:.mail.enforced.example", export.Output);
        Assert.Equal((0, "secure match=mx1.enforced.example:.mail.enforced.example\n"), ExternalTool.Run("postmap", ["-q", "enforced.example", dir.File("map")]));
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(binary)!, "libsodium.so")), "libsodium.so is not beside the binary");
    }
}
