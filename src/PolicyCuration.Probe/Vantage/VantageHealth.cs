using PolicyCuration.Format.Findings;

namespace PolicyCuration.Probe.Vantage;

/// <summary>Whether a probing run can be believed.</summary>
public enum VantageStatus
{
    /// <summary>The canaries greeted, and the run's failures look like the domains' own.</summary>
    Healthy,

    /// <summary>The canaries greeted, but too many of the run's endpoints or lookups failed for the list to be that broken.</summary>
    Suspect,

    /// <summary>Most canaries could not be reached: the vantage, not the domains, is broken.</summary>
    Unhealthy,

    /// <summary>No canaries were configured: nothing says whether the vantage works.</summary>
    Unchecked,
}

/// <summary>What one canary showed.</summary>
/// <param name="Host">The canary host.</param>
/// <param name="Reached">Whether it greeted on the SMTP port.</param>
/// <param name="Detail">Where it was reached, or why not.</param>
public sealed record CanaryOutcome(string Host, bool Reached, string Detail);

/// <summary>How much work a probing run did, and how much of it failed for want of a connection or an answer.</summary>
/// <param name="Domains">Domains probed.</param>
/// <param name="MxLookupsFailed">Domains whose MX lookup failed (SERVFAIL, timeout): not an answer, a missing one.</param>
/// <param name="Endpoints">Distinct (MX host, address) pairs.</param>
/// <param name="EndpointsUnreachable">Endpoints that could not be connected to, or never greeted.</param>
/// <param name="SessionsOpened">SMTP connections attempted, retries included.</param>
/// <param name="EndpointUses">Times a domain used an endpoint's session: the sessions saved are this less <paramref name="SessionsOpened"/>.</param>
/// <param name="DnsQuestions">Questions sent to the DNS server.</param>
public sealed record ProbeStatistics(
    int Domains, int MxLookupsFailed, int Endpoints, int EndpointsUnreachable, int SessionsOpened, int EndpointUses, long DnsQuestions)
{
    /// <summary>One line for logs.</summary>
    public override string ToString() =>
        $"{Domains} domains, {SessionsOpened} SMTP sessions to {Endpoints} endpoints (used {EndpointUses} times), {DnsQuestions} DNS questions " +
        $"({(Domains == 0 ? 0 : (double)DnsQuestions / Domains):0.#} per domain)";
}

/// <summary>The health of the vantage a run probed from, recorded with its results.</summary>
/// <param name="Id">The vantage's configured name.</param>
/// <param name="Status">Whether the run can be believed.</param>
/// <param name="Reason">Why, in one sentence.</param>
/// <param name="CanariesReached">Canaries that greeted.</param>
/// <param name="Canaries">Canaries tried.</param>
/// <param name="Endpoints">Distinct endpoints of the run.</param>
/// <param name="EndpointsUnreachable">Endpoints of the run that could not be connected to.</param>
public sealed record VantageHealth(string Id, VantageStatus Status, string Reason, int CanariesReached, int Canaries, int Endpoints, int EndpointsUnreachable)
{
    /// <summary>The share of endpoints, or of MX lookups, whose failure makes a run suspect.</summary>
    public const double SuspectShare = 0.2;

    /// <summary>The fewest endpoints, or domains, for that share to mean anything: below it, one dead host is the domain's own.</summary>
    public const int SuspectMinimum = 20;

    /// <summary>Whether the run's failures may be held against the domains.</summary>
    public bool Trusted => Status == VantageStatus.Healthy;

    /// <summary>The status as the records write it.</summary>
    public string StatusName => Status.ToString().ToLowerInvariant();

    /// <summary>The finding that says the vantage is not healthy, ending with <paramref name="consequence"/> for the run; null when it is healthy.</summary>
    public Finding? ToFinding(string consequence) => Status switch
    {
        VantageStatus.Unhealthy => ProbeFindingKinds.VantageUnhealthy.At("vantage", $"THE PROBING HOST {Id} IS UNHEALTHY ({Reason}): {consequence}", null),
        VantageStatus.Suspect => ProbeFindingKinds.VantageSuspect.At("vantage", $"THE PROBING HOST {Id} IS SUSPECT ({Reason}): {consequence}", null),
        VantageStatus.Unchecked => ProbeFindingKinds.VantageUnchecked.At("vantage", $"{Reason}: give --canaries FILE", null),
        _ => null,
    };

    /// <summary>
    /// Judges a run: unhealthy when fewer than half of the canaries greeted; suspect when they did but more than
    /// <see cref="SuspectShare"/> of at least <see cref="SuspectMinimum"/> endpoints could not be connected to, or of as
    /// many domains' MX lookups failed, since no real list breaks a fifth at once while the canaries work; healthy otherwise.
    /// </summary>
    public static VantageHealth Judge(string id, IReadOnlyList<CanaryOutcome> canaries, ProbeStatistics run)
    {
        int reached = canaries.Count(c => c.Reached);
        VantageHealth Verdict(VantageStatus status, string reason) => new(id, status, reason, reached, canaries.Count, run.Endpoints, run.EndpointsUnreachable);

        if (canaries.Count == 0)
        {
            return Verdict(VantageStatus.Unchecked, "no canaries are configured, so nothing shows that this host reaches port 25");
        }

        if (reached * 2 < canaries.Count)
        {
            var failed = canaries.Where(c => !c.Reached).Select(c => $"{c.Host}: {c.Detail}");
            return Verdict(VantageStatus.Unhealthy, $"{canaries.Count - reached} of {canaries.Count} canaries could not be reached ({string.Join("; ", failed)})");
        }

        if (run.Endpoints >= SuspectMinimum && run.EndpointsUnreachable > run.Endpoints * SuspectShare)
        {
            return Verdict(VantageStatus.Suspect, $"{run.EndpointsUnreachable} of {run.Endpoints} MX endpoints could not be connected to, more than a fifth, while the canaries could");
        }

        if (run.Domains >= SuspectMinimum && run.MxLookupsFailed > run.Domains * SuspectShare)
        {
            return Verdict(VantageStatus.Suspect, $"the MX lookup of {run.MxLookupsFailed} of {run.Domains} domains failed, more than a fifth: the resolver, not the domains, looks broken");
        }

        return Verdict(VantageStatus.Healthy, $"{reached} of {canaries.Count} canaries greeted; {run.EndpointsUnreachable} of {run.Endpoints} MX endpoints could not be connected to");
    }
}
