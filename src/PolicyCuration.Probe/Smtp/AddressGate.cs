using System.Collections.Concurrent;
using System.Net;
using PolicyCuration.Format.Findings;

namespace PolicyCuration.Probe.Smtp;

/// <summary>
/// The per-address bounds of a probe run. At most <see cref="SessionsPerAddress"/> sessions reach one address at
/// once, so that thousands of domains sharing a provider's MX never flood it. An address that does not connect or
/// greet within the timeout is declared unresponsive for the rest of the run: the sessions waiting on it stop with
/// the same finding, and later ones are not tried, so 100 domains on a dead address cost one timeout, not 100.
/// </summary>
public sealed class AddressGate
{
    private readonly ConcurrentDictionary<IPEndPoint, Address> addresses = new();

    /// <summary>A gate letting <paramref name="sessionsPerAddress"/> sessions reach each address at once.</summary>
    public AddressGate(int sessionsPerAddress)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sessionsPerAddress, 1);
        SessionsPerAddress = sessionsPerAddress;
    }

    /// <summary>How many sessions may reach one address at once.</summary>
    public int SessionsPerAddress { get; }

    /// <summary>Waits for a session slot at <paramref name="endpoint"/>.</summary>
    public async Task<AddressLease> EnterAsync(IPEndPoint endpoint, CancellationToken cancellation)
    {
        var address = addresses.GetOrAdd(endpoint, _ => new Address(SessionsPerAddress));
        await address.Slots.WaitAsync(cancellation).ConfigureAwait(false);
        return new AddressLease(address);
    }

    internal sealed class Address(int slots)
    {
        public SemaphoreSlim Slots { get; } = new(slots);

        public CancellationTokenSource Unresponsive { get; } = new();

        public (FindingKind Kind, string Reason)? Verdict { get; set; }
    }
}

/// <summary>A session's slot at one address: released when disposed.</summary>
public sealed class AddressLease : IDisposable
{
    private readonly AddressGate.Address address;

    internal AddressLease(AddressGate.Address address) => this.address = address;

    /// <summary>Cancelled when another session finds the address unresponsive.</summary>
    public CancellationToken Unresponsive => address.Unresponsive.Token;

    /// <summary>Why the address was declared unresponsive, when it was.</summary>
    public (FindingKind Kind, string Reason)? Verdict
    {
        get
        {
            lock (address)
            {
                return address.Verdict;
            }
        }
    }

    /// <summary>Declares the address unresponsive for the rest of the run (the first reason is kept).</summary>
    public void DeclareUnresponsive(FindingKind kind, string reason)
    {
        lock (address)
        {
            address.Verdict ??= (kind, reason);
        }

        address.Unresponsive.Cancel();
    }

    /// <inheritdoc/>
    public void Dispose() => address.Slots.Release();
}
