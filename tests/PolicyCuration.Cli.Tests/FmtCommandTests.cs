using PolicyCuration.Testing;
using static PolicyCuration.Cli.Tests.PolicyCtlRunner;

namespace PolicyCuration.Cli.Tests;

public sealed class FmtCommandTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new();

    [Fact]
    public void RewritesEffsListInCanonicalFormThenFindsNothingToDo()
    {
        string path = _dir.File("eff.json");
        File.Copy(TestFiles.EffList, path);

        var check = Run("fmt", path, "--check", "--schema", TestFiles.Schema);
        Assert.Equal(1, check.ExitCode);
        Assert.Contains("error list.not_canonical", check.Output, StringComparison.Ordinal);
        Assert.Contains($"To fix: policyctl fmt {path}", check.Output, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(TestFiles.EffList), File.ReadAllBytes(path));

        Assert.Equal(0, Run("fmt", path, "--schema", TestFiles.Schema).ExitCode);
        Assert.Equal(0, Run("fmt", path, "--check", "--schema", TestFiles.Schema).ExitCode);
        Assert.Contains("already canonical", Run("fmt", path, "--schema", TestFiles.Schema).Output, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.tmp"));
    }

    [Fact]
    public void LeavesAFileWithErrorsUntouched()
    {
        string path = _dir.File("bad.json");
        File.Copy(Path.Combine(TestFiles.HostileCorpus, "alias-and-mode.json"), path);
        byte[] before = File.ReadAllBytes(path);

        var (code, output, _) = Run("fmt", path, "--schema", TestFiles.Schema);

        Assert.Equal(1, code);
        Assert.Contains("schema.policy_shape", output, StringComparison.Ordinal);
        Assert.Contains("not formatted", output, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void TheRepositorysListIsCanonical() =>
        Assert.Equal(0, Run("fmt", TestFiles.PolicyList, "--check", "--schema", TestFiles.Schema).ExitCode);

    public void Dispose() => _dir.Dispose();
}
