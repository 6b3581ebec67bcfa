using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PolicyCuration.Consumer.Socketmap;

/// <summary>The limits every connection of the socketmap server is held to.</summary>
/// <param name="MaxConnections">Connections served at once; one more makes room by closing the connection that has waited longest.</param>
/// <param name="IdleTimeout">How long a connection may wait between requests, and how long one request may take to arrive whole.</param>
/// <param name="MaxRequestBytes">The longest request read; a longer one is answered <c>PERM</c> and the connection closed.</param>
public sealed record SocketmapLimits(int MaxConnections, TimeSpan IdleTimeout, int MaxRequestBytes = 1024);

/// <summary>
/// Postfix's socketmap protocol (netstrings: <c>NAME KEY</c> in, <c>OK value</c>, <c>NOTFOUND </c>, <c>TEMP reason</c>
/// or <c>PERM reason</c> out) over a Unix or TCP socket, answering from the table <paramref name="table"/> gives.
/// </summary>
/// <param name="mapName">The map name Postfix asks for (<c>socketmap:unix:PATH:NAME</c>).</param>
/// <param name="table">The current table: read on every request, so a reload takes effect at the next one.</param>
/// <param name="limits">The bounds on connections, time and size.</param>
/// <param name="clock">The clock expiry is judged by.</param>
/// <param name="log">Where refusals and expiry are said.</param>
public sealed class SocketmapServer(string mapName, Func<SocketmapTable> table, SocketmapLimits limits, TimeProvider clock, TextWriter log)
{
    // The longest key looked up; a longer one is no domain (253 characters at most) and is not found.
    private const int MaxKeyChars = 512;

    private readonly byte[] _name = Encoding.UTF8.GetBytes(mapName + " ");
    private readonly byte[] _wrongName = SocketmapTable.Frame($"PERM this server answers the map {mapName} only");

    private int _open;
    private long _expiredSaid = -1;

    /// <summary>The endpoint of <paramref name="address"/>: <c>unix:PATH</c> or <c>inet:HOST:PORT</c>.</summary>
    /// <exception cref="ArgumentException">Neither form.</exception>
    public static EndPoint Endpoint(string address)
    {
        if (address.StartsWith("unix:", StringComparison.Ordinal) && address.Length > 5)
        {
            return new UnixDomainSocketEndPoint(address[5..]);
        }

        if (address.StartsWith("inet:", StringComparison.Ordinal) && address.LastIndexOf(':') is var colon and > 5
            && IPAddress.TryParse(address[5..colon].Trim('[', ']'), out var ip) && ushort.TryParse(address[(colon + 1)..], out ushort port) && port > 0)
        {
            return new IPEndPoint(ip, port);
        }

        throw new ArgumentException($"--socketmap {address}: give unix:PATH or inet:ADDRESS:PORT");
    }

    /// <summary>Serves <paramref name="listener"/>, already bound and listening, until <paramref name="cancellation"/> ends it.</summary>
    /// <remarks>
    /// Each connection has a thread of its own that blocks on it: Postfix keeps a few long connections and asks one
    /// key at a time on each, and a blocking read and write cost a lookup less than the asynchronous machinery would.
    /// </remarks>
    public async Task ServeAsync(Socket listener, CancellationToken cancellation)
    {
        var open = new ConcurrentDictionary<Socket, Connection>();
        while (!cancellation.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(cancellation).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            // Beyond the limit the connection that has waited longest (on its request, or idle since its last answer)
            // makes room: clients that drip or stall cannot hold every slot, and Postfix opens a new connection when it
            // needs one. With no connection to close yet, the new one is closed instead.
            if (Interlocked.Increment(ref _open) > limits.MaxConnections && !EvictOldest(open))
            {
                Interlocked.Decrement(ref _open);
                client.Dispose();
                continue;
            }

            var connection = new Connection(client);
            open[client] = connection;

            // A client's thread needs little stack: the lookup's buffers are its own, on the heap.
            var thread = new Thread(
                () =>
                {
                    ServeClient(connection);
                    open.TryRemove(client, out _);
                },
                maxStackSize: 256 * 1024)
            { IsBackground = true, Name = "socketmap client" };
            connection.Thread = thread;
            thread.Start();
        }

        // Closing a connection ends the read its thread waits in.
        foreach (var (client, connection) in open)
        {
            client.Dispose();
            connection.Thread?.Join(TimeSpan.FromSeconds(5));
        }
    }

    private static bool EvictOldest(ConcurrentDictionary<Socket, Connection> open)
    {
        Connection? oldest = null;
        foreach (var connection in open.Values)
        {
            if (!connection.Evicted && (oldest is null || connection.Since < oldest.Since))
            {
                oldest = connection;
            }
        }

        if (oldest is null)
        {
            return false;
        }

        // Its thread ends on the closed socket and gives its slot back.
        oldest.Evicted = true;
        oldest.Socket.Dispose();
        return true;
    }

