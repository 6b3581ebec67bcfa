using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using PolicyCuration.Probe.Dns;
using PolicyCuration.Probe.MtaSts;
using PolicyCuration.Probe.Smtp;
using PolicyCuration.Probe.Tests.Fakes;
using PolicyCuration.Testing;

namespace PolicyCuration.Probe.Tests;

/// <summary>Peers no real server can be configured to be: each must end in its finding within the timeout, with bounded memory.</summary>
[Trait("Needs", "fixtures")]
[Collection(nameof(HostilePeerTests))]
[CollectionDefinition(nameof(HostilePeerTests), DisableParallelization = true)]
public sealed class HostilePeerTests
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(1.5);

    // The whole probe may take a few steps (connect, greeting, EHLO, STARTTLS, handshake, a version sounding).
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(12);

    /// <summary>Script name and the code it must produce.</summary>
    public static TheoryData<string, string> SmtpCases { get; } = new()
    {
        { "silent", "smtp.greeting.timeout" },
        { "drip", "smtp.greeting.timeout" },
        { "huge-greeting", "smtp.reply.oversized" },
        { "endless-continuation", "smtp.reply.oversized" },
        { "not-smtp", "smtp.reply.malformed" },
        { "mixed-codes", "smtp.reply.malformed" },
        { "greeting-554", "smtp.greeting.rejected" },
        { "ehlo-550", "smtp.ehlo.failed" },
        { "ehlo-silent", "smtp.reply.timeout" },
        { "close-after-greeting", "smtp.connection.lost" },
        { "starttls-454", "smtp.starttls.rejected" },
        { "tls-garbage", "tls.handshake.failed" },
        { "reset-after-starttls", "tls.handshake.failed" },
    };

    [Theory]
    [MemberData(nameof(SmtpCases))]
    public async Task HostileSmtpPeerEndsInItsFindingWithinTheTimeout(string script, string code)
    {
        await using var server = new FakeServer(SmtpScript(script));
        var options = new ProbeOptions { SmtpPort = server.Port, Timeout = StepTimeout };
        var clock = Stopwatch.StartNew();

        var outcome = await StartTlsSession.RunAsync("mx.hostile.test", IPAddress.Loopback, options, CancellationToken.None);

        // Its finding and no other: a session that failed one step must not go on to fail the next.
        Assert.True(
            outcome.Findings.Select(f => f.Code).SequenceEqual([code]),
            $"{script}: expected {code} alone, found {string.Join("; ", outcome.Findings.Select(f => $"{f.Code}: {f.Message}"))}");
        Assert.True(clock.Elapsed < Bound, $"{script}: took {clock.Elapsed}");
    }

    [Theory]
    [InlineData("huge-greeting")]
    [InlineData("endless-continuation")]
    public async Task AFloodingPeerCostsOneBufferNotItsFlood(string script)
    {
        await using var server = new FakeServer(SmtpScript(script));
        var options = new ProbeOptions { SmtpPort = server.Port, Timeout = TimeSpan.FromSeconds(5) };
        await StartTlsSession.RunAsync("mx.hostile.test", IPAddress.Loopback, options, CancellationToken.None);
        long before = GC.GetTotalAllocatedBytes(precise: true);

        await StartTlsSession.RunAsync("mx.hostile.test", IPAddress.Loopback, options, CancellationToken.None);

        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.True(allocated < 2 * 1024 * 1024, $"{script}: probing allocated {allocated} bytes against a 10 MB flood");
    }

    [Fact]
    public async Task ManySessionsToASilentAddressCostOneTimeoutNotOneEach()
    {
        await using var server = new FakeServer(SmtpScript("silent"));
        var options = new ProbeOptions { SmtpPort = server.Port, Timeout = StepTimeout };
        var gate = new AddressGate(sessionsPerAddress: 8);
        var clock = Stopwatch.StartNew();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 60).Select(i =>
            StartTlsSession.RunAsync($"mx{i}.hostile.test", IPAddress.Loopback, options, CancellationToken.None, gate)));

        Assert.All(outcomes, o => Assert.Equal(["smtp.greeting.timeout"], o.Findings.Select(f => f.Code)));
        Assert.Contains(outcomes, o => o.Findings[0].Message.EndsWith("not tried again", StringComparison.Ordinal));

        // Eight at a time, each waiting its own timeout, would take 8 timeouts.
        Assert.True(clock.Elapsed < 3 * StepTimeout, $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task NoMoreSessionsHoldOneAddressThanTheGateAllows()
    {
        var gate = new AddressGate(sessionsPerAddress: 4);
        var address = new IPEndPoint(IPAddress.Loopback, 25);
        var other = new IPEndPoint(IPAddress.Loopback, 26);
        int held = 0, most = 0, heldOther = 0, mostOther = 0;

        await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            bool first = i % 2 == 0;
            using var lease = await gate.EnterAsync(first ? address : other, CancellationToken.None);
            InterlockedMax(ref first ? ref most : ref mostOther, Interlocked.Increment(ref first ? ref held : ref heldOther));
            await Task.Delay(20);
            Interlocked.Decrement(ref first ? ref held : ref heldOther);
        }));

        Assert.Equal(4, most);
        Assert.Equal(4, mostOther);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        for (int seen = Volatile.Read(ref target); value > seen; seen = Volatile.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, seen) == seen)
            {
                return;
            }
        }
    }

    [Theory]
    [InlineData("silent", "dns.mx.lookup_failed")]
    [InlineData("servfail", "dns.mx.lookup_failed")]
    [InlineData("cname-loop", "dns.cname.loop")]
    [InlineData("cname-loop-across-queries", "dns.cname.loop")]
    [InlineData("thousand-mx", "dns.mx.too_many")]
    [InlineData("address-servfail", "dns.address.lookup_failed")]
    [InlineData("mta-sts-servfail", "mtasts.txt.lookup_failed")]
    public async Task HostileDnsEndsInItsFindingWithinTheTimeout(string script, string code)
    {
        await using var dns = new FakeDnsServer(DnsScript(script));
        using var prober = new DomainProber(new ProbeOptions
        {
            DnsServer = dns.EndPoint,
            SmtpPort = ClosedPort(),
            Timeout = StepTimeout,
            AllowPrivateAddresses = true,
        });
        var clock = Stopwatch.StartNew();

        var report = await prober.ProbeAsync(new ProbeTarget("hostile.test"), CancellationToken.None);

        Assert.True(report.Findings.Any(f => f.Code == code), $"{script}: expected {code}, found {string.Join("; ", report.Findings.Select(f => $"{f.Code}: {f.Message}"))}");
        Assert.True(clock.Elapsed < Bound, $"{script}: took {clock.Elapsed}");
    }

    [Fact]
    public async Task AThousandMxRecordsAreCutToTheProbedMaximum()
    {
        await using var dns = new FakeDnsServer(DnsScript("thousand-mx"));
        using var prober = new DomainProber(new ProbeOptions { DnsServer = dns.EndPoint, SmtpPort = ClosedPort(), Timeout = StepTimeout, AllowPrivateAddresses = true });

        var report = await prober.ProbeAsync(new ProbeTarget("hostile.test"), CancellationToken.None);

        Assert.Equal(1000, report.Mx.Count);
        Assert.Equal(new ProbeOptions().MaxMxHosts, report.Hosts.Count);
        Assert.All(report.Hosts, h => Assert.Contains(h.Findings, f => f.Code == "smtp.connect.failed"));
    }

    [Fact]
    public async Task AnMtaStsServerThatDripsItsBodyEndsWithinTheTimeout()
    {
        await using var https = new FakeServer(HttpsScript("mtasts", drip: true));
        var (fetcher, dns) = await FetcherAsync(https.Port);
        await using var _ = dns;
        using var __ = fetcher;
        var clock = Stopwatch.StartNew();

        var fetch = await fetcher.FetchAsync("sts-valid.probe.test", CancellationToken.None);

        var finding = Assert.Single(fetch.Findings);
        Assert.Equal("mtasts.policy.fetch_failed", finding.Code);
        Assert.Contains("no complete answer", finding.Message);
        Assert.True(clock.Elapsed < Bound, $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task AnMtaStsServerWithAnUntrustedCertificateIsRefused()
    {
        await using var https = new FakeServer(HttpsScript("selfsigned", drip: false));
        var (fetcher, dns) = await FetcherAsync(https.Port);
        await using var _ = dns;
        using var __ = fetcher;

        var fetch = await fetcher.FetchAsync("sts-valid.probe.test", CancellationToken.None);

        var finding = Assert.Single(fetch.Findings);
        Assert.Equal("mtasts.policy.fetch_failed", finding.Code);
        Assert.Contains("certificate refused", finding.Message);
        Assert.Null(fetch.Policy);
    }

    [Fact]
    public async Task AnMtaStsServerWithAGoodCertificateServesItsPolicy()
    {
        await using var https = new FakeServer(HttpsScript("mtasts", drip: false));
        var (fetcher, dns) = await FetcherAsync(https.Port);
        await using var _ = dns;
        using var __ = fetcher;

        var fetch = await fetcher.FetchAsync("sts-valid.probe.test", CancellationToken.None);

        Assert.Empty(fetch.Findings);
        Assert.Equal("testing", fetch.Policy?.Mode);
    }

    private static async Task<(MtaStsFetcher Fetcher, FakeDnsServer Dns)> FetcherAsync(int httpsPort)
    {
        var dns = new FakeDnsServer((name, type) => type == FakeRecord.TypeA ? FakeAnswer.With(FakeRecord.A(name, "127.0.0.1")) : FakeAnswer.Empty);
        var options = ProbeFixtures.Options() with { DnsServer = dns.EndPoint, HttpsPort = httpsPort, Timeout = StepTimeout };
        await Task.Yield();
        return (new MtaStsFetcher(new MailDns(dns.EndPoint, StepTimeout), options), dns);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Func<string, ushort, FakeAnswer?> DnsScript(string script) => (name, type) => (script, name, type) switch
    {
        ("silent", _, _) => null,
        ("servfail", _, FakeRecord.TypeMx) => new FakeAnswer(FakeAnswer.ServFail, []),
        ("cname-loop", "hostile.test", _) => FakeAnswer.With(FakeRecord.Cname("hostile.test", "a.hostile.test"), FakeRecord.Cname("a.hostile.test", "hostile.test")),
        ("cname-loop-across-queries", "hostile.test", _) => FakeAnswer.With(FakeRecord.Cname("hostile.test", "b.hostile.test")),
        ("cname-loop-across-queries", "b.hostile.test", _) => FakeAnswer.With(FakeRecord.Cname("b.hostile.test", "hostile.test")),
        ("thousand-mx", "hostile.test", FakeRecord.TypeMx) => FakeAnswer.With([.. Enumerable.Range(0, 1000).Select(i => FakeRecord.Mx("hostile.test", 10, $"mx{i:0000}.hostile.test"))]),
        ("address-servfail" or "mta-sts-servfail", "hostile.test", FakeRecord.TypeMx) => FakeAnswer.With(FakeRecord.Mx("hostile.test", 10, "mx.hostile.test")),
        ("address-servfail", "mx.hostile.test", FakeRecord.TypeA) => new FakeAnswer(FakeAnswer.ServFail, []),
        ("mta-sts-servfail", "_mta-sts.hostile.test", _) => new FakeAnswer(FakeAnswer.ServFail, []),
        (_, _, FakeRecord.TypeA) when name.StartsWith("mx", StringComparison.Ordinal) => FakeAnswer.With(FakeRecord.A(name, "127.0.0.1")),
        _ => FakeAnswer.Empty,
    };

    private static Func<NetworkStream, CancellationToken, Task> SmtpScript(string script) => async (stream, stop) =>
    {
        async Task Say(string text) => await stream.WriteAsync(Encoding.ASCII.GetBytes(text), stop);

        switch (script)
        {
            case "silent":
                await Task.Delay(Timeout.Infinite, stop);
                break;
            case "drip":
                foreach (char c in "220-slowly\r\n".ToCharArray().Concat(Enumerable.Repeat('x', 1000)))
                {
                    await Say(c.ToString());
                    await Task.Delay(TimeSpan.FromSeconds(1), stop);
                }

                break;
            case "huge-greeting":
                var chunk = Encoding.ASCII.GetBytes("220 " + new string('x', 65532));
                for (int sent = 0; sent < 10 * 1024 * 1024; sent += chunk.Length)
                {
                    await stream.WriteAsync(chunk, stop);
                }

                break;
            case "endless-continuation":
                var lines = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("220-and more\r\n", 4096)));
                for (int sent = 0; sent < 10 * 1024 * 1024; sent += lines.Length)
                {
                    await stream.WriteAsync(lines, stop);
                }

                break;
            case "not-smtp":
                await Say("HTTP/1.1 400 Bad Request\r\n\r\n");
                break;
            case "mixed-codes":
                await Say("220-first\r\n250 second\r\n");
                break;
            case "greeting-554":
                await Say("554 5.7.1 no service for you\r\n");
                break;
            default:
                await Say("220 mx.hostile.test ESMTP\r\n");
                await ConverseAsync(stream, script, Say, stop);
                break;
        }
    };

    private static async Task ConverseAsync(NetworkStream stream, string script, Func<string, Task> say, CancellationToken stop)
    {
        if (script == "close-after-greeting")
        {
            return;
        }

        await ReadLineAsync(stream, stop);
        switch (script)
        {
            case "ehlo-550":
                await say("550 5.7.1 go away\r\n");
                return;
            case "ehlo-silent":
                await Task.Delay(Timeout.Infinite, stop);
                return;
        }

        await say("250-mx.hostile.test\r\n250-PIPELINING\r\n250 STARTTLS\r\n");
        await ReadLineAsync(stream, stop);
        switch (script)
        {
            case "starttls-454":
                await say("454 4.7.0 TLS not available due to local problem\r\n");
                await Task.Delay(Timeout.Infinite, stop);
                break;
            case "tls-garbage":
                await say("220 2.0.0 Ready to start TLS\r\n");
                await say("this is not a TLS server hello, only text pretending to be one\r\n");
                await Task.Delay(Timeout.Infinite, stop);
                break;
            case "reset-after-starttls":
                await say("220 2.0.0 Ready to start TLS\r\n");
                stream.Socket.LingerState = new LingerOption(true, 0);
                stream.Socket.Close();
                break;
        }
    }

    private static Func<NetworkStream, CancellationToken, Task> HttpsScript(string certificate, bool drip) => async (stream, stop) =>
    {
        string chain = Path.Combine(ProbeFixtures.CaDirectory, $"{certificate}.chain.pem");
        string key = Path.Combine(ProbeFixtures.CaDirectory, $"{certificate}.key");
        using var serverCertificate = X509Certificate2.CreateFromPemFile(chain, key);
        await using var tls = new SslStream(stream);
        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = serverCertificate }, stop);
        while (!(await ReadLineAsync(tls, stop)).Equals(string.Empty, StringComparison.Ordinal))
        {
        }

        string body = "version: STSv1\nmode: testing\nmx: mx.valid.probe.test\nmax_age: 604800\n";
        await tls.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\n\r\n"), stop);
        foreach (byte b in Encoding.ASCII.GetBytes(body))
        {
            await tls.WriteAsync(new[] { b }, stop);
            await tls.FlushAsync(stop);
            if (drip)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stop);
            }
        }

        await Task.Delay(TimeSpan.FromSeconds(5), stop);
    };

    private static async Task<string> ReadLineAsync(Stream stream, CancellationToken stop)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (await stream.ReadAsync(one, stop) == 1 && one[0] != '\n')
        {
            if (one[0] != '\r')
            {
                line.Append((char)one[0]);
            }
        }

        return line.ToString();
    }
}
