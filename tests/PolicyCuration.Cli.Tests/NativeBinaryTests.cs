using PolicyCuration.Testing;

namespace PolicyCuration.Cli.Tests;

/// <summary>The native policyctl that tools/test.sh publishes, and the managed build it hands git and GitHub commands to.</summary>
public class NativeBinaryTests
{
    private static string Published =>
        Environment.GetEnvironmentVariable("POLICYCURATION_POLICYCTL") is { Length: > 0 } path ? path : Path.Combine(TestFiles.Root, ".published", "policyctl", "policyctl");

    [Fact]
    public void ThePublishedBinaryIsNativeWithItsManagedBuildBesideIt()
    {
        Assert.True(File.Exists(Published), $"{Published} does not exist: tools/test.sh publishes it (dotnet publish src/PolicyCuration.Cli -c Release -r linux-x64)");
        string directory = Path.GetDirectoryName(Published)!;

        Assert.False(File.Exists(Path.Combine(directory, "policyctl.dll")), "the published policyctl must be native, with no assembly beside it");
        Assert.True(File.Exists(Path.Combine(directory, "managed", "policyctl.dll")), "the managed build must be in managed/");
    }

    [Fact]
    public void WithoutItsManagedBuildTheNativeBinarySaysWhereItMustBe()
    {
        Assert.True(File.Exists(Published), $"{Published} does not exist: tools/test.sh publishes it");
        string alone = Path.Combine(Path.GetTempPath(), $"policyctl-alone-{Guid.NewGuid():N}");
        Directory.CreateDirectory(alone);
        try
        {
            string binary = Path.Combine(alone, "policyctl");
            File.Copy(Published, binary);

            var handedOver = ExternalTool.RunApart(binary, ["diff", "--base", "HEAD", "--head", "HEAD"], workingDirectory: TestFiles.Root);
            var native = ExternalTool.RunApart(binary, ["validate", TestFiles.PolicyList, "--schema", TestFiles.Schema], workingDirectory: TestFiles.Root);

            Assert.Equal(2, handedOver.ExitCode);
            Assert.Contains($"needs its managed build at {Path.Combine(alone, "managed", "policyctl")}", handedOver.Error, StringComparison.Ordinal);
            Assert.Equal(0, native.ExitCode);
        }
        finally
        {
            Directory.Delete(alone, recursive: true);
        }
    }
}
