using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace PolicyCuration.Testing;

/// <summary>One request the fake GitHub API received.</summary>
internal sealed record RecordedRequest(string Method, string PathAndQuery, string? Authorization, string? ContentType, byte[] Body)
{
    public string BodyText => Encoding.UTF8.GetString(Body);
}

/// <summary>
/// GitHub's REST API on loopback, as far as the project uses it (releases and their assets, for now), under the
/// /api/v3/ prefix Octokit gives any base URL that is not api.github.com. It records every request for assertions.
/// </summary>
internal sealed class FakeGitHubApi : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly Task loop;
    private int nextId = 1;

    public FakeGitHubApi()
    {
        int port = FreePort();
        BaseUrl = $"http://127.0.0.1:{port}/";
        listener.Prefixes.Add(BaseUrl);
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    /// <summary>The base URL to give Octokit.</summary>
    public string BaseUrl { get; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        try
        {
            loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var request = new RecordedRequest(
                context.Request.HttpMethod, context.Request.Url!.PathAndQuery, context.Request.Headers["Authorization"], context.Request.ContentType, body.ToArray());
            Requests.Enqueue(request);
            var (status, json) = Route(request);
            byte[] bytes = Encoding.UTF8.GetBytes(json);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json; charset=utf-8";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    private (int Status, string Json) Route(RecordedRequest request)
    {
        string path = request.PathAndQuery.Split('?')[0];
        var segments = path.Trim('/').Split('/');
        if (request.Method == "POST" && segments is ["api", "v3", "repos", var owner, var repo, "releases"])
        {
            using var document = JsonDocument.Parse(request.Body);
            int id = Interlocked.Increment(ref nextId);
            string tag = document.RootElement.GetProperty("tag_name").GetString()!;
            return (201, JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["id"] = id,
                ["tag_name"] = tag,
                ["name"] = document.RootElement.GetProperty("name").GetString()!,
                ["url"] = $"{BaseUrl}api/v3/repos/{owner}/{repo}/releases/{id}",
                ["html_url"] = $"https://github.example/{owner}/{repo}/releases/tag/{tag}",
                ["upload_url"] = $"{BaseUrl}uploads/repos/{owner}/{repo}/releases/{id}/assets{{?name,label}}",
                ["assets"] = Array.Empty<object>(),
            }));
        }

        if (request.Method == "POST" && segments is ["uploads", "repos", _, _, "releases", _, "assets"])
        {
            string name = Uri.UnescapeDataString(request.PathAndQuery.Split("name=")[1].Split('&')[0]);
            return (201, JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["id"] = Interlocked.Increment(ref nextId),
                ["name"] = name,
                ["size"] = request.Body.Length,
                ["state"] = "uploaded",
            }));
        }

        return (404, "{\"message\": \"Not Found\"}");
    }
}
