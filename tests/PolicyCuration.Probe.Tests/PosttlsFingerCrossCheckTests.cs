using System.Diagnostics;
using System.Net;
using PolicyCuration.Probe.Smtp;
using PolicyCuration.Testing;

namespace PolicyCuration.Probe.Tests;

/// <summary>
/// Our TLS and certificate verdict on each Postfix fixture, side by side with Postfix's own posttls-finger at the
/// secure level with the same CA: both must pass or both must fail.
/// </summary>
[Trait("Needs", "fixtures")]
public sealed class PosttlsFingerCrossCheckTests
{
    private const string PosttlsFinger = "/usr/sbin/posttls-finger";

    public static TheoryData<string, string> PostfixHosts { get; } = new()
    {
        { "mx.valid.probe.test", "127.0.10.11" },
        { "mx.selfsigned.probe.test", "127.0.10.12" },
        { "mx.expired.probe.test", "127.0.10.13" },
        { "mx.wrongname.probe.test", "127.0.10.14" },
        { "mx.nostarttls.probe.test", "127.0.10.15" },
        { "mx.slow.probe.test", "127.0.10.16" },
        { "mx.oldtls.probe.test", "127.0.10.17" },
        { "mx.soon.probe.test", "127.0.10.18" },
        { "mx.future.probe.test", "127.0.10.19" },
        { "mx1.wildcard.probe.test", "127.0.10.20" },
    };

    [Theory]
    [MemberData(nameof(PostfixHosts))]
    public async Task OurVerdictAgreesWithPosttlsFinger(string host, string address)
    {
        var ours = StartTlsSession.RunAsync(host, IPAddress.Parse(address), ProbeFixtures.Options(timeoutSeconds: 15), CancellationToken.None);
        var theirs = PosttlsFingerVerdictAsync(host, address);

        var outcome = await ours;
        var (verified, transcript) = await theirs;

        bool passed = outcome.Findings.All(f => f.Severity != Format.Findings.Severity.Error);
        Assert.True(
            passed == verified,
            $"{host}: we say {(passed ? "pass" : "fail")} ({string.Join("; ", outcome.Findings.Select(f => f.Code))}), posttls-finger says {(verified ? "verified" : "not verified")}:\n{transcript}");
    }

    private static async Task<(bool Verified, string Transcript)> PosttlsFingerVerdictAsync(string host, string address)
    {
        if (!File.Exists(PosttlsFinger))
        {
            throw new InvalidOperationException($"{PosttlsFinger} is missing: install Debian's postfix package (tools/fixtures/start.sh does)");
        }

        var start = new ProcessStartInfo(PosttlsFinger)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in new[] { "-c", "-l", "secure", "-F", ProbeFixtures.CaFile, "-t", "15", $"[{address}]:{ProbeFixtures.SmtpPort}", host })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(bound.Token);
        string transcript = await output + await error;
        return (transcript.Contains("Verified TLS connection established", StringComparison.Ordinal), transcript);
    }
}
