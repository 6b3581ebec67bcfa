using System.Net.Sockets;
using System.Text;
using PolicyCuration.Consumer.Socketmap;
using PolicyCuration.Format.Model;
using PolicyCuration.Signing;
using PolicyCuration.Testing;

namespace PolicyCuration.Consumer.Tests;

public sealed class NetstringTests
{
    [Theory]
    [InlineData("20:starttls-policy a.ex,", "starttls-policy a.ex", 24, null)]
    [InlineData("3:abc,4:more", "abc", 6, null)]
    [InlineData("20:starttls-po", null, 0, null)]
    [InlineData("12", null, 0, null)]
    [InlineData("", null, 0, null)]
    [InlineData("1000000000:", null, 0, "not a netstring")]
    [InlineData("2000:", null, 0, "a request is at most 1024 bytes")]
    [InlineData("x:ab,", null, 0, "not a netstring")]
    [InlineData(":ab,", null, 0, "not a netstring")]
    [InlineData("2:abc", null, 0, "not a netstring")]
    public void ARequestIsANetstringOfBoundedLength(string input, string? text, int used, string? problem)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(input);
        var (data, took, refused) = Netstring.Find(bytes, 1024);

        Assert.Equal((text, used, problem), (data is { } range ? Encoding.ASCII.GetString(bytes[range]) : null, took, refused));
    }

    [Theory]
    [InlineData("unix:/run/starttls-policy/socketmap", "/run/starttls-policy/socketmap")]
    [InlineData("inet:127.0.0.1:5461", "127.0.0.1:5461")]
    [InlineData("inet:[::1]:5461", "[::1]:5461")]
    public void TheSocketIsUnixOrInet(string address, string endpoint) =>
        Assert.Equal(endpoint, SocketmapServer.Endpoint(address).ToString());

    [Theory]
    [InlineData("tcp:127.0.0.1:5461")]
    [InlineData("inet:127.0.0.1")]
    [InlineData("inet:mail.example:5461")]
    [InlineData("unix:")]
    public void AnyOtherSocketIsAUsageError(string address) =>
        Assert.Throws<ArgumentException>(() => SocketmapServer.Endpoint(address));
}

[Trait("Needs", "fixtures")]
public sealed class SocketmapTests : IDisposable
{
    private readonly TemporaryDirectory dir = new();
    private readonly MinisignSecretKey key = MinisignSecretKey.Generate();
    private readonly FixedClock clock = new(Releases.Now.AddHours(1));
    private readonly CancellationTokenSource stop = new();

    public SocketmapTests() => File.WriteAllText(PublicKey, key.PublicKey.ToText());

    private string PublicKey => dir.File("release.pub");

    private string State => dir.File("state");

    private string Socket => dir.File("socketmap");

    public void Dispose()
    {
        stop.Cancel();
        key.Dispose();
        stop.Dispose();
        dir.Dispose();
    }

