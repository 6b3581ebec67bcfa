using System.Text.Json;
using PolicyCuration.Testing;

namespace PolicyCuration.Cli.Tests;

[Trait("Needs", "fixtures")]
public sealed class EditCommandTests : IDisposable
{
    private readonly TemporaryDirectory dir = new();

    public EditCommandTests() => File.Copy(TestFiles.PolicyList, List);

    private string List => dir.File("policy.json");

    public void Dispose() => dir.Dispose();

    [Fact]
    public void AddFromMtaStsTakesItsPatternsAndEnforcesWhenThePolicyQualifies()
    {
        var (code, output, error) = Edit("add", "valid.probe.test", "--from-mta-sts");

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("added valid.probe.test: mode enforce, mxs [\"mx.valid.probe.test\", \".valid.probe.test\"]", output);
        Assert.Contains("_starttls-policy.valid.probe.test. IN TXT", output);
        var entry = Entry("valid.probe.test");
        Assert.Equal("enforce", entry.GetProperty("mode").GetString());
        Assert.Equal(ExitCodes.Ok, PolicyCtlRunner.Run("fmt", List, "--check").ExitCode);
    }

    [Fact]
    public void AddWithoutMtaStsStartsInTestingWithTheMxNames()
    {
        var (code, _, error) = Edit("add", "wildcard.probe.test");

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Equal("testing", Entry("wildcard.probe.test").GetProperty("mode").GetString());
        Assert.Equal(["mx1.wildcard.probe.test"], Entry("wildcard.probe.test").GetProperty("mxs").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public void AddRefusesADomainThatFailsTheProbeAndLeavesTheListAlone()
    {
        byte[] before = File.ReadAllBytes(List);

        var (code, _, error) = Edit("add", "expired.probe.test");

        Assert.Equal(ExitCodes.Findings, code);
        Assert.Contains("tls.cert.expired", error);
        Assert.Equal(before, File.ReadAllBytes(List));
    }

    [Theory]
    [InlineData(new[] { "--mx", "mx.valid.probe.test" }, "dns.mx.unmatched")]
    [InlineData(new[] { "--mx", "mx.elsewhere.test" }, "dns.mx.unmatched")]
    [InlineData(new[] { "--mode", "enforce" }, "eligibility.enforce_without_mta_sts")]
    public void AddJudgesTheEntryItWouldWriteAsThePullRequestCheckDoes(string[] options, string code)
    {
        // valid.probe.test has two MX hosts; sts-testing.probe.test's MTA-STS policy does not enforce.
        string domain = code.StartsWith("eligibility", StringComparison.Ordinal) ? "sts-testing.probe.test" : "valid.probe.test";
        byte[] before = File.ReadAllBytes(List);

        var (exit, output, error) = Edit(["add", domain, .. options]);

        Assert.True(exit == ExitCodes.Findings, output + error);
        Assert.Contains(code, error);
        Assert.Contains("the pull request check would refuse this entry", error);
        Assert.Equal(before, File.ReadAllBytes(List));
    }

    [Fact]
    public void AddWithoutAProbeSaysSoAndTheNextStepsSayToRunTheCheckFirst()
    {
        var (code, output, error) = Edit("add", "wildcard.probe.test", "--no-probe", "--mx", "mx1.wildcard.probe.test");

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("not probed", error);
        Assert.Contains("policyctl check-pr --base origin/main --head HEAD", output);
    }

    [Fact]
    public void AddTakesExplicitPatternsAndRefusesAListedDomain()
    {
        var (code, _, error) = Edit("add", "wildcard.probe.test", "--mx", ".wildcard.probe.test");
        var again = Edit("add", "wildcard.probe.test");

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Equal([".wildcard.probe.test"], Entry("wildcard.probe.test").GetProperty("mxs").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(ExitCodes.Usage, again.ExitCode);
        Assert.Contains("already in", again.Error);
    }

    [Fact]
    public void RemoveTakesTheDomainOutAndSaysWhatProvesTheRemoval()
    {
        var (code, output, _) = PolicyCtlRunner.Run("remove", "yahoo.com", "--list", List);
        var missing = PolicyCtlRunner.Run("remove", "yahoo.com", "--list", List);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("_starttls-policy.yahoo.com. IN TXT", output);
        Assert.Contains("MTA-STS policy in mode none", output);
        Assert.False(Policies().TryGetProperty("yahoo.com", out _));
        Assert.Equal(ExitCodes.Usage, missing.ExitCode);
        Assert.Equal(ExitCodes.Ok, PolicyCtlRunner.Run("validate", List).ExitCode);
    }

    private (int ExitCode, string Output, string Error) Edit(params string[] args) =>
        PolicyCtlRunner.Run([.. args, "--list", List, .. ProbeFixtures.CommandLine()]);

    private JsonElement Policies() => JsonDocument.Parse(File.ReadAllBytes(List)).RootElement.GetProperty("policies");

    private JsonElement Entry(string domain) => Policies().GetProperty(domain);
}
