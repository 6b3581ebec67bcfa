using System.Net;
using System.Security.Cryptography.X509Certificates;
using PolicyCuration.Signing;

namespace PolicyCuration.Consumer;

/// <summary>Where releases come from: an HTTPS base URL (each file at URL/name) or a directory; every fetch capped and bounded in time.</summary>
public sealed class ReleaseSource : IDisposable
{
    /// <summary>The largest list fetched.</summary>
    public const long MaxListBytes = 64L * 1024 * 1024;

    private readonly string location;
    private readonly HttpClient? client;
    private readonly TimeSpan timeout;

    /// <summary>A source at <paramref name="location"/>; <paramref name="trustRoots"/> replace the system store for HTTPS when given.</summary>
    public ReleaseSource(string location, TimeSpan timeout, X509Certificate2Collection? trustRoots)
    {
        this.location = location;
        this.timeout = timeout;
        if (location.Contains("/OWNER/NAME/", StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"--source {location}: OWNER/NAME is a placeholder; give the list's releases, such as https://github.com/ORG/LIST/releases/latest/download " +
                "(the package reads it from STARTTLS_POLICY_SOURCE in /etc/starttls-policy/starttls-policy.conf)");
        }

        if (!location.Contains("://", StringComparison.Ordinal))
        {
            return;
        }

        if (!location.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"--source {location}: only https:// URLs and directories are accepted");
        }

        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 5,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = timeout,
            UseCookies = false,
        };
        if (trustRoots is not null)
        {
            handler.SslOptions.CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            handler.SslOptions.CertificateChainPolicy.CustomTrustStore.AddRange(trustRoots);
        }

        client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("starttls-policy/1");
    }

    /// <summary>Fetches the four files of the release.</summary>
    /// <exception cref="ReleaseRefusedException">A file is missing, too large or too slow (<c>release.fetch.failed</c>).</exception>
    public async Task<ReleaseFiles> FetchAsync(CancellationToken cancellation)
    {
        if (client is null)
        {
            return ReleaseVerifier.ReadDirectory(location, MaxListBytes);
        }

        var list = await GetAsync(ReleaseFiles.Names[0], MaxListBytes, cancellation).ConfigureAwait(false);
        var listSignature = await GetAsync(ReleaseFiles.Names[1], 4096, cancellation).ConfigureAwait(false);
        var manifest = await GetAsync(ReleaseFiles.Names[2], ReleaseManifest.MaxBytes, cancellation).ConfigureAwait(false);
        var manifestSignature = await GetAsync(ReleaseFiles.Names[3], 4096, cancellation).ConfigureAwait(false);
        return new ReleaseFiles(list, System.Text.Encoding.UTF8.GetString(listSignature), manifest, System.Text.Encoding.UTF8.GetString(manifestSignature));
    }

    /// <inheritdoc/>
    public void Dispose() => client?.Dispose();

    private async Task<byte[]> GetAsync(string name, long max, CancellationToken cancellation)
    {
        var uri = new Uri(location.TrimEnd('/') + "/" + name);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        bound.CancelAfter(timeout);
        try
        {
            using var response = await client!.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, bound.Token).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new ReleaseRefusedException(ReleaseFindingKinds.FetchFailed, $"{uri}: {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            if (response.Content.Headers.ContentLength > max)
            {
                throw new ReleaseRefusedException(ReleaseFindingKinds.FetchFailed, $"{uri}: {response.Content.Headers.ContentLength} bytes, more than {max}");
            }

            await using var stream = await response.Content.ReadAsStreamAsync(bound.Token).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, bound.Token).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > max)
                {
                    throw new ReleaseRefusedException(ReleaseFindingKinds.FetchFailed, $"{uri}: more than {max} bytes");
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            throw new ReleaseRefusedException(ReleaseFindingKinds.FetchFailed, $"{uri}: not complete within {timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e)
        {
            throw new ReleaseRefusedException(ReleaseFindingKinds.FetchFailed, $"{uri}: {Explain(e)}");
        }
    }

    /// <summary>Why a download failed, in one line: the HTTP stack's chain ("see inner exception") read for its cause.</summary>
    private static string Explain(HttpRequestException e)
    {
        var causes = new List<string>();
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            string message = current.Message.TrimEnd('.', ' ');
            if (!message.Contains("inner exception", StringComparison.OrdinalIgnoreCase) && !causes.Contains(message))
            {
                causes.Add(message);
            }
        }

        string cause = causes.Count > 0 ? string.Join(": ", causes.Take(2)) : "the connection failed";
        return e.HttpRequestError switch
        {
            HttpRequestError.SecureConnectionError => $"the TLS connection failed: {cause}; the server's certificate must chain to a CA this machine trusts (or give --ca-file)",
            HttpRequestError.NameResolutionError => $"the host name does not resolve: {cause}; check --source",
            HttpRequestError.ConnectionError => $"no connection: {cause}",
            _ => cause,
        };
    }
}
