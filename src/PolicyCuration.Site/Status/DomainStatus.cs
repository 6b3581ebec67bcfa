using PolicyCuration.Format.Model;

namespace PolicyCuration.Site.Status;

/// <summary>Where one listed domain stands: its entry, since when, and what the audits said.</summary>
/// <param name="Domain">The domain.</param>
/// <param name="Mode">The mode in force (the alias's, for an entry that uses one).</param>
/// <param name="Mxs">The MX patterns in force.</param>
/// <param name="Alias">The alias the entry uses, if any.</param>
/// <param name="ListedSince">When the list's history first shows it, in an unbroken run to now; null without git history.</param>
/// <param name="ModeSince">When it took its current mode.</param>
/// <param name="SinceIsBound">Whether the history walked ended before the run began, so that the dates are upper bounds.</param>
/// <param name="Audits">The latest audits, newest first.</param>
/// <param name="Timeline">The last days' states, oldest first.</param>
public sealed record DomainStatus(
    string Domain,
    PolicyMode? Mode,
    IReadOnlyList<string> Mxs,
    string? Alias,
    DateTimeOffset? ListedSince,
    DateTimeOffset? ModeSince,
    bool SinceIsBound,
    IReadOnlyList<AuditSummary> Audits,
    IReadOnlyList<TimelineRun> Timeline)
{
    /// <summary>The verdict of the newest audit: passed, failed, or none.</summary>
    public string Verdict => Audits.Count == 0 ? "none" : !Audits[0].Trusted ? "inconclusive" : Audits[0].Passed ? "passed" : "failed";
}
