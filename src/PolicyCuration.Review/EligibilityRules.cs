using PolicyCuration.Validation.Diff;
using PolicyCuration.Format.Findings;
using PolicyCuration.Format.Model;
using PolicyCuration.Probe;

namespace PolicyCuration.Review;

/// <summary>EFF's rules for entering the list, made explicit: small pure checks of one changed domain.</summary>
public static class EligibilityRules
{
    /// <summary>How long an entry stays in testing on the base branch before it may enforce.</summary>
    public static readonly TimeSpan TestingPeriod = TimeSpan.FromDays(14);

    /// <summary>
    /// The findings for <paramref name="change"/>, whose head entry (aliases resolved) is <paramref name="entry"/>:
    /// its probe must pass; a new entry starts in testing unless its MTA-STS policy enforces for 18 weeks or more with
    /// the same patterns; testing becomes enforce only after <see cref="TestingPeriod"/> in testing on the base branch.
    /// </summary>
    public static IEnumerable<Finding> Judge(
        DomainChange change, Policy entry, Policy? baseEntry, DomainReport? probe, DateTimeOffset? testingSince, DateTimeOffset now)
    {
        string domain = change.Domain;
        if (probe is { Passed: false })
        {
            var codes = probe.Findings.Where(f => f.Severity == Severity.Error).Select(f => f.Code).Distinct().ToList();
            yield return ReviewFindingKinds.ProbeFailed.At(
                domain, $"{domain} fails the live probe ({string.Join(", ", codes)}): every MX must offer STARTTLS with a trusted certificate matching the patterns, at TLS 1.2 or later", null);
        }

        if (entry.Mode != PolicyMode.Enforce)
        {
            yield break;
        }

        if (change.Kind == ChangeKind.Added && !QualifyingMtaSts(entry, probe, out string why))
        {
            yield return ReviewFindingKinds.EnforceWithoutMtaSts.At(
                domain, $"{domain} is new and asks for enforce, but {why}: start it in testing, or publish such a policy", null);
        }

        if (change.Kind != ChangeKind.Added && baseEntry?.Mode == PolicyMode.Testing)
        {
            if (testingSince is not { } since)
            {
                yield return ReviewFindingKinds.EnforceTooSoon.At(domain, $"{domain} is not in testing on the base branch's latest list: it cannot move to enforce yet", null);
            }
            else if (now - since < TestingPeriod)
            {
                var ready = since + TestingPeriod;
                yield return ReviewFindingKinds.EnforceTooSoon.At(
                    domain,
                    $"{domain} has been in testing since {since:yyyy-MM-dd} ({(now - since).TotalDays:0} days); it may enforce from {ready:yyyy-MM-dd}, after {TestingPeriod.TotalDays:0} days",
                    null);
            }
        }
    }

    private static bool QualifyingMtaSts(Policy entry, DomainReport? probe, out string why)
    {
        if (probe is null)
        {
            why = "the probe did not run, so its MTA-STS policy is unknown";
            return false;
        }

        if (probe.MtaStsPolicy is not { } policy)
        {
            why = "it publishes no valid MTA-STS policy";
            return false;
        }

        if (policy.Mode != "enforce" || policy.MaxAge < DomainProber.EnforceMaxAge)
        {
            why = $"its MTA-STS policy is mode {policy.Mode} with max_age {policy.MaxAge} (needs enforce and at least {DomainProber.EnforceMaxAge})";
            return false;
        }

        var theirs = policy.ListPatterns.Select(p => p.Text).ToHashSet(StringComparer.Ordinal);
        var ours = (entry.Mxs ?? []).Select(p => p.Text.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        if (!theirs.SetEquals(ours))
        {
            why = $"its MTA-STS mx patterns ({string.Join(", ", policy.Mx)}) differ from the entry's";
            return false;
        }

        why = string.Empty;
        return true;
    }
}
