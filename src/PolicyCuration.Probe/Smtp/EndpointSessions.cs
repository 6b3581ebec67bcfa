using System.Collections.Concurrent;
using System.Net;

namespace PolicyCuration.Probe.Smtp;

/// <summary>
/// The SMTP sessions of one probe run: each (MX host, address) is talked to once, retried once after a transient
/// failure, and its outcome serves every domain behind it. Thousands of list domains share a few providers' MX hosts;
/// a run that opened a session per domain would look like an attack to them, and be blocklisted like one.
/// </summary>
public sealed class EndpointSessions
{
    /// <summary>How long to wait before the one retry of a session that failed transiently.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<(string Host, IPAddress Address), Lazy<Task<StartTlsOutcome>>> sessions = new();
    private readonly ProbeOptions options;
    private readonly AddressGate gate;
    private readonly SemaphoreSlim slots;
    private int opened;
    private int unreachable;
    private int uses;

    /// <summary>Sessions under <paramref name="options"/>, at most <see cref="ProbeOptions.Concurrency"/> at once.</summary>
    public EndpointSessions(ProbeOptions options)
    {
        this.options = options;
        gate = new AddressGate(options.SessionsPerAddress);
        slots = new SemaphoreSlim(options.Concurrency);
    }

    /// <summary>How many distinct (host, address) pairs were asked for.</summary>
    public int Endpoints => sessions.Count;

    /// <summary>How many connections were attempted, retries included.</summary>
    public int Opened => Volatile.Read(ref opened);

    /// <summary>How many endpoints could not be connected to, or never greeted.</summary>
    public int Unreachable => Volatile.Read(ref unreachable);

    /// <summary>How many times an outcome was asked for: once per domain and address.</summary>
    public int Uses => Volatile.Read(ref uses);

    /// <summary>The outcome of the session with <paramref name="host"/> at <paramref name="address"/>, run once for the whole run.</summary>
    public Task<StartTlsOutcome> GetAsync(string host, IPAddress address, CancellationToken cancellation)
    {
        Interlocked.Increment(ref uses);
        return sessions.GetOrAdd((host, address), key => new Lazy<Task<StartTlsOutcome>>(() => RunAsync(key.Host, key.Address, cancellation))).Value;
    }

    private async Task<StartTlsOutcome> RunAsync(string host, IPAddress address, CancellationToken cancellation)
    {
        var outcome = await OnceAsync(host, address, cancellation).ConfigureAwait(false);
        if (outcome.Transient)
        {
            await Task.Delay(RetryDelay, options.Clock, cancellation).ConfigureAwait(false);
            outcome = await OnceAsync(host, address, cancellation).ConfigureAwait(false);
        }

        if (outcome.Unreachable)
        {
            Interlocked.Increment(ref unreachable);
        }

        return outcome;
    }

    private async Task<StartTlsOutcome> OnceAsync(string host, IPAddress address, CancellationToken cancellation)
    {
        await slots.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            var outcome = await StartTlsSession.RunAsync(host, address, options, cancellation, gate).ConfigureAwait(false);
            if (outcome.Attempted)
            {
                Interlocked.Increment(ref opened);
            }

            return outcome;
        }
        finally
        {
            slots.Release();
        }
    }
}
