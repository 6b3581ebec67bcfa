using PolicyCuration.Format.Findings;
using PolicyCuration.Format.Model;
using PolicyCuration.Probe.Vantage;
using PolicyCuration.Testing;

namespace PolicyCuration.Probe.Tests;

/// <summary>The vantage's self-check (canaries, the share of a run that failed) and the politeness of a run: one session per endpoint.</summary>
[Trait("Needs", "fixtures")]
public sealed class VantageTests
{
    private static readonly CanaryOutcome Up = new("canary.test", true, "greeted");
    private static readonly CanaryOutcome Down = new("canary.test", false, "connection refused");

    /// <summary>Canaries reached of tried, endpoints, endpoints unreachable, domains, MX lookups failed, the status.</summary>
    public static TheoryData<int, int, int, int, int, int, VantageStatus> Judgements { get; } = new()
    {
        { 0, 0, 10, 0, 10, 0, VantageStatus.Unchecked },
        { 2, 2, 10, 0, 10, 0, VantageStatus.Healthy },
        { 1, 2, 10, 0, 10, 0, VantageStatus.Healthy },
        { 1, 3, 10, 0, 10, 0, VantageStatus.Unhealthy },
        { 0, 1, 0, 0, 0, 0, VantageStatus.Unhealthy },
        { 0, 4, 100, 0, 100, 0, VantageStatus.Unhealthy },

        // A fifth of the endpoints is the line, and only from 20 endpoints: one dead MX of a one-domain PR is the domain's.
        { 2, 2, 100, 20, 100, 0, VantageStatus.Healthy },
        { 2, 2, 100, 21, 100, 0, VantageStatus.Suspect },
        { 2, 2, 19, 19, 19, 0, VantageStatus.Healthy },
        { 2, 2, 20, 5, 20, 0, VantageStatus.Suspect },

        // A resolver that fails a fifth of the MX lookups is the run's problem.
        { 2, 2, 100, 0, 100, 21, VantageStatus.Suspect },
        { 2, 2, 100, 0, 100, 20, VantageStatus.Healthy },
    };

    [Theory]
    [MemberData(nameof(Judgements))]
    public void JudgesTheRun(int reached, int tried, int endpoints, int unreachable, int domains, int lookupsFailed, VantageStatus expected)
    {
        var canaries = Enumerable.Range(0, tried).Select(i => i < reached ? Up : Down).ToList();
        var health = VantageHealth.Judge("here", canaries, new ProbeStatistics(domains, lookupsFailed, endpoints, unreachable, endpoints, domains, 0));
        Assert.Equal(expected, health.Status);
        Assert.Equal(expected == VantageStatus.Healthy, health.Trusted);
        var finding = health.ToFinding("so what");
        string? code = expected switch
        {
            VantageStatus.Unhealthy => "probe.vantage.unhealthy",
            VantageStatus.Suspect => "probe.vantage.suspect",
            VantageStatus.Unchecked => "probe.vantage.unchecked",
            _ => null,
        };
        Assert.Equal(code, finding?.Code);
    }

    [Fact]
    public async Task CanariesThatAnswerMakeAHealthyVantage()
    {
        using var prober = new DomainProber(ProbeFixtures.Options());
        var report = await prober.ProbeAsync(new ProbeTarget("valid.probe.test"), CancellationToken.None);
        var health = await prober.VantageAsync();
        Assert.True(report.Passed);
        Assert.Equal(VantageStatus.Healthy, health.Status);
        Assert.Equal((2, 2), (health.CanariesReached, health.Canaries));
    }

