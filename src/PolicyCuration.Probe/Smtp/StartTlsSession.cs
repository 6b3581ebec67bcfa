using System.ComponentModel;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using PolicyCuration.Format.Findings;
using PolicyCuration.Format.Model;
using PolicyCuration.Probe.Tls;

namespace PolicyCuration.Probe.Smtp;

/// <summary>What one STARTTLS session with one address of an MX host showed.</summary>
/// <param name="TlsVersion">The negotiated TLS version (<c>TLSv1.3</c>), when a handshake completed.</param>
/// <param name="CipherSuite">The negotiated cipher suite, when a handshake completed.</param>
/// <param name="Certificate">The judgement of the certificate, when one was presented.</param>
/// <param name="Findings">Every finding of the session, certificate findings included.</param>
public sealed record StartTlsOutcome(string? TlsVersion, string? CipherSuite, CertificateVerdict? Certificate, IReadOnlyList<Finding> Findings)
{
    /// <summary>Whether a connection was tried; false when an earlier session of the run found the address unresponsive.</summary>
    public bool Attempted { get; init; } = true;

    /// <summary>Whether the address could not be connected to or never greeted: what a vantage without port 25 sees.</summary>
    public bool Unreachable => Findings.Any(f => f.Code == ProbeFindingKinds.ConnectFailed.Code || f.Code == ProbeFindingKinds.GreetingTimeout.Code);

    /// <summary>Whether the failure is one a busy server gives and a second try may not: a lost connection, a greeting refusing service.</summary>
    public bool Transient => Findings.Any(f => f.Code == ProbeFindingKinds.ConnectionLost.Code || f.Code == ProbeFindingKinds.GreetingRejected.Code);
}

