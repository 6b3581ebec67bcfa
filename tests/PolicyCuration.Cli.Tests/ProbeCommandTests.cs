using System.Text.Json;
using PolicyCuration.Testing;

namespace PolicyCuration.Cli.Tests;

[Trait("Needs", "fixtures")]
public sealed class ProbeCommandTests
{
    [Fact]
    public void AHealthyDomainExitsZeroWithItsTableRow()
    {
        var (code, output, error) = Probe("valid.probe.test");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.StartsWith("vantage local: healthy: 2 of 2 canaries greeted", error);
        Assert.Contains("sessions: 1 domains, 2 SMTP sessions to 2 endpoints (used 2 times)", error);
        Assert.Contains("valid.probe.test: passed", output);
        Assert.Contains("an entry would need: mode enforce, mxs [\"mx.valid.probe.test\", \".valid.probe.test\"]", output);
        Assert.Matches(@"valid\.probe\.test\s+mx\.valid\.probe\.test\s+127\.0\.10\.11\s+TLSv1\.[23]\s+.*\s+ok", output);
        Assert.Contains("1 domain probed: 1 passed, 0 failed", output);
    }

    [Fact]
    public void FromAHostThatCannotReachItsCanariesAFailureIsInconclusive()
    {
        string[] fixtures = ProbeFixtures.CommandLine();
        fixtures[Array.IndexOf(fixtures, "--canaries") + 1] = ProbeFixtures.DeadCanaries;

        var (code, output, error) = PolicyCtlRunner.Run(["probe", "selfsigned.probe.test", .. fixtures]);

        Assert.Equal(ExitCodes.Inconclusive, code);
        Assert.Contains("selfsigned.probe.test: FAILED", output);
        Assert.Contains("vantage: error probe.vantage.unhealthy: THE PROBING HOST local IS UNHEALTHY (1 of 1 canaries could not be reached (canary-dead.probe.test: ", error);
    }

    [Fact]
    public void AnErrorFindingExitsOne()
    {
        var (code, output, _) = Probe("valid.probe.test", "expired.probe.test");

        Assert.Equal(ExitCodes.Findings, code);
        Assert.Contains("expired.probe.test: FAILED", output);
        Assert.Contains("error tls.cert.expired:", output);
        Assert.Contains("2 domains probed: 1 passed, 1 failed", output);
    }

    [Fact]
    public void JsonReportsEachDomainWithItsHostsAndFindings()
    {
        var (code, output, _) = Probe("multi.probe.test", "--format", "json");

        Assert.Equal(ExitCodes.Findings, code);
        using var json = JsonDocument.Parse(output);
        var report = Assert.Single(json.RootElement.EnumerateArray().ToList());
        Assert.Equal("multi.probe.test", report.GetProperty("domain").GetString());
        Assert.False(report.GetProperty("passed").GetBoolean());
        var hosts = report.GetProperty("hosts").EnumerateArray().ToList();
        Assert.Equal(["mx.valid.probe.test", "mx.selfsigned.probe.test"], hosts.Select(h => h.GetProperty("host").GetString()));
        Assert.Equal("tls.cert.untrusted", hosts[1].GetProperty("findings")[0].GetProperty("code").GetString());
        Assert.Equal(JsonValueKind.Null, report.GetProperty("entry").ValueKind);
    }

    [Fact]
    public void WithAListEachDomainIsJudgedAgainstItsEntry()
    {
        using var dir = new TemporaryDirectory();
        string list = dir.File("policy.json");
        File.WriteAllText(list, """
            {
              "expires": "2026-12-12T00:00:00+00:00",
              "policies": {
                "sts-testing.probe.test": {"mode": "enforce", "mxs": ["mx.valid.probe.test"]},
                "valid.probe.test": {"policy-alias": "elsewhere"}
              },
              "policy-aliases": {
                "elsewhere": {"mode": "testing", "mxs": [".elsewhere.test"]}
              },
              "timestamp": "2026-11-28T00:00:00+00:00",
              "version": "0.1"
            }
            """);

        var (code, output, _) = Probe("--list", list, "--format", "json");

        Assert.Equal(ExitCodes.Findings, code);
        using var json = JsonDocument.Parse(output);
        var reports = json.RootElement.EnumerateArray().ToDictionary(r => r.GetProperty("domain").GetString()!);
        Assert.Equal(["sts-testing.probe.test", "valid.probe.test"], reports.Keys.Order());
        Assert.Equal(".elsewhere.test", reports["valid.probe.test"].GetProperty("entry").GetProperty("mxs")[0].GetString());
        Assert.Contains(Codes(reports["valid.probe.test"]), c => c == "dns.mx.unmatched");
        Assert.Contains(Codes(reports["valid.probe.test"]), c => c == "tls.cert.pattern_mismatch");
        Assert.Contains(Codes(reports["sts-testing.probe.test"]), c => c == "mtasts.policy.mode_mismatch");
    }

    [Theory]
    [InlineData("no domain", new string[0], "name at least one DOMAIN")]
    [InlineData("bad dns", new[] { "x.test", "--dns", "dns.example:53" }, "--dns dns.example:53")]
    [InlineData("bad port", new[] { "x.test", "--smtp-port", "70000" }, "--smtp-port 70000")]
    [InlineData("bad timeout", new[] { "x.test", "--timeout", "0" }, "--timeout 0")]
    [InlineData("bad concurrency", new[] { "x.test", "--concurrency", "0" }, "--concurrency 0")]
    [InlineData("bad domain", new[] { "not a domain" }, "is not a domain name")]
    [InlineData("missing ca", new[] { "x.test", "--ca-file", "/nonexistent/ca.pem" }, "/nonexistent/ca.pem")]
    public void UsageErrorsExitTwoAndSayWhy(string _, string[] args, string message)
    {
        var (code, output, error) = PolicyCtlRunner.Run(["probe", .. args]);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal(string.Empty, output);
        Assert.Contains(message, error);
    }

    [Fact]
    public void ADomainWithoutAnEntryInTheListIsAUsageError()
    {
        using var dir = new TemporaryDirectory();
        string list = dir.File("policy.json");
        File.WriteAllText(list, """{"expires": "2026-12-12T00:00:00+00:00", "policies": {}, "timestamp": "2026-11-28T00:00:00+00:00", "version": "0.1"}""");

        var (code, _, error) = Probe("valid.probe.test", "--list", list);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("valid.probe.test has no entry in", error);
    }

    private static (int ExitCode, string Output, string Error) Probe(params string[] args) =>
        PolicyCtlRunner.Run(["probe", .. args, .. ProbeFixtures.CommandLine()]);

    private static IEnumerable<string> Codes(JsonElement report) =>
        report.GetProperty("findings").EnumerateArray()
            .Concat(report.GetProperty("hosts").EnumerateArray().SelectMany(h => h.GetProperty("findings").EnumerateArray()))
            .Select(f => f.GetProperty("code").GetString()!);
}
