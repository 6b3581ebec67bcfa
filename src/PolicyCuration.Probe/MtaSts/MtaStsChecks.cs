using PolicyCuration.Format.Findings;
using PolicyCuration.Format.Model;

namespace PolicyCuration.Probe.MtaSts;

/// <summary>How an MTA-STS policy agrees with the list's entry and with the MX hosts found.</summary>
public static class MtaStsChecks
{
    /// <summary>Findings where <paramref name="policy"/> disagrees with <paramref name="target"/>'s entry or misses one of <paramref name="mxHosts"/>.</summary>
    public static IEnumerable<Finding> AgainstEntry(ProbeTarget target, MtaStsPolicy policy, IReadOnlyList<string> mxHosts)
    {
        string domain = target.Domain;
        if (policy.MaxAge < DomainProber.ShortMaxAge)
        {
            yield return ProbeFindingKinds.MtaStsPolicyMaxAgeShort.At(
                domain, $"the MTA-STS policy of {domain} has max_age {policy.MaxAge} s: senders forget it within a day; use weeks (RFC 8461 suggests 10886400 or more)", null);
        }

        if (target.Mode == PolicyMode.Enforce && policy.Mode != "enforce")
        {
            yield return ProbeFindingKinds.MtaStsPolicyModeMismatch.At(
                domain, $"the entry of {domain} enforces, but its MTA-STS policy says mode {policy.Mode}: the domain does not commit to TLS", null);
        }

        if (policy.Mode == "none")
        {
            yield break;
        }

        var uncovered = mxHosts.Where(h => !policy.ListPatterns.Any(p => p.Matches(h))).ToList();
        if (uncovered.Count > 0)
        {
            yield return ProbeFindingKinds.MtaStsPolicyMxMismatch.At(
                domain, $"the MTA-STS policy of {domain} ({string.Join(", ", policy.Mx)}) does not cover MX {string.Join(", ", uncovered)}", null);
        }
        else if (target.Mxs is { } entry)
        {
            var ours = entry.Select(p => p.Text.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
            var theirs = policy.ListPatterns.Select(p => p.Text).ToHashSet(StringComparer.Ordinal);
            if (!ours.SetEquals(theirs))
            {
                yield return ProbeFindingKinds.MtaStsPolicyMxMismatch.At(
                    domain,
                    $"the entry of {domain} lists {string.Join(", ", ours.Order(StringComparer.Ordinal))}, its MTA-STS policy {string.Join(", ", theirs.Order(StringComparer.Ordinal))} (*.x read as .x): make them the same",
                    null);
            }
        }
    }
}
