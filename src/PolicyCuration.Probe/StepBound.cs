namespace PolicyCuration.Probe;

/// <summary>
/// The bound on one network step: the run's cancellation and others, and a timeout kept by the probe's clock, so that
/// a test with its own clock decides when a step has waited too long.
/// </summary>
internal sealed class StepBound : IDisposable
{
    private readonly CancellationTokenSource timer;
    private readonly CancellationTokenSource linked;

    /// <summary>A bound of <paramref name="timeout"/> on <paramref name="clock"/>, also ended by <paramref name="cancellation"/> or <paramref name="also"/>.</summary>
    public StepBound(TimeSpan timeout, TimeProvider clock, CancellationToken cancellation, CancellationToken also = default)
    {
        timer = new CancellationTokenSource(timeout, clock);
        linked = CancellationTokenSource.CreateLinkedTokenSource(cancellation, also, timer.Token);
    }

    /// <summary>Cancelled when the step must end.</summary>
    public CancellationToken Token => linked.Token;

    /// <inheritdoc/>
    public void Dispose()
    {
        linked.Dispose();
        timer.Dispose();
    }
}
