using System.Net;
using System.Net.Sockets;

namespace PolicyCuration.Bench;

/// <summary>A TCP listener that accepts every connection and never says a word: an MX that never answers.</summary>
internal static class SilentListener
{
    public static int Run(IPEndPoint endpoint)
    {
        var listener = new TcpListener(endpoint);
        listener.Start(backlog: 4096);
        var held = new List<TcpClient>();
        Console.Error.WriteLine($"policy-bench: silent on {endpoint}");
        while (true)
        {
            // Kept open and never read: the peer waits for a greeting that never comes.
            held.Add(listener.AcceptTcpClient());
        }
    }
}
