namespace PolicyCuration.Cli.Tests;

/// <summary>The help a newcomer reads first: every option states its default once.</summary>
public sealed class HelpTests
{
    [Theory]
    [InlineData("validate")]
    [InlineData("fmt")]
    [InlineData("diff")]
    [InlineData("probe")]
    [InlineData("check-pr")]
    [InlineData("pr-report")]
    [InlineData("add")]
    [InlineData("audit")]
    [InlineData("site")]
    public void NoOptionShowsTwoDefaults(string command)
    {
        var (code, output, _) = PolicyCtlRunner.Run(command, "--help");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.DoesNotMatch(@"\(default:[^\n]*\[default:", output);
    }

    [Fact]
    public void TheRootHelpGluesNoDefaultToACommandsExamples()
    {
        var (code, output, _) = PolicyCtlRunner.Run("--help");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.DoesNotContain("[default:", output, StringComparison.Ordinal);
    }
}