    [Fact]
    public async Task ACanaryNobodyServesMakesTheVantageUnhealthy()
    {
        using var prober = new DomainProber(ProbeFixtures.Options() with { Canaries = Canaries.Read(ProbeFixtures.DeadCanaries) });
        await prober.ProbeAsync(new ProbeTarget("valid.probe.test"), CancellationToken.None);
        var health = await prober.VantageAsync();
        Assert.Equal(VantageStatus.Unhealthy, health.Status);
        Assert.Contains("canary-dead.probe.test", health.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APortClosedForEveryMxMakesTheVantageUnhealthyNotTheDomains()
    {
        using var prober = new DomainProber(ProbeFixtures.Options() with { SmtpPort = ProbeFixtures.ClosedPort() });
        var report = await prober.ProbeAsync(new ProbeTarget("valid.probe.test"), CancellationToken.None);
        var health = await prober.VantageAsync();
        Assert.Contains(report.Findings, f => f.Code == "smtp.connect.failed");
        Assert.Equal(VantageStatus.Unhealthy, health.Status);
        Assert.Equal(0, health.CanariesReached);
    }

    [Fact]
    public async Task TwoHundredDomainsBehindOneMxOpenOneSessionAndEachIsJudgedByItsOwnPatterns()
    {
        using var prober = new DomainProber(ProbeFixtures.Options());
        var targets = Enumerable.Range(1, 200).Select(i => new ProbeTarget(
            $"shared{i}.probe.test", PolicyMode.Enforce, [new MxPattern(i % 2 == 0 ? "mx.valid.probe.test" : ".other.test")])).ToList();
        var reports = await prober.ProbeAllAsync(targets, null, CancellationToken.None);
        var statistics = prober.Statistics;

        Assert.Equal(1, statistics.SessionsOpened);
        Assert.Equal(1, statistics.Endpoints);
        Assert.Equal(200, statistics.EndpointUses);
        Assert.All(reports.Where((_, i) => i % 2 == 1), r => Assert.True(r.Passed, string.Join("; ", r.Findings.Select(f => f.Message))));
        Assert.All(reports.Where((_, i) => i % 2 == 0), r => Assert.Contains(r.Findings, f => f.Code == "tls.cert.pattern_mismatch" && f.Severity == Severity.Error));

        // Per domain: MX, _mta-sts and _smtp._tls; the MX host's A, AAAA and TLSA once for the run (and the canaries').
        Assert.InRange(statistics.DnsQuestions, 600, 620);
    }
}

/// <summary>The one retry of a session: a busy server's refusal is asked again once, and only once.</summary>
public sealed class SessionRetryTests
{
    [Theory]
    [InlineData(1, "smtp.starttls.not_offered", 2)]
    [InlineData(5, "smtp.greeting.rejected", 2)]
    public async Task ABusyGreetingIsRetriedOnce(int busyConnections, string code, int opened)
    {
        int connections = 0;
        await using var server = new Fakes.FakeServer(async (stream, cancellation) =>
        {
            string reply = Interlocked.Increment(ref connections) <= busyConnections
                ? "421 busy, try again later\r\n"
                : "220 mx.busy.test ESMTP\r\n";
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(reply), cancellation);
            if (reply.StartsWith("421", StringComparison.Ordinal))
            {
                return;
            }

            var buffer = new byte[512];
            while (await stream.ReadAsync(buffer, cancellation) is > 0 and var read)
            {
                string command = System.Text.Encoding.ASCII.GetString(buffer, 0, read);
                string answer = command.StartsWith("EHLO", StringComparison.Ordinal) ? "250-mx.busy.test\r\n250 SIZE 1000\r\n" : "221 bye\r\n";
                await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(answer), cancellation);
                if (answer.StartsWith("221", StringComparison.Ordinal))
                {
                    return;
                }
            }
        });
        var sessions = new Smtp.EndpointSessions(new ProbeOptions { SmtpPort = server.Port, Timeout = TimeSpan.FromSeconds(5) });

        var outcome = await sessions.GetAsync("mx.busy.test", System.Net.IPAddress.Loopback, CancellationToken.None);
        var again = await sessions.GetAsync("mx.busy.test", System.Net.IPAddress.Loopback, CancellationToken.None);

        Assert.Equal([code], outcome.Findings.Select(f => f.Code));
        Assert.Same(outcome, again);
        Assert.Equal(opened, sessions.Opened);
        Assert.Equal(opened, connections);
    }
}

/// <summary>A step's timeout is kept by the probe's clock: a test's own clock decides when a silent peer has waited too long.</summary>
public sealed class StepClockTests
{
    [Fact]
    public async Task ASilentPeerTimesOutWhenTheProbesClockSaysSo()
    {
        var greeted = new TaskCompletionSource();
        await using var server = new Fakes.FakeServer(async (stream, cancellation) =>
        {
            greeted.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellation);
        });
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = new ProbeOptions { SmtpPort = server.Port, Timeout = TimeSpan.FromMinutes(5), Clock = clock };

        var session = Smtp.StartTlsSession.RunAsync("mx.silent.test", System.Net.IPAddress.Loopback, options, CancellationToken.None);
        await greeted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        Assert.False(session.IsCompleted, "the session ended before its clock reached the timeout");

        clock.Advance(TimeSpan.FromMinutes(5));
        var outcome = await session.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["smtp.greeting.timeout"], outcome.Findings.Select(f => f.Code));
        Assert.Contains("within 300 s", outcome.Findings[0].Message, StringComparison.Ordinal);
    }
}
