using System.Net;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using PolicyCuration.Format.Findings;
using PolicyCuration.Probe.Dns;
using PolicyCuration.Probe.Tls;

namespace PolicyCuration.Probe.MtaSts;

/// <summary>The result of fetching a policy: the policy, or the findings that say why there is none.</summary>
/// <param name="Policy">The parsed policy, when it was fetched and valid.</param>
/// <param name="Findings">Fetch and parse findings.</param>
public sealed record MtaStsFetch(MtaStsPolicy? Policy, IReadOnlyList<Finding> Findings);

/// <summary>
/// Fetches MTA-STS policies over HTTPS as RFC 8461 §3.3 asks: names resolved through the probe's DNS, certificates
/// judged like an MX's, no redirect followed, 200 and <c>text/plain</c> only, 64 KiB at most, the whole fetch
/// bounded by the probe's timeout.
/// </summary>
public sealed class MtaStsFetcher : IDisposable
{
    private readonly HttpClient client;
    private readonly ProbeOptions options;

    /// <summary>A fetcher resolving through <paramref name="dns"/> and trusting what <paramref name="options"/> trusts.</summary>
    public MtaStsFetcher(MailDns dns, ProbeOptions options)
    {
        this.options = options;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
            MaxResponseHeadersLength = 16,
            ConnectTimeout = options.Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            ConnectCallback = (context, cancellation) => ConnectAsync(dns, options, context, cancellation),
        };
        client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("policyctl-probe", "1"));
    }

    /// <summary>Fetches and parses the policy of <paramref name="domain"/>.</summary>
    public async Task<MtaStsFetch> FetchAsync(string domain, CancellationToken cancellation)
    {
        string host = $"mta-sts.{domain}";
        var uri = new UriBuilder("https", host, options.HttpsPort, "/.well-known/mta-sts.txt").Uri;

        // The connect callback does TLS itself (its own name resolution and certificate judgement), so the
        // handler is given the same URL as plain HTTP over the stream the callback returns.
        var plain = new UriBuilder(uri) { Scheme = "http", Port = options.HttpsPort }.Uri;
        var findings = new List<Finding>();
        using var step = new StepBound(options.Timeout, options.Clock, cancellation);
        using var request = new HttpRequestMessage(HttpMethod.Get, plain);
        var rejection = new ConnectFailure();
        request.Options.Set(ConnectFailure.Key, rejection);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, step.Token).ConfigureAwait(false);
            if ((int)response.StatusCode is >= 300 and < 400)
            {
                string to = response.Headers.Location?.ToString() ?? "nowhere";
                return Failed(findings, ProbeFindingKinds.MtaStsPolicyRedirect.At(
                    domain, $"{uri} redirects ({(int)response.StatusCode}) to {Shown(to)}; senders do not follow redirects: serve the policy at this URL", null));
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                return Failed(findings, ProbeFindingKinds.MtaStsPolicyFetchFailed.At(domain, $"{uri} answered {(int)response.StatusCode} {response.ReasonPhrase}", null));
            }

            string? mediaType = response.Content.Headers.ContentType?.MediaType;
            if (!string.Equals(mediaType, "text/plain", StringComparison.OrdinalIgnoreCase))
            {
                return Failed(findings, ProbeFindingKinds.MtaStsPolicyContentType.At(
                    domain, $"{uri} is served as {mediaType ?? "no media type"}; RFC 8461 requires text/plain", null));
            }

            if (response.Content.Headers.ContentLength > MtaStsPolicy.MaxBytes)
            {
                return Failed(findings, TooLarge(domain, uri, $"{response.Content.Headers.ContentLength} bytes"));
            }

            byte[]? body = await ReadCappedAsync(response, step.Token).ConfigureAwait(false);
            if (body is null)
            {
                return Failed(findings, TooLarge(domain, uri, "more than that"));
            }

            var (policy, problems) = MtaStsPolicy.Parse(Encoding.UTF8.GetString(body));
            if (policy is null)
            {
                return Failed(findings, ProbeFindingKinds.MtaStsPolicyInvalid.At(domain, $"{uri}: {string.Join("; ", problems.Take(5))}", null));
            }

            return new MtaStsFetch(policy, findings);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return Failed(findings, ProbeFindingKinds.MtaStsPolicyFetchFailed.At(domain, $"{uri}: no complete answer within {options.Timeout.TotalSeconds:0.#} s", null));
        }
        catch (HttpRequestException e)
        {
            string why = rejection.Reason ?? ExceptionText.Reasons(e);
            return Failed(findings, ProbeFindingKinds.MtaStsPolicyFetchFailed.At(domain, $"{uri}: {why}", null));
        }
    }

    /// <inheritdoc/>
    public void Dispose() => client.Dispose();

    private static async Task<byte[]?> ReadCappedAsync(HttpResponseMessage response, CancellationToken cancellation)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellation).ConfigureAwait(false);
        var buffer = new byte[MtaStsPolicy.MaxBytes + 1];
        int total = 0;
        while (total < buffer.Length)
        {
            int read = await stream.ReadAsync(buffer.AsMemory(total), cancellation).ConfigureAwait(false);
            if (read == 0)
            {
                return buffer[..total];
            }

            total += read;
        }

        return null;
    }

    private static async ValueTask<Stream> ConnectAsync(MailDns dns, ProbeOptions options, SocketsHttpConnectionContext context, CancellationToken cancellation)
    {
        string host = context.DnsEndPoint.Host;
        var addresses = await dns.AddressesAsync(host, cancellation).ConfigureAwait(false);
        if (addresses.Outcome != DnsOutcome.Found)
        {
            throw Refused(context, $"{host} has no address ({addresses.Error ?? addresses.Outcome.ToString()})");
        }

        NetworkStream? network = null;
        string? lastError = null;
        var allowed = addresses.Records.Where(a => options.AllowPrivateAddresses || AddressScope.NonPublicKind(a) is null).Take(options.MaxAddressesPerHost).ToList();
        if (allowed.Count == 0)
        {
            throw Refused(context, $"{host} resolves only to addresses that are not public ({string.Join(", ", addresses.Records.Take(4))}); the probe does not connect there");
        }

        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellation).ConfigureAwait(false);
                network = new NetworkStream(socket, ownsSocket: true);
                break;
            }
            catch (SocketException e)
            {
                socket.Dispose();
                lastError = $"{address}: {e.Message}";
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        if (network is null)
        {
            throw Refused(context, $"cannot connect to {host}:{context.DnsEndPoint.Port} ({lastError})");
        }

        CertificateVerdict? verdict = null;
        var now = options.Clock.GetUtcNow();
        var tls = new SslStream(network, leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = host,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    CertificateChainPolicy = CertificateVerdict.ChainPolicy(options.TrustRoots, now),
                    RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
                    {
                        if (certificate is X509Certificate2 leaf && chain is not null)
                        {
                            verdict = CertificateVerdict.Judge(leaf, chain, now, host, null, host);
                        }

                        return verdict?.Passed == true;
                    },
                },
                cancellation).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            string why = verdict is { Passed: false }
                ? "certificate refused: " + string.Join("; ", verdict.Findings.Where(f => f.Severity == Severity.Error).Select(f => f.Message))
                : $"TLS handshake with {host} failed: {ExceptionText.Handshake(e)}";
            throw Refused(context, why);
        }

        return tls;
    }

    private static HttpRequestException Refused(SocketsHttpConnectionContext context, string reason)
    {
        if (context.InitialRequestMessage.Options.TryGetValue(ConnectFailure.Key, out var failure))
        {
            failure.Reason = reason;
        }

        return new HttpRequestException(reason);
    }

    private static Finding TooLarge(string domain, Uri uri, string size) =>
        ProbeFindingKinds.MtaStsPolicyTooLarge.At(domain, $"{uri} is larger than {MtaStsPolicy.MaxBytes} bytes ({size}); senders stop reading at 64 KiB", null);

    private static MtaStsFetch Failed(List<Finding> findings, Finding finding)
    {
        findings.Add(finding);
        return new MtaStsFetch(null, findings);
    }

    private static string Shown(string text) => text.Length > 200 ? text[..200] + "…" : text;


    // The handler wraps what the connect callback throws; this carries the reason out unwrapped.
    private sealed class ConnectFailure
    {
        public static readonly HttpRequestOptionsKey<ConnectFailure> Key = new("policycuration.connect-failure");

        public string? Reason { get; set; }
    }
}
