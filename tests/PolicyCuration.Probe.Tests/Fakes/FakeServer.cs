using System.Net;
using System.Net.Sockets;

namespace PolicyCuration.Probe.Tests.Fakes;

/// <summary>
/// A TCP server on loopback that plays one script per connection: the hostile SMTP and HTTPS peers that no real
/// server can be configured to be (silent, dripping, endless, garbage).
/// </summary>
internal sealed class FakeServer : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    public FakeServer(Func<NetworkStream, CancellationToken, Task> script)
    {
        listener.Start();
        loop = AcceptAsync(script);
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>How many bytes the scripts wrote, so tests can show a bound held against a large send.</summary>
    public long BytesSent => Interlocked.Read(ref bytesSent);

    private long bytesSent;

    public void CountSent(int bytes) => Interlocked.Add(ref bytesSent, bytes);

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        try
        {
            await loop;
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }

        stop.Dispose();
    }

    private async Task AcceptAsync(Func<NetworkStream, CancellationToken, Task> script)
    {
        while (!stop.IsCancellationRequested)
        {
            var client = await listener.AcceptTcpClientAsync(stop.Token);
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        await script(client.GetStream(), stop.Token);
                    }
                    catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
                    {
                        // The probe hung up, or the test ended: both are the point of a hostile script.
                    }
                }
            });
        }
    }
}
