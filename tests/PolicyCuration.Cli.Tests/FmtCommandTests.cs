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
    public void FmtAndValidateJudgeAnUpperCaseDomainAlike()
    {
        string path = _dir.File("upper.json");
        File.WriteAllText(path, File.ReadAllText(TestFiles.EffList).Replace("\"yahoo.com\":", "\"Yahoo.com\":", StringComparison.Ordinal));

        var fmt = Run("fmt", path, "--check", "--schema", TestFiles.Schema);
        var validate = Run("validate", path, "--schema", TestFiles.Schema);

        Assert.Equal((1, 1), (fmt.ExitCode, validate.ExitCode));
        string said = "error list.domain.not_lowercase: \"Yahoo.com\" has upper-case letters; write it as \"yahoo.com\"";
        Assert.Contains(said, fmt.Output, StringComparison.Ordinal);
        Assert.Contains(said, validate.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("schema.unknown_property", fmt.Output + validate.Output, StringComparison.Ordinal);
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
