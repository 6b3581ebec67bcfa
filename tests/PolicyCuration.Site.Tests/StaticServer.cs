using System.Net;
using System.Net.Sockets;

namespace PolicyCuration.Site.Tests;

/// <summary>The built site served over HTTP on loopback, as a static host serves it: files only, with their media types.</summary>
internal sealed class StaticServer : IDisposable
{
    private static readonly Dictionary<string, string> Types = new(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".json"] = "application/json",
        [".atom"] = "application/atom+xml",
    };

    private readonly HttpListener listener = new();
    private readonly string root;
    private readonly Task serving;

    public StaticServer(string root)
    {
        this.root = Path.GetFullPath(root);
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        listener.Start();
        serving = Task.Run(Serve);
    }

    public int Port { get; }

    /// <summary>Bytes sent per path, for what a page costs to load.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, long> Sent { get; } = new(StringComparer.Ordinal);

    public string Url(string path) => $"http://127.0.0.1:{Port}/{path}";

    public void Dispose()
    {
        listener.Close();
        try
        {
            serving.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The listener was closed under a pending accept.
        }
    }

    private async Task Serve()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => Answer(context));
        }
    }

    private void Answer(HttpListenerContext context)
    {
        using var response = context.Response;
        string path = Uri.UnescapeDataString(context.Request.Url!.AbsolutePath.TrimStart('/'));
        string file = Path.GetFullPath(Path.Combine(root, path.Length == 0 ? "index.html" : path));
        if (!file.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(file))
        {
            response.StatusCode = 404;
            return;
        }

        byte[] body = File.ReadAllBytes(file);
        response.ContentType = Types.GetValueOrDefault(Path.GetExtension(file), "application/octet-stream");
        response.ContentLength64 = body.Length;
        response.OutputStream.Write(body);
        Sent.AddOrUpdate("/" + path, body.Length, (_, total) => total + body.Length);
    }
}
