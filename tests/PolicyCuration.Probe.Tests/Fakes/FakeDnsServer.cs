using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PolicyCuration.Probe.Tests.Fakes;

/// <summary>One resource record as the fake server sends it.</summary>
internal sealed record FakeRecord(string Name, ushort Type, byte[] Data)
{
    public const ushort TypeA = 1, TypeCname = 5, TypeMx = 15, TypeTxt = 16;

    public static FakeRecord A(string name, string address) => new(name, TypeA, IPAddress.Parse(address).GetAddressBytes());

    public static FakeRecord Cname(string name, string target) => new(name, TypeCname, FakeDnsServer.EncodeName(target));

    public static FakeRecord Mx(string name, int preference, string host) =>
        new(name, TypeMx, [(byte)(preference >> 8), (byte)preference, .. FakeDnsServer.EncodeName(host)]);

    public static FakeRecord Txt(string name, string text) => new(name, TypeTxt, [(byte)text.Length, .. Encoding.ASCII.GetBytes(text)]);
}

/// <summary>What the fake server answers to one question; <see langword="null"/> from the handler means silence.</summary>
internal sealed record FakeAnswer(int ResponseCode, IReadOnlyList<FakeRecord> Records)
{
    public const int ServFail = 2, NxDomain = 3;

    public static FakeAnswer With(params FakeRecord[] records) => new(0, records);

    public static FakeAnswer Empty { get; } = new(0, []);
}

/// <summary>
/// A DNS server on loopback for misbehaviour no real server shows on demand: silence, CNAME loops, 1 000 MX records,
/// SERVFAIL for one type only. UDP and TCP on one port; answers too big for UDP are truncated so the client retries over TCP.
/// </summary>
internal sealed class FakeDnsServer : IAsyncDisposable
{
    private const int MaxUdpAnswer = 1232;

    private readonly Func<string, ushort, FakeAnswer?> handler;
    private readonly UdpClient udp;
    private readonly TcpListener tcp;
    private readonly CancellationTokenSource stop = new();
    private readonly Task loops;

    public FakeDnsServer(Func<string, ushort, FakeAnswer?> handler)
    {
        this.handler = handler;
        (udp, tcp) = Bind();
        EndPoint = (IPEndPoint)udp.Client.LocalEndPoint!;
        loops = Task.WhenAll(UdpLoopAsync(), TcpLoopAsync());
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>How many questions arrived, over both transports.</summary>
    public int Questions => questions;

    private int questions;

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        udp.Dispose();
        tcp.Stop();
        try
        {
            await loops;
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }

        stop.Dispose();
    }

    public static byte[] EncodeName(string name)
    {
        var bytes = new List<byte>();
        foreach (string label in name.TrimEnd('.').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(Encoding.ASCII.GetBytes(label));
        }

        bytes.Add(0);
        return [.. bytes];
    }

    private static (UdpClient, TcpListener) Bind()
    {
        for (int attempt = 0; ; attempt++)
        {
            var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            int port = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
            var tcp = new TcpListener(IPAddress.Loopback, port);
            try
            {
                tcp.Start();
                return (udp, tcp);
            }
            catch (SocketException) when (attempt < 20)
            {
                udp.Dispose();
            }
        }
    }

    private async Task UdpLoopAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            var received = await udp.ReceiveAsync(stop.Token);
            var response = Respond(received.Buffer, overUdp: true);
            if (response is not null)
            {
                await udp.SendAsync(response, received.RemoteEndPoint, stop.Token);
            }
        }
    }

    private async Task TcpLoopAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            var client = await tcp.AcceptTcpClientAsync(stop.Token);
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    var stream = client.GetStream();
                    var length = new byte[2];
                    await stream.ReadExactlyAsync(length, stop.Token);
                    var query = new byte[BinaryPrimitives.ReadUInt16BigEndian(length)];
                    await stream.ReadExactlyAsync(query, stop.Token);
                    var response = Respond(query, overUdp: false);
                    if (response is null)
                    {
                        await Task.Delay(Timeout.Infinite, stop.Token);
                        return;
                    }

                    await stream.WriteAsync(new byte[] { (byte)(response.Length >> 8), (byte)response.Length }, stop.Token);
                    await stream.WriteAsync(response, stop.Token);
                }
            });
        }
    }

    private byte[]? Respond(byte[] query, bool overUdp)
    {
        Interlocked.Increment(ref questions);
        int offset = 12;
        var labels = new List<string>();
        while (query[offset] != 0)
        {
            int length = query[offset];
            labels.Add(Encoding.ASCII.GetString(query, offset + 1, length));
            offset += length + 1;
        }

        offset++;
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(offset));
        int questionEnd = offset + 4;
        var answer = handler(string.Join('.', labels).ToLowerInvariant(), type);
        if (answer is null)
        {
            return null;
        }

        var response = new List<byte>();
        response.AddRange(query.AsSpan(0, 2).ToArray());
        response.AddRange(new byte[] { 0x81, (byte)(0x80 | answer.ResponseCode) });
        response.AddRange(new byte[] { 0, 1 });
        response.AddRange(new byte[] { (byte)(answer.Records.Count >> 8), (byte)answer.Records.Count, 0, 0, 0, 0 });
        response.AddRange(query.AsSpan(12, questionEnd - 12).ToArray());
        foreach (var record in answer.Records)
        {
            response.AddRange(EncodeName(record.Name));
            response.AddRange(new byte[] { (byte)(record.Type >> 8), (byte)record.Type, 0, 1, 0, 0, 0, 60 });
            response.AddRange(new byte[] { (byte)(record.Data.Length >> 8), (byte)record.Data.Length });
            response.AddRange(record.Data);
        }

        if (overUdp && response.Count > MaxUdpAnswer)
        {
            // Truncated: the header and question only, with TC set.
            var truncated = response.Take(questionEnd).ToArray();
            truncated[2] |= 0x02;
            truncated[6] = truncated[7] = 0;
            return truncated;
        }

        return [.. response];
    }
}
