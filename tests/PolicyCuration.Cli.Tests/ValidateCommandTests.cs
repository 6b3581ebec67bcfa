using System.Text.Json;
using PolicyCuration.Testing;
using static PolicyCuration.Cli.Tests.PolicyCtlRunner;

namespace PolicyCuration.Cli.Tests;

public class ValidateCommandTests
{
    private const string Now = "2026-11-30T00:00:00Z";

    [Fact]
    public void TheRepositorysListIsValid()
    {
        var (code, output, _) = Run("validate", TestFiles.PolicyList, "--schema", TestFiles.Schema, "--now", Now);

        Assert.Equal(0, code);
        Assert.EndsWith("policy.json: 12 domains, 4 aliases: 0 errors, 0 warnings\n", output.Replace("\r", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void EffsListHasWarningsOnlyAndExitsZero()
    {
        var (code, output, _) = Run("validate", TestFiles.EffList, "--schema", TestFiles.Schema, "--now", Now);

        Assert.Equal(0, code);
        Assert.Contains("warning list.expired:", output, StringComparison.Ordinal);
        Assert.Contains(": 926 domains, 4 aliases: 0 errors, 10 warnings", output, StringComparison.Ordinal);
    }

    [Fact]
    public void ErrorsExitOneWithFileLineAndColumn()
    {
        var (code, output, _) = Run("validate", Path.Combine(TestFiles.HostileCorpus, "duplicate-top-key.json"), "--schema", TestFiles.Schema);

        Assert.Equal(1, code);
        Assert.Contains("duplicate-top-key.json:6:3: error json.duplicate_key: key \"author\" appears twice", output, StringComparison.Ordinal);
        Assert.Contains("1 error, 0 warnings", output, StringComparison.Ordinal);
    }

    [Fact]
    public void GitHubFormatWritesWorkflowCommands()
    {
        var (code, output, _) = Run("validate", Path.Combine(TestFiles.HostileCorpus, "mx-port.json"), "--schema", TestFiles.Schema, "--format", "github", "--now", Now);

        Assert.Equal(1, code);
        Assert.Matches(@"(?m)^::error file=[^,]*mx-port\.json,line=10,col=9,title=list\.mx\.invalid_pattern::MX pattern ""mx\.example\.org:25"" is invalid: it has a port", output);
    }

    [Fact]
    public void JsonFormatIsAnArray()
    {
        var (code, output, _) = Run("validate", Path.Combine(TestFiles.HostileCorpus, "ip-domain.json"), "--schema", TestFiles.Schema, "--format", "json", "--now", Now);

        Assert.Equal(1, code);
        using var json = JsonDocument.Parse(output);
        Assert.Contains(json.RootElement.EnumerateArray(), f => f.GetProperty("code").GetString() == "list.domain.ip_address");
    }

    [Fact]
    public void WithoutSchemaOptionUsesTheShippedSchema()
    {
        var (code, _, error) = Run("validate", TestFiles.PolicyList, "--now", Now);

        Assert.Equal(0, code);
        Assert.Empty(error);
    }

    [Theory]
    [InlineData("validate", "/nonexistent/list.json")]
    [InlineData("validate", "--format", "xml")]
    [InlineData("validate", "--now", "tomorrow")]
    [InlineData("frobnicate")]
    public void UsageErrorsAndUnreadableInputExitTwo(params string[] args)
    {
        var (code, _, error) = Run(args);

        Assert.Equal(2, code);
        Assert.StartsWith("policyctl", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingSchemaExitsTwo()
    {
        var (code, _, error) = Run("validate", TestFiles.PolicyList, "--schema", "/nonexistent/schema.json");

        Assert.Equal(2, code);
        Assert.Contains("/nonexistent/schema.json", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("validate")]
    [InlineData("fmt")]
    [InlineData("diff")]
    public void EveryCommandHasHelpWithAnExample(string command)
    {
        var (code, output, _) = Run(command, "--help");

        Assert.Equal(0, code);
        Assert.Contains("Example", output, StringComparison.Ordinal);
        Assert.Contains($"policyctl {command}", output, StringComparison.Ordinal);
    }
}
