using PolicyCuration.Format.Model;

namespace PolicyCuration.Audit;

/// <summary>What the audit proposes for a domain.</summary>
public enum ProposalKind
{
    /// <summary>From enforce to testing.</summary>
    Demote,

    /// <summary>Out of the list.</summary>
    Remove,

    /// <summary>New MX patterns, from the domain's MTA-STS policy.</summary>
    Update,
}

/// <summary>A proposed edit of one domain, with the audits that justify it.</summary>
/// <param name="Domain">The domain.</param>
/// <param name="Kind">The edit.</param>
/// <param name="Reason">Why, in one sentence.</param>
/// <param name="Evidence">The audits behind it, oldest first.</param>
/// <param name="NewMxs">For <see cref="ProposalKind.Update"/>, the patterns to write.</param>
public sealed record Proposal(string Domain, ProposalKind Kind, string Reason, IReadOnlyList<AuditRecord> Evidence, IReadOnlyList<string>? NewMxs = null);

/// <summary>
/// The audit's decisions, with hysteresis as hstspreload removes domains only after scans weeks apart: one flaky failure
/// never changes anything, and a domain that recovers is dropped from the proposals. Only runs from a healthy vantage
/// count; where two or more vantages audit the list, a failure counts only when another vantage saw the domain fail
/// within <see cref="ConfirmationWindow"/>, and a pass from any of them is a pass.
/// </summary>
public static class AuditDecisions
{
    /// <summary>How far apart two failing audits must be to demote an enforced domain.</summary>
    public static readonly TimeSpan DemotionSpread = TimeSpan.FromDays(7);

    /// <summary>How long a domain must fail every audit to be removed.</summary>
    public static readonly TimeSpan RemovalWindow = TimeSpan.FromDays(30);

    /// <summary>The share of the list one run may demote or remove unless a maintainer allows more.</summary>
    public const double DefaultMaxChange = 0.05;

    /// <summary>How many domains of a list of <paramref name="size"/> one run may demote or remove: <paramref name="share"/> of it, at least one.</summary>
    public static int MassChangeAllowance(int size, double share) => Math.Max(1, (int)Math.Floor(size * share));

    /// <summary>How close in time another vantage's failure must be to confirm one.</summary>
    public static readonly TimeSpan ConfirmationWindow = TimeSpan.FromDays(1);

    /// <summary>The proposals that <paramref name="history"/> supports, one per domain at most, by domain.</summary>
    public static IReadOnlyList<Proposal> Decide(IEnumerable<AuditRecord> history)
    {
        var trusted = history.Where(r => r.Trusted).ToList();
        if (trusted.Count == 0)
        {
            return [];
        }

        // The vantages auditing the list lately: one that stopped a month ago confirms nothing, and need not.
        var latestRun = trusted.Max(r => r.Time);
        bool severalVantages = trusted.Where(r => r.Time >= latestRun - RemovalWindow).Select(r => r.VantageId).Distinct(StringComparer.Ordinal).Count() >= 2;
        var proposals = new List<Proposal>();
        foreach (var audits in trusted.GroupBy(r => r.Domain, StringComparer.OrdinalIgnoreCase).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var ordered = audits.OrderBy(r => r.Time).ToList();
            if (severalVantages)
            {
                ordered = Confirmed(ordered);
            }

            if (ordered.Count > 0 && Decide(ordered) is { } proposal)
            {
                proposals.Add(proposal);
            }
        }

        return proposals;
    }

    /// <summary>The passes, and the failures another vantage also saw within <see cref="ConfirmationWindow"/>.</summary>
    private static List<AuditRecord> Confirmed(List<AuditRecord> audits) =>
        [.. audits.Where(r => r.Passed || audits.Any(other =>
            !other.Passed && other.VantageId != r.VantageId && (other.Time - r.Time).Duration() <= ConfirmationWindow))];

    private static Proposal? Decide(List<AuditRecord> audits)
    {
        var latest = audits[^1];
        if (latest.MtaStsMode == "none")
        {
            return new Proposal(latest.Domain, ProposalKind.Remove, "it publishes an MTA-STS policy in mode none: it asks senders not to require TLS", [latest]);
        }

        if (latest.Passed)
        {
            return MxSetChanged(latest);
        }

        // The failures since the last audit that passed: only an unbroken run of them counts.
        var streak = audits.Skip(audits.FindLastIndex(r => r.Passed) + 1).ToList();
        var spread = streak[^1].Time - streak[0].Time;

        var unresolved = streak.Skip(streak.FindLastIndex(r => !r.MxUnresolved) + 1).ToList();
        if (unresolved.Count >= 2 && unresolved[^1].Time - unresolved[0].Time >= DemotionSpread)
        {
            return new Proposal(
                latest.Domain, ProposalKind.Remove, $"its MX has not resolved since {unresolved[0].Time:yyyy-MM-dd} ({string.Join(", ", latest.ErrorCodes)})", unresolved);
        }

        if (spread >= RemovalWindow)
        {
            return new Proposal(
                latest.Domain, ProposalKind.Remove, $"it has failed every audit since {streak[0].Time:yyyy-MM-dd} ({spread.TotalDays:0} days)", streak);
        }

        if (latest.Mode == PolicyMode.Enforce && streak.Count >= 2 && spread >= DemotionSpread)
        {
            return new Proposal(
                latest.Domain, ProposalKind.Demote, $"it has failed {streak.Count} audits over {spread.TotalDays:0} days ({string.Join(", ", streak.SelectMany(r => r.ErrorCodes).Distinct())})", streak);
        }

        return null;
    }

    private static Proposal? MxSetChanged(AuditRecord latest)
    {
        if (latest.MtaStsMode is not ("enforce" or "testing") || latest.MtaStsMx is not { Count: > 0 } theirs)
        {
            return null;
        }

        var ours = latest.Mxs.Select(m => m.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        return ours.SetEquals(theirs)
            ? null
            : new Proposal(latest.Domain, ProposalKind.Update, $"its MTA-STS policy now lists {string.Join(", ", theirs)}", [latest], theirs);
    }
}