    private void ServeClient(Connection connection)
    {
        var client = connection.Socket;
        try
        {
            client.SendTimeout = Milliseconds(limits.IdleTimeout);
            var buffer = new byte[limits.MaxRequestBytes + 16];
            int filled = 0;
            while (true)
            {
                var (data, used, problem) = Netstring.Find(buffer.AsSpan(0, filled), limits.MaxRequestBytes);
                if (problem is not null)
                {
                    client.Send(SocketmapTable.Frame($"PERM {problem}"));
                    return;
                }

                if (data is not { } request)
                {
                    // One deadline for the whole request from its first byte, not one per read: a client that sends
                    // a byte at a time loses its connection as surely as a silent one.
                    var wait = limits.IdleTimeout - Stopwatch.GetElapsedTime(connection.Since);
                    if (wait <= TimeSpan.Zero)
                    {
                        return;
                    }

                    client.ReceiveTimeout = Milliseconds(wait);
                    int read = client.Receive(buffer, filled, buffer.Length - filled, SocketFlags.None);
                    if (read == 0)
                    {
                        return;
                    }

                    if (filled == 0)
                    {
                        connection.Since = Stopwatch.GetTimestamp();
                    }

                    filled += read;
                    continue;
                }

                byte[] reply = Answer(buffer.AsSpan(request));
                buffer.AsSpan(used, filled - used).CopyTo(buffer);
                filled -= used;
                client.Send(reply);
                connection.Since = Stopwatch.GetTimestamp();
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // A client that goes away, stays silent past the timeout or is closed to make room loses its connection and nothing else.
        }
        finally
        {
            client.Dispose();
            Interlocked.Decrement(ref _open);
        }
    }

    private static int Milliseconds(TimeSpan span) => (int)Math.Clamp(span.TotalMilliseconds, 1, int.MaxValue);

    private byte[] Answer(ReadOnlySpan<byte> request)
    {
        if (!request.StartsWith(_name))
        {
            return _wrongName;
        }

        var current = table();
        if (clock.GetUtcNow() >= current.Expires)
        {
            if (Interlocked.Exchange(ref _expiredSaid, current.Serial) != current.Serial)
            {
                log.WriteLine($"starttls-policy serve: WARNING: the installed list (serial {current.Serial}) EXPIRED at {current.Expires:yyyy-MM-dd'T'HH:mm:ss'Z'}; every lookup is NOTFOUND until a fresh release is installed");
            }

            return SocketmapTable.NotFound;
        }

        var key = request[_name.Length..];
        if (key.Length > MaxKeyChars || !Ascii.IsValid(key))
        {
            // Listed names are ASCII (IDNs as A-labels): a key that is not cannot be listed.
            return SocketmapTable.NotFound;
        }

        Span<char> lower = stackalloc char[key.Length];
        Ascii.ToLower(key, lower, out _);
        return current.Reply(lower);
    }
}

/// <summary>One client's connection: its socket, and since when it has waited (on its request, or idle since its last answer).</summary>
internal sealed class Connection(Socket socket)
{
    private long _since = Stopwatch.GetTimestamp();
    private int _evicted;

    public Socket Socket { get; } = socket;

    public Thread? Thread { get; set; }

    /// <summary>A <see cref="Stopwatch"/> timestamp: when the request being read began, or when the last answer went.</summary>
    public long Since
    {
        get => Volatile.Read(ref _since);
        set => Volatile.Write(ref _since, value);
    }

    /// <summary>Whether it was closed to make room (and is on its way out).</summary>
    public bool Evicted
    {
        get => Volatile.Read(ref _evicted) != 0;
        set => Volatile.Write(ref _evicted, value ? 1 : 0);
    }
}

/// <summary>Netstrings (<c>LENGTH:DATA,</c>), as the socketmap protocol frames its requests.</summary>
public static class Netstring
{
    /// <summary>Where the data of the first netstring of <paramref name="bytes"/> is and the bytes it took; null when incomplete; a problem when it is not one or is longer than <paramref name="max"/>.</summary>
    public static (Range? Data, int Used, string? Problem) Find(ReadOnlySpan<byte> bytes, int max)
    {
        int colon = bytes.IndexOf((byte)':');
        int digits = colon < 0 ? bytes.Length : colon;
        if (colon == 0 || digits > 5 || bytes[..digits].ContainsAnyExceptInRange((byte)'0', (byte)'9'))
        {
            return (null, 0, "not a netstring");
        }

        if (colon < 0)
        {
            return (null, 0, null);
        }

        int length = int.Parse(bytes[..colon], provider: System.Globalization.CultureInfo.InvariantCulture);
        if (length > max)
        {
            return (null, 0, $"a request is at most {max} bytes");
        }

        int end = colon + 1 + length;
        if (bytes.Length <= end)
        {
            return (null, 0, null);
        }

        return bytes[end] != (byte)','
            ? (null, 0, "not a netstring")
            : (new Range(colon + 1, end), end + 1, null);
    }
}