/// <summary>
/// One SMTP conversation up to a completed STARTTLS handshake: connect, greeting, EHLO, STARTTLS, TLS, QUIT.
/// Each step is bounded by the probe's timeout and the reply bounds of <see cref="SmtpReplyReader"/>.
/// </summary>
public static class StartTlsSession
{
    // A polite QUIT is worth a short wait, never a full step.
    private static readonly TimeSpan QuitBound = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Runs the conversation with <paramref name="host"/> at <paramref name="address"/> and judges what it shows; with a
    /// <paramref name="gate"/>, within its per-address bounds. The certificate is judged against the host's name only:
    /// the session serves every domain behind the host, and each domain's patterns are judged by the caller.
    /// </summary>
    public static async Task<StartTlsOutcome> RunAsync(
        string host, IPAddress address, ProbeOptions options, CancellationToken cancellation, AddressGate? gate = null)
    {
        var findings = new List<Finding>();
        var endpoint = new IPEndPoint(address, options.SmtpPort);
        string where = $"{host} ({endpoint})";
        using var lease = gate is null ? null : await gate.EnterAsync(endpoint, cancellation).ConfigureAwait(false);
        if (lease?.Verdict is var (kind, reason))
        {
            return Failed(findings, kind.At(host, $"{where}: {reason} earlier in this run; not tried again", null)) with { Attempted = false };
        }

        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var network = await UpToStartTlsAsync(socket, host, where, endpoint, options, findings, lease, cancellation).ConfigureAwait(false);
        if (network is null)
        {
            return Outcome(findings);
        }

        await using (network.ConfigureAwait(false))
        {
            return await HandshakeAsync(network, host, endpoint, where, options, findings, cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>Connect, greeting, EHLO, STARTTLS: the stream ready for a TLS handshake, or null with the findings that say why not.</summary>
    private static async Task<NetworkStream?> UpToStartTlsAsync(
        Socket socket, string host, string where, IPEndPoint endpoint, ProbeOptions options, List<Finding> findings, AddressLease? lease, CancellationToken cancellation)
    {
        using (var step = Step(options, cancellation, lease))
        {
            try
            {
                await socket.ConnectAsync(endpoint, step.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                findings.Add(Unresponsive(lease, ProbeFindingKinds.ConnectFailed, host, where, $"no connection within {Seconds(options.Timeout)}"));
                return null;
            }
            catch (SocketException e)
            {
                findings.Add(ProbeFindingKinds.ConnectFailed.At(host, $"{where}: {Refusal(e, endpoint.Port)}", null));
                return null;
            }
        }

        var network = new NetworkStream(socket, ownsSocket: false);
        var replies = new SmtpReplyReader(network);
        if (await ConverseAsync(network, replies, host, where, options, findings, lease, cancellation).ConfigureAwait(false))
        {
            return network;
        }

        await network.DisposeAsync().ConfigureAwait(false);
        return null;
    }

    private static async Task<bool> ConverseAsync(
        NetworkStream network, SmtpReplyReader replies, string host, string where, ProbeOptions options, List<Finding> findings, AddressLease? lease, CancellationToken cancellation)
    {
        var greeting = await ReplyAsync(replies, host, where, "the greeting", ProbeFindingKinds.GreetingTimeout, options, findings, cancellation, lease).ConfigureAwait(false);
        if (greeting is null)
        {
            return false;
        }

        if (greeting.Code != 220)
        {
            return Refused(findings, ProbeFindingKinds.GreetingRejected.At(host, $"{where} greeted with \"{Shown(greeting)}\" instead of 220", null));
        }

        var ehlo = await CommandAsync(network, replies, $"EHLO {options.EhloName}", host, where, options, findings, cancellation).ConfigureAwait(false);
        if (ehlo is null)
        {
            return false;
        }

        if (ehlo.Code != 250)
        {
            await QuitAsync(network, cancellation).ConfigureAwait(false);
            return Refused(findings, ProbeFindingKinds.EhloFailed.At(host, $"{where} answered EHLO with \"{Shown(ehlo)}\"", null));
        }

        if (!ehlo.HasExtension("STARTTLS"))
        {
            await QuitAsync(network, cancellation).ConfigureAwait(false);
            return Refused(findings, ProbeFindingKinds.StartTlsNotOffered.At(
                host, $"{where} does not offer STARTTLS in its EHLO reply: enable TLS on every MX (Postfix: smtpd_tls_security_level = may)", null));
        }

        var startTls = await CommandAsync(network, replies, "STARTTLS", host, where, options, findings, cancellation).ConfigureAwait(false);
        if (startTls is null)
        {
            return false;
        }

        if (startTls.Code != 220)
        {
            await QuitAsync(network, cancellation).ConfigureAwait(false);
            return Refused(findings, ProbeFindingKinds.StartTlsRejected.At(host, $"{where} answered STARTTLS with \"{Shown(startTls)}\"", null));
        }

        return true;
    }

    private static bool Refused(List<Finding> findings, Finding finding)
    {
        findings.Add(finding);
        return false;
    }

    /// <summary>In a second session, the TLS version the server picks when offered TLS 1.0 to 1.2; null when it picks none.</summary>
    private static async Task<ushort?> SoundVersionAsync(string host, IPEndPoint endpoint, string where, ProbeOptions options, CancellationToken cancellation)
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var network = await UpToStartTlsAsync(socket, host, where, endpoint, options, [], null, cancellation).ConfigureAwait(false);
        if (network is null)
        {
            return null;
        }

        await using (network.ConfigureAwait(false))
        {
            using var step = Step(options, cancellation);
            try
            {
                return await TlsVersionSounding.ServerVersionAsync(network, host, step.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException && !cancellation.IsCancellationRequested)
            {
                return null;
            }
        }
    }

    private static async Task<StartTlsOutcome> HandshakeAsync(
        NetworkStream network, string host, IPEndPoint endpoint, string where, ProbeOptions options, List<Finding> findings, CancellationToken cancellation)
    {
        CertificateVerdict? verdict = null;
        var now = options.Clock.GetUtcNow();
        await using var tls = new SslStream(network, leaveInnerStreamOpen: true);
        var authentication = new SslClientAuthenticationOptions
        {
            TargetHost = host,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            CertificateChainPolicy = CertificateVerdict.ChainPolicy(options.TrustRoots, now),
            AllowRenegotiation = false,

            // Judged here on the chain the handshake built under our policy, and accepted whatever the verdict, so
            // that one session yields every certificate finding.
            RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
            {
                if (certificate is X509Certificate2 leaf && chain is not null)
                {
                    verdict = CertificateVerdict.Judge(leaf, chain, now, host, null, host);
                }

                return true;
            },
        };

        using (var step = Step(options, cancellation))
        {
            try
            {
                await tls.AuthenticateAsClientAsync(authentication, step.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                return Failed(findings, ProbeFindingKinds.HandshakeFailed.At(host, $"{where}: no TLS handshake within {Seconds(options.Timeout)}", null));
            }
            catch (Exception e) when (e is AuthenticationException or IOException or Win32Exception)
            {
                if (await SoundVersionAsync(host, endpoint, where, options, cancellation).ConfigureAwait(false) is < TlsVersionSounding.Tls12 and var old)
                {
                    return Failed(findings, ProbeFindingKinds.VersionObsolete.At(
                        host, $"{where}: offered TLS 1.0 to 1.2, the server chose {TlsVersionSounding.VersionName(old)}; enable TLS 1.2 and 1.3", null));
                }

                return Failed(findings, ProbeFindingKinds.HandshakeFailed.At(
                    host, $"{where}: TLS handshake failed: {ExceptionText.Handshake(e)}; check the server's TLS settings and certificate with openssl s_client -starttls smtp", null));
            }
        }

        string version = VersionName(tls.SslProtocol);
        if (tls.SslProtocol is not (SslProtocols.Tls12 or SslProtocols.Tls13))
        {
            findings.Add(ProbeFindingKinds.VersionObsolete.At(host, $"{where} negotiated {version}: enable TLS 1.2 or 1.3", null));
        }

        if (verdict is null)
        {
            findings.Add(ProbeFindingKinds.CertUntrusted.At(host, $"{where} presented no certificate", null));
        }
        else
        {
            findings.AddRange(verdict.Findings.Select(f => f with { Message = $"{where}: {f.Message}" }));
        }

        await QuitAsync(tls, cancellation).ConfigureAwait(false);
        return new StartTlsOutcome(version, tls.NegotiatedCipherSuite.ToString(), verdict, findings);
    }

    private static async Task<SmtpReply?> CommandAsync(
        Stream stream, SmtpReplyReader replies, string command, string host, string where, ProbeOptions options, List<Finding> findings, CancellationToken cancellation)
    {
        using (var step = Step(options, cancellation))
        {
            try
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"), step.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                findings.Add(ProbeFindingKinds.ReplyTimeout.At(host, $"{where}: could not send {Verb(command)} within {Seconds(options.Timeout)}", null));
                return null;
            }
            catch (IOException e)
            {
                findings.Add(ProbeFindingKinds.ConnectionLost.At(host, $"{where}: sending {Verb(command)}: {ExceptionText.Reasons(e)}", null));
                return null;
            }
        }

        return await ReplyAsync(replies, host, where, $"the reply to {Verb(command)}", ProbeFindingKinds.ReplyTimeout, options, findings, cancellation).ConfigureAwait(false);
    }

    private static async Task<SmtpReply?> ReplyAsync(
        SmtpReplyReader replies,
        string host,
        string where,
        string what,
        FindingKind timeoutKind,
        ProbeOptions options,
        List<Finding> findings,
        CancellationToken cancellation,
        AddressLease? lease = null)
    {
        using var step = Step(options, cancellation, lease);
        try
        {
            return await replies.ReadAsync(step.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            findings.Add(Unresponsive(lease, timeoutKind, host, where, $"{what} did not arrive complete within {Seconds(options.Timeout)}"));
        }
        catch (SmtpProtocolException e) when (e.Message.StartsWith("the connection closed", StringComparison.Ordinal))
        {
            findings.Add(ProbeFindingKinds.ConnectionLost.At(host, $"{where}: waiting for {what}: {e.Message}", null));
        }
        catch (SmtpProtocolException e)
        {
            var kind = e.Oversized ? ProbeFindingKinds.ReplyOversized : ProbeFindingKinds.ReplyMalformed;
            findings.Add(kind.At(host, $"{where}: {what}: {e.Message}", null));
        }
        catch (IOException e)
        {
            findings.Add(ProbeFindingKinds.ConnectionLost.At(host, $"{where}: waiting for {what}: {ExceptionText.Reasons(e)}", null));
        }

        return null;
    }

    private static async Task QuitAsync(Stream stream, CancellationToken cancellation)
    {
        using var step = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        step.CancelAfter(QuitBound);
        try
        {
            await stream.WriteAsync("QUIT\r\n"u8.ToArray(), step.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The verdict is already made; a server that hangs up first is no finding.
        }
    }

    private static StepBound Step(ProbeOptions options, CancellationToken cancellation, AddressLease? lease = null) =>
        new(options.Timeout, options.Clock, cancellation, lease?.Unresponsive ?? default);

    /// <summary>
    /// The finding of a step that ended without an answer: our own timeout, which declares the address unresponsive
    /// for the run, or another session's verdict on the same address, which this session shares.
    /// </summary>
    private static Finding Unresponsive(AddressLease? lease, FindingKind kind, string host, string where, string timedOut)
    {
        if (lease?.Verdict is var (sharedKind, reason))
        {
            return sharedKind.At(host, $"{where}: {reason} in another session of this run", null);
        }

        lease?.DeclareUnresponsive(kind, timedOut);
        return kind.At(host, $"{where}: {timedOut}", null);
    }

    private static StartTlsOutcome Failed(List<Finding> findings, Finding finding)
    {
        findings.Add(finding);
        return Outcome(findings);
    }

    private static StartTlsOutcome Outcome(List<Finding> findings) => new(null, null, null, findings);

    private static string VersionName(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls13 => "TLSv1.3",
        SslProtocols.Tls12 => "TLSv1.2",
#pragma warning disable SYSLIB0039 // named to report them, never enabled
        SslProtocols.Tls11 => "TLSv1.1",
        SslProtocols.Tls => "TLSv1",
#pragma warning restore SYSLIB0039
        _ => protocol.ToString(),
    };

    private static string Verb(string command) => command.Split(' ')[0];

    private static string Shown(SmtpReply reply)
    {
        string text = reply.ToString();
        return text.Length > 200 ? text[..200] + "…" : text;
    }

    private static string Seconds(TimeSpan timeout) => $"{timeout.TotalSeconds:0.#} s";

    /// <summary>Why no connection was made, and what the MX host's admin checks.</summary>
    private static string Refusal(SocketException e, int port) => e.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => $"connection refused: nothing accepts connections on port {port} there; check that the SMTP server runs and listens on that address",
        SocketError.HostUnreachable or SocketError.NetworkUnreachable => $"unreachable: no route to the address; check the MX host's address records",
        SocketError.TimedOut => $"no answer on port {port}: a firewall may drop it; port {port} must be open to the internet",
        _ => $"{e.Message}; check that the SMTP server listens on port {port} and its firewall lets it in",
    };
}