    [Fact]
    public async Task EveryDomainOfATwentyThousandDomainListGetsTheHashMapsAnswerAndANewReleaseIsTakenUp()
    {
        var list = LargeList(20_000);
        Install(1, list);
        var server = Serve("--reload-interval", "0.2");
        Assert.Equal((0, "660 postfix\n"), ExternalTool.Run("stat", ["-c", "%a %G", Socket]));

        string keys = string.Concat(list.Policies.Select(p => p.Name + "\n")) + "unlisted.example\nENFORCED00001.EXAMPLE\n";
        var fromSocket = ExternalTool.RunApart("postmap", ["-q", "-", $"socketmap:unix:{Socket}:starttls-policy"], input: keys);
        var fromHash = ExternalTool.RunApart("postmap", ["-q", "-", $"hash:{dir.File("map")}"], input: keys);

        Assert.True(fromSocket.ExitCode == 0, fromSocket.Error);
        Assert.Equal(fromHash.Output, fromSocket.Output);
        Assert.Equal(list.Policies.Count(p => p.Policy.Mode == PolicyMode.Enforce || p.Policy.Alias is not null), fromSocket.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        // update installs serial 2; the server takes it up without a restart and without Postfix being reloaded.
        Install(2, LargeList(20_000, changed: "enforced00003.example"));
        string answer = string.Empty;
        for (int attempt = 0; attempt < 100 && !answer.Contains("mx.changed.example", StringComparison.Ordinal); attempt++)
        {
            Thread.Sleep(100);
            answer = ExternalTool.Run("postmap", ["-q", "enforced00003.example", $"socketmap:unix:{Socket}:starttls-policy"]).Output;
        }

        Assert.Equal("secure match=mx.changed.example:.mail3.example servername=hostname\n", answer);
        await stop.CancelAsync();
        var (code, error) = await server;
        Assert.Equal(ConsumerExitCodes.Ok, code);
        Assert.Contains("now answering from serial 2 (was 1)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostileClientsGetBoundedRefusalsAndTheServerGoesOn()
    {
        Install(1, LargeList(10));
        var server = Serve("--idle-timeout", "1", "--max-connections", "64");

        // A 1 GB netstring is refused on its length, before any of it is read.
        using (var huge = Connect())
        {
            huge.Send(Encoding.ASCII.GetBytes("1000000000:starttls-policy "));
            Assert.Equal("20:PERM not a netstring,", Receive(huge));
            Assert.Equal(string.Empty, Receive(huge));
        }

        // A client that never sends is closed after the idle timeout.
        using (var silent = Connect())
        {
            var started = DateTime.UtcNow;
            Assert.Equal(string.Empty, Receive(silent));
            Assert.InRange((DateTime.UtcNow - started).TotalSeconds, 0.5, 5);
        }

        // Clients that send a byte at a time: each loses its connection at its request's deadline (1 s from its first
        // byte), however often it sends, and while they hold every slot a lookup still gets its answer.
        var drippers = Enumerable.Range(0, 64).Select(_ => Connect()).ToList();
        try
        {
            var started = DateTime.UtcNow;
            foreach (byte b in "900:starttls-policy "u8.ToArray())
            {
                drippers.ForEach(d => Send(d, b));
                Thread.Sleep(40);
                if (DateTime.UtcNow - started > TimeSpan.FromSeconds(0.6))
                {
                    break;
                }
            }

            Assert.Equal((0, "secure match=mx.enforced00000.example:.mail0.example servername=hostname\n"), ExternalTool.Run("postmap", ["-q", "enforced00000.example", $"socketmap:unix:{Socket}:starttls-policy"]));
            while (DateTime.UtcNow - started < TimeSpan.FromSeconds(1.6))
            {
                drippers.ForEach(d => Send(d, (byte)'a'));
                Thread.Sleep(100);
            }

            Assert.All(drippers, d => Assert.Equal(string.Empty, Receive(d)));
        }
        finally
        {
            drippers.ForEach(d => d.Dispose());
        }

        // 10 000 connections at once: beyond the limit each new one closes the connection that has waited longest, so
        // a flood closes its own earlier connections.
        var flood = new List<System.Net.Sockets.Socket>();
        try
        {
            for (int i = 0; i < 10_000; i++)
            {
                flood.Add(Connect());
            }

            int closed = flood.Skip(1_000).Take(100).Count(s => Receive(s) == string.Empty);
            Assert.Equal(100, closed);
        }
        finally
        {
            flood.ForEach(s => s.Dispose());
        }

        // A wrong map name is refused; the server still answers the right one.
        Assert.Equal((0, "secure match=mx.enforced00000.example:.mail0.example servername=hostname\n"), ExternalTool.Run("postmap", ["-q", "enforced00000.example", $"socketmap:unix:{Socket}:starttls-policy"]));
        using (var wrong = Connect())
        {
            wrong.Send(Encoding.ASCII.GetBytes("22:other enforced.example,"));
            Assert.StartsWith("PERM this server answers the map starttls-policy only", Receive(wrong).Split(':', 2)[1], StringComparison.Ordinal);
        }

        await stop.CancelAsync();
        Assert.Equal(ConsumerExitCodes.Ok, (await server).Code);
    }

    [Fact]
    public async Task WithoutAReleaseTheServerStartsAnswersNothingAndTakesUpTheFirstOneInstalled()
    {
        // No release yet: the server starts, answers nothing and says so; the first release installed is taken up.
        var server = Serve("--reload-interval", "0.2");
        var before = ExternalTool.Run("postmap", ["-q", "enforced00000.example", $"socketmap:unix:{Socket}:starttls-policy"]);
        Assert.Equal((1, string.Empty), before);

        Install(1, LargeList(10));
        string answer = string.Empty;
        for (int attempt = 0; attempt < 100 && answer.Length == 0; attempt++)
        {
            Thread.Sleep(100);
            answer = ExternalTool.Run("postmap", ["-q", "enforced00000.example", $"socketmap:unix:{Socket}:starttls-policy"]).Output;
        }

        Assert.Equal("secure match=mx.enforced00000.example:.mail0.example servername=hostname\n", answer);
        await stop.CancelAsync();
        var (code, error) = await server;
        Assert.Equal(ConsumerExitCodes.Ok, code);
        Assert.Contains("WARNING: NO USABLE RELEASE (release.fetch.failed)", error, StringComparison.Ordinal);
        Assert.Contains("now answering from serial 1 (was 0)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AGroupThatDoesNotExistIsSaidAndNothingIsServed()
    {
        Install(1, LargeList(10));
        var error = new StringWriter();

        int code = StarttlsPolicy.Run(["serve", "--socketmap", $"unix:{Socket}", "--public-key", PublicKey, "--state-dir", State, "--socket-group", "no-such-group"], new StringWriter(), error, clock, stop.Token);

        Assert.NotEqual(ConsumerExitCodes.Ok, code);
        Assert.Contains("--socket-group no-such-group: no such group in /etc/group", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExpiredReleaseAnswersNothing()
    {
        Install(1, LargeList(10));
        clock.Now = Releases.Now.AddDays(15);
        var server = Serve();

        var answer = ExternalTool.Run("postmap", ["-q", "enforced00000.example", $"socketmap:unix:{Socket}:starttls-policy"]);

        Assert.Equal(1, answer.ExitCode);
        await stop.CancelAsync();
        Assert.Contains("has EXPIRED: every lookup is NOTFOUND", (await server).Error, StringComparison.Ordinal);
    }

    private static PolicyList LargeList(int domains, string? changed = null)
    {
        var entries = Enumerable.Range(0, domains).Select(i => (i % 3) switch
        {
            0 => new NamedPolicy($"enforced{i:D5}.example", Policy.Direct(PolicyMode.Enforce, [$"enforced{i:D5}.example" == changed ? "mx.changed.example" : $"mx.enforced{i:D5}.example", $".mail{i % 7}.example"])),
            1 => new NamedPolicy($"testing{i:D5}.example", Policy.Direct(PolicyMode.Testing, [$"mx.testing{i:D5}.example"])),
            _ => new NamedPolicy($"aliased{i:D5}.example", Policy.UsingAlias("provider")),
        });
        return new PolicyList
        {
            Version = "0.1",
            Policies = [.. entries.OrderBy(e => e.Name, StringComparer.Ordinal)],
            HasAliasSection = true,
            Aliases = [new NamedPolicy("provider", Policy.Direct(PolicyMode.Enforce, ["mx1.provider.example", ".mx.provider.example"]))],
        };
    }

    private void Install(long serial, PolicyList list)
    {
        Releases.Write(dir.File($"r{serial}"), key, serial, list);
        var output = new StringWriter();
        var error = new StringWriter();
        int code = StarttlsPolicy.Run(["update", "--source", dir.File($"r{serial}"), "--public-key", PublicKey, "--state-dir", State, "--postfix-map", dir.File("map"), "--postmap"], output, error, clock);
        Assert.True(code == ConsumerExitCodes.Ok, error.ToString());
    }

    private Task<(int Code, string Error)> Serve(params string[] extra)
    {
        var server = Task.Run(() =>
        {
            var output = new StringWriter();
            var error = new StringWriter();
            int code = StarttlsPolicy.Run(["serve", "--socketmap", $"unix:{Socket}", "--public-key", PublicKey, "--state-dir", State, .. extra], output, error, clock, stop.Token);
            return (Code: code, Error: error.ToString());
        });
        for (int attempt = 0; attempt < 200 && !File.Exists(Socket); attempt++)
        {
            Assert.False(server.IsCompleted, "serve ended before it opened its socket");
            Thread.Sleep(50);
        }

        Assert.True(File.Exists(Socket), "serve did not open its socket within 10 s");
        return server;
    }

    private System.Net.Sockets.Socket Connect()
    {
        var socket = new System.Net.Sockets.Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { ReceiveTimeout = 10_000 };
        socket.Connect(new UnixDomainSocketEndPoint(Socket));
        return socket;
    }

    // A send to a connection the server has closed fails, as it would for a client; the test goes on.
    private static void Send(System.Net.Sockets.Socket socket, byte value)
    {
        try
        {
            socket.Send([value]);
        }
        catch (SocketException)
        {
        }
    }

    private static string Receive(System.Net.Sockets.Socket socket)
    {
        var buffer = new byte[4096];
        try
        {
            return Encoding.ASCII.GetString(buffer, 0, socket.Receive(buffer));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return string.Empty;
        }
    }
}
