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
    private readonly HttpListener listener;
    private readonly Task loop;
    // A route's answer that starts with this is an asset's bytes, in base64, sent as they are.
    private const string AssetPrefix = "asset:";
    private int nextId = 1;

    public FakeGitHubApi()
    {
        (listener, BaseUrl) = ListenOnFreePort();
        loop = Task.Run(ServeAsync);
    }

    /// <summary>The base URL to give Octokit.</summary>
    public string BaseUrl { get; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Each pull request's head commit, as GET /pulls/N answers.</summary>
    public ConcurrentDictionary<int, string> HeadShas { get; } = new();

    /// <summary>Each pull request's base commit, as GET /pulls/N answers (zeros when unset).</summary>
    public ConcurrentDictionary<int, string> BaseShas { get; } = new();

    /// <summary>Each pull request's base branch, as GET /pulls/N answers (main when unset).</summary>
    public ConcurrentDictionary<int, string> BaseRefs { get; } = new();

    /// <summary>A head each pull request moves to once GET /pulls/N has answered with its head: a push during a run.</summary>
    public ConcurrentDictionary<int, string> HeadAfterFirstRead { get; } = new();

    /// <summary>The repository's default branch, as GET /repos/OWNER/NAME answers.</summary>
    public string DefaultBranch { get; set; } = "main";

    /// <summary>Each branch's tip, as GET /git/ref/heads/BRANCH answers (a placeholder when unset).</summary>
    public ConcurrentDictionary<string, string> BranchTips { get; } = new();

    /// <summary>Each comment's author, by id; comments made through the API are the token's, <see cref="TokenLogin"/>.</summary>
    public ConcurrentDictionary<long, string> CommentAuthors { get; } = new();

    /// <summary>The login the token writes as.</summary>
    public string TokenLogin { get; set; } = "github-actions[bot]";

    /// <summary>Commit statuses set: commit, context, state, description.</summary>
    public ConcurrentQueue<(string Sha, string Context, string State, string Description)> Statuses { get; } = new();

    /// <summary>Each issue's comments: id and body.</summary>
    public ConcurrentDictionary<int, List<(long Id, string Body)>> Comments { get; } = new();

    /// <summary>The releases created, in order, with their uploaded assets: what GET releases/latest answers.</summary>
    public ConcurrentQueue<FakeRelease> Releases { get; } = new();

    /// <summary>Files written through the contents API: branch, path, decoded content.</summary>
    public ConcurrentQueue<(string Branch, string Path, string Content)> FileUpdates { get; } = new();

    /// <summary>Pull requests opened: title, head branch, base branch, body.</summary>
    public ConcurrentQueue<(string Title, string Head, string Base, string Body)> PullRequests { get; } = new();

    /// <summary>Issues opened: title and body.</summary>
    public ConcurrentQueue<(string Title, string Body)> Issues { get; } = new();

    /// <summary>The login that opened the pull request each commit came in with, by commit SHA.</summary>
    public ConcurrentDictionary<string, string> CommitOpeners { get; } = new();

    public void Dispose()
    {
        try
        {
            listener.Close();
        }
        catch (HttpListenerException)
        {
            // The managed listener looks its endpoint up again to remove its prefix, binding the port anew if it has
            // to; when another socket took the port meanwhile, that fails, but the listener is closed all the same.
        }

        try
        {
            loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    /// <summary>
    /// A listener on a port the system just gave out. HttpListener cannot ask for port 0, and between the probe and
    /// the listener's bind a connection from a test running alongside may take the port as its local end: then it
    /// tries another.
    /// </summary>
    private static (HttpListener Listener, string BaseUrl) ListenOnFreePort()
    {
        for (int attempt = 1; ; attempt++)
        {
            int port;
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                port = ((IPEndPoint)probe.LocalEndpoint).Port;
            }

            string baseUrl = $"http://127.0.0.1:{port}/";
            var candidate = new HttpListener();
            candidate.Prefixes.Add(baseUrl);
            try
            {
                candidate.Start();
                return (candidate, baseUrl);
            }
            catch (HttpListenerException) when (attempt < 10)
            {
                candidate.Close();
            }
        }
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

            try
            {
                await AnswerAsync(context);
            }
            catch (Exception e) when (e is IOException or HttpListenerException or JsonException or KeyNotFoundException or FormatException)
            {
                // One request the fake could not take must not stop it answering the next; the client sees why.
                await ReplyAsync(context, 500, JsonSerializer.Serialize(new Dictionary<string, string> { ["message"] = $"fake GitHub API: {e.GetType().Name}: {e.Message}" }));
            }
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        using var body = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(body);
        if (context.Request.ContentLength64 > 0 && body.Length != context.Request.ContentLength64)
        {
            throw new IOException($"read {body.Length} bytes of a {context.Request.ContentLength64}-byte body");
        }

        var request = new RecordedRequest(
            context.Request.HttpMethod, context.Request.Url!.PathAndQuery, context.Request.Headers["Authorization"], context.Request.ContentType, body.ToArray());
        Requests.Enqueue(request);
        var (status, json) = Route(request);
        await ReplyAsync(context, status, json);
    }

    private static async Task ReplyAsync(HttpListenerContext context, int status, string json)
    {
        try
        {
            bool asset = json.StartsWith(AssetPrefix, StringComparison.Ordinal);
            byte[] bytes = asset ? Convert.FromBase64String(json[AssetPrefix.Length..]) : Encoding.UTF8.GetBytes(json);
            context.Response.StatusCode = status;
            context.Response.ContentType = asset ? "application/octet-stream" : "application/json; charset=utf-8";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
        catch (Exception e) when (e is IOException or HttpListenerException or InvalidOperationException or ObjectDisposedException)
        {
            // The client went away or the answer had begun; the client's side of the test reports it.
            context.Response.Abort();
        }
    }

    private Dictionary<string, object> ReleaseJson(FakeRelease release)
    {
        var (owner, repo) = (release.Repository.Split('/')[0], release.Repository.Split('/')[1]);
        return new Dictionary<string, object>
        {
            ["id"] = release.Id,
            ["tag_name"] = release.Tag,
            ["name"] = release.Name,
            ["url"] = $"{BaseUrl}api/v3/repos/{owner}/{repo}/releases/{release.Id}",
            ["html_url"] = $"https://github.example/{owner}/{repo}/releases/tag/{release.Tag}",
            ["upload_url"] = $"{BaseUrl}uploads/repos/{owner}/{repo}/releases/{release.Id}/assets{{?name,label}}",
            ["assets"] = release.Assets.Select(a => new Dictionary<string, object>
            {
                ["id"] = a.Id,
                ["name"] = a.Name,
                ["size"] = a.Content.Length,
                ["state"] = "uploaded",
                ["url"] = $"{BaseUrl}api/v3/repos/{owner}/{repo}/releases/assets/{a.Id}",
                ["browser_download_url"] = $"https://github.example/{owner}/{repo}/releases/download/{release.Tag}/{a.Name}",
            }).ToArray(),
        };
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
            var release = new FakeRelease(id, $"{owner}/{repo}", tag, document.RootElement.GetProperty("name").GetString()!);
            Releases.Enqueue(release);
            return (201, JsonSerializer.Serialize(ReleaseJson(release)));
        }

        if (request.Method == "POST" && segments is ["uploads", "repos", _, _, "releases", var releaseId, "assets"])
        {
            string name = Uri.UnescapeDataString(request.PathAndQuery.Split("name=")[1].Split('&')[0]);
            int assetId = Interlocked.Increment(ref nextId);
            Releases.FirstOrDefault(r => r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) == releaseId)?.Assets.Enqueue((assetId, name, request.Body));
            return (201, JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["id"] = assetId,
                ["name"] = name,
                ["size"] = request.Body.Length,
                ["state"] = "uploaded",
            }));
        }

        if (request.Method == "GET" && segments is ["api", "v3", "repos", var latestOwner, var latestRepo, "releases", "latest"])
        {
            return Releases.LastOrDefault(r => r.Repository == $"{latestOwner}/{latestRepo}") is { } latest
                ? (200, JsonSerializer.Serialize(ReleaseJson(latest)))
                : (404, """{"message":"Not Found"}""");
        }

        if (request.Method == "GET" && segments is ["api", "v3", "repos", _, _, "releases", "assets", var wanted])
        {
            var asset = Releases.SelectMany(r => r.Assets).FirstOrDefault(a => a.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) == wanted);
            return asset.Content is null ? (404, """{"message":"Not Found"}""") : (200, AssetPrefix + Convert.ToBase64String(asset.Content));
        }

        return RouteIssues(request, segments);
    }

    private (int Status, string Json) RouteIssues(RecordedRequest request, string[] segments)
    {
        lock (Comments)
        {
            switch (request.Method, segments)
            {
                case ("GET", ["api", "v3", "repos", _, _, "pulls", var n]) when HeadShas.TryGetValue(Number(n), out var sha):
                    {
                        string baseRef = BaseRefs.TryGetValue(Number(n), out var named) ? named : "main";
                        if (HeadAfterFirstRead.TryRemove(Number(n), out var moved))
                        {
                            HeadShas[Number(n)] = moved;
                        }

                        return (200, JsonSerializer.Serialize(new Dictionary<string, object>
                        {
                            ["number"] = Number(n),
                            ["state"] = "open",
                            ["head"] = new Dictionary<string, object> { ["sha"] = sha, ["ref"] = "topic", ["label"] = "fork:topic" },
                            ["base"] = new Dictionary<string, object> { ["sha"] = BaseShas.TryGetValue(Number(n), out var baseSha) ? baseSha : new string('0', 40), ["ref"] = baseRef, ["label"] = "owner:" + baseRef },
                        }));
                    }

                case ("GET", ["api", "v3", "repos", var owner, var repo]):
                    return (200, JsonSerializer.Serialize(new Dictionary<string, object>
                    {
                        ["id"] = 1,
                        ["name"] = repo,
                        ["full_name"] = $"{owner}/{repo}",
                        ["default_branch"] = DefaultBranch,
                    }));
                case ("GET", ["api", "v3", "repos", _, _, "git", "ref" or "refs", "heads", ..]):
                    {
                        string branch = string.Join('/', segments[8..]);
                        return (200, JsonSerializer.Serialize(new Dictionary<string, object>
                        {
                            ["ref"] = "refs/heads/" + branch,
                            ["object"] = new Dictionary<string, object> { ["sha"] = BranchTips.TryGetValue(branch, out var tip) ? tip : new string('a', 40), ["type"] = "commit" },
                        }));
                    }
                case ("POST", ["api", "v3", "repos", _, _, "git", "refs"]):
                    {
                        var root = JsonDocument.Parse(request.Body).RootElement;
                        return (201, JsonSerializer.Serialize(new Dictionary<string, object>
                        {
                            ["ref"] = root.GetProperty("ref").GetString()!,
                            ["object"] = new Dictionary<string, object> { ["sha"] = root.GetProperty("sha").GetString()!, ["type"] = "commit" },
                        }));
                    }

                case ("GET", ["api", "v3", "repos", _, _, "contents", ..]):
                    {
                        string path = string.Join('/', segments[6..]);
                        return (200, JsonSerializer.Serialize(new Dictionary<string, object>
                        {
                            ["type"] = "file",
                            ["name"] = path.Split('/')[^1],
                            ["path"] = path,
                            ["sha"] = new string('b', 40),
                            ["size"] = 1,
                            ["encoding"] = "base64",
                            ["content"] = string.Empty,
                        }));
                    }

                case ("PUT", ["api", "v3", "repos", _, _, "contents", ..]):
                    {
                        var root = JsonDocument.Parse(request.Body).RootElement;
                        string path = string.Join('/', segments[6..]);
                        string content = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(root.GetProperty("content").GetString()!));
                        FileUpdates.Enqueue((root.GetProperty("branch").GetString()!, path, content));
                        return (200, JsonSerializer.Serialize(new Dictionary<string, object>
                        {
                            ["content"] = new Dictionary<string, object> { ["path"] = path, ["sha"] = new string('c', 40), ["name"] = path.Split('/')[^1] },
                            ["commit"] = new Dictionary<string, object> { ["sha"] = new string('d', 40), ["message"] = root.GetProperty("message").GetString()! },
                        }));
                    }

                case ("POST", ["api", "v3", "repos", var owner, var repo, "pulls"]):
                    {
                        var root = JsonDocument.Parse(request.Body).RootElement;
                        int number = Interlocked.Increment(ref nextId);
                        PullRequests.Enqueue((root.GetProperty("title").GetString()!, root.GetProperty("head").GetString()!, root.GetProperty("base").GetString()!, root.GetProperty("body").GetString()!));
                        return (201, JsonSerializer.Serialize(new Dictionary<string, object>
                        {
                            ["number"] = number,
                            ["html_url"] = $"https://github.example/{owner}/{repo}/pull/{number}",
                            ["title"] = root.GetProperty("title").GetString()!,
                            ["state"] = "open",
                        }));
                    }

                case ("POST", ["api", "v3", "repos", var owner, var repo, "issues"]):
                    {
                        var root = JsonDocument.Parse(request.Body).RootElement;
                        int number = Interlocked.Increment(ref nextId);
                        Issues.Enqueue((root.GetProperty("title").GetString()!, root.GetProperty("body").GetString()!));
                        return (201, JsonSerializer.Serialize(new Dictionary<string, object>
                        {
                            ["number"] = number,
                            ["html_url"] = $"https://github.example/{owner}/{repo}/issues/{number}",
                            ["title"] = root.GetProperty("title").GetString()!,
                            ["state"] = "open",
                        }));
                    }

                case ("GET", ["api", "v3", "repos", _, _, "commits", var sha, "pulls"]):
                    return (200, JsonSerializer.Serialize(CommitOpeners.TryGetValue(sha, out var opener)
                        ? new[] { new Dictionary<string, object> { ["number"] = 3, ["state"] = "closed", ["user"] = new Dictionary<string, object> { ["login"] = opener, ["id"] = 7 } } }
                        : []));
                case ("POST", ["api", "v3", "repos", _, _, "statuses", var sha]):
                    {
                        var root = JsonDocument.Parse(request.Body).RootElement;
                        string state = root.GetProperty("state").GetString()!, context = root.GetProperty("context").GetString()!;
                        Statuses.Enqueue((sha, context, state, root.TryGetProperty("description", out var d) ? d.GetString() ?? string.Empty : string.Empty));
                        return (201, JsonSerializer.Serialize(new Dictionary<string, object> { ["id"] = Interlocked.Increment(ref nextId), ["state"] = state, ["context"] = context }));
                    }

                case ("GET", ["api", "v3", "repos", _, _, "issues", var n, "comments"]):
                    return (200, JsonSerializer.Serialize(Comments.GetOrAdd(Number(n), _ => []).Select(c => new Dictionary<string, object>
                    {
                        ["id"] = c.Id,
                        ["body"] = c.Body,
                        ["user"] = new Dictionary<string, object> { ["login"] = CommentAuthors.TryGetValue(c.Id, out var login) ? login : "someone", ["id"] = 1 },
                    })));
                case ("POST", ["api", "v3", "repos", _, _, "issues", var n, "comments"]):
                    {
                        string body = JsonDocument.Parse(request.Body).RootElement.GetProperty("body").GetString()!;
                        long id = Interlocked.Increment(ref nextId);
                        CommentAuthors[id] = TokenLogin;
                        Comments.GetOrAdd(Number(n), _ => []).Add((id, body));
                        return (201, JsonSerializer.Serialize(new Dictionary<string, object> { ["id"] = id, ["body"] = body }));
                    }

                case ("PATCH", ["api", "v3", "repos", _, _, "issues", "comments", var id]):
                    {
                        string body = JsonDocument.Parse(request.Body).RootElement.GetProperty("body").GetString()!;
                        foreach (var list in Comments.Values)
                        {
                            int index = list.FindIndex(c => c.Id == long.Parse(id, System.Globalization.CultureInfo.InvariantCulture));
                            if (index >= 0)
                            {
                                list[index] = (list[index].Id, body);
                                return (200, JsonSerializer.Serialize(new Dictionary<string, object> { ["id"] = list[index].Id, ["body"] = body }));
                            }
                        }

                        return (404, "{\"message\": \"Not Found\"}");
                    }

                default:
                    return (404, "{\"message\": \"Not Found\"}");
            }
        }
    }

    private static int Number(string text) => int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A release the fake API holds: made by POST releases, filled by uploads.</summary>
internal sealed record FakeRelease(int Id, string Repository, string Tag, string Name)
{
    public ConcurrentQueue<(int Id, string Name, byte[] Content)> Assets { get; } = new();
}
