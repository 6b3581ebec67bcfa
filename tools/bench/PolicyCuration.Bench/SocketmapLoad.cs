using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace PolicyCuration.Bench;

/// <summary>Postfix-like socketmap clients: each keeps one connection and asks for one key after another, as smtp processes do.</summary>
internal static class SocketmapLoad
{
    public static int Run(string socketPath, string keysFile, string mapName, int clients, double seconds)
    {
        string[] keys = File.ReadAllLines(keysFile);
        var latencies = new List<double>[clients];
        long found = 0;
        var deadline = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(client => Task.Run(() =>
        {
            var mine = latencies[client] = new List<double>(1 << 16);
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            var buffer = new byte[4096];
            var random = new Random(client);
            while (deadline.Elapsed.TotalSeconds < seconds)
            {
                string request = $"{mapName} {keys[random.Next(keys.Length)]}";
                byte[] data = Encoding.ASCII.GetBytes($"{Encoding.UTF8.GetByteCount(request)}:{request},");
                long start = Stopwatch.GetTimestamp();
                socket.Send(data);
                int read = 0;
                do
                {
                    read += socket.Receive(buffer, read, buffer.Length - read, SocketFlags.None);
                }
                while (buffer[read - 1] != (byte)',');

                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (buffer.AsSpan(0, read).IndexOf("OK "u8) >= 0)
                {
                    Interlocked.Increment(ref found);
                }
            }
        })).ToArray();
        Task.WaitAll(workers);
        double elapsed = deadline.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        Console.WriteLine($"{all.Length} lookups in {elapsed:0.00} s from {clients} clients: {all.Length / elapsed:0} lookups/s, " +
            $"p50 {all[all.Length / 2]:0.000} ms, p99 {all[(int)(all.Length * 0.99)]:0.000} ms, max {all[^1]:0.000} ms, {found} found");
        return 0;
    }
}
