using System.Globalization;
using PolicyCuration.Audit;
using PolicyCuration.Format.Findings;
using PolicyCuration.Format.Model;
using PolicyCuration.Validation.Diff;

namespace PolicyCuration.Review;

/// <summary>
/// The audit's own pull requests, judged on their evidence: a change is proven when the audit history (the
/// <c>audit-history</c> branch, written only by the default branch's audit) supports exactly that change today. Who
/// opened the pull request, its title, branch and body count for nothing: they are the opener's to write.
/// </summary>
public sealed class AuditEvidence
{
    private readonly Dictionary<string, Proposal> proposals;

    /// <summary>The evidence that <paramref name="history"/> holds, decided as the audit decides.</summary>
    public AuditEvidence(IEnumerable<AuditRecord> history) =>
        proposals = AuditDecisions.Decide(history).ToDictionary(p => p.Domain, StringComparer.OrdinalIgnoreCase);

    /// <summary>The audit's proposal that is exactly <paramref name="change"/> (from <paramref name="before"/> to <paramref name="after"/>, aliases resolved), or null.</summary>
    public Proposal? Supporting(DomainChange change, Policy? before, Policy? after)
    {
        if (!proposals.TryGetValue(change.Domain, out var proposal))
        {
            return null;
        }

        bool matches = proposal.Kind switch
        {
            ProposalKind.Remove => change.Kind == ChangeKind.Removed,
            ProposalKind.Demote => change.Kind == ChangeKind.Changed && before?.Mode == PolicyMode.Enforce && after?.Mode == PolicyMode.Testing
                && Patterns(before.Mxs).SequenceEqual(Patterns(after.Mxs)),
            ProposalKind.Update => change.Kind == ChangeKind.Changed && before is not null && after is not null && after.Mode == before.Mode
                && Patterns(after.Mxs).Order(StringComparer.Ordinal).SequenceEqual((proposal.NewMxs ?? []).Select(m => m.ToLowerInvariant()).Order(StringComparer.Ordinal)),
            _ => false,
        };
        return matches ? proposal : null;
    }

    /// <summary>The finding that records <paramref name="proposal"/> as the proof of its change.</summary>
    public static Finding Proof(Proposal proposal)
    {
        string what = proposal.Kind switch { ProposalKind.Demote => "demotion", ProposalKind.Remove => "removal", _ => "new MX patterns" };
        var shown = proposal.Evidence.TakeLast(5)
            .Select(r => $"{r.Time.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} from {(r.VantageId.Length > 0 ? r.VantageId : "the vantage")}");
        return ReviewFindingKinds.OwnershipAuditEvidence.At(
            proposal.Domain,
            $"the audit history supports this {what}: {proposal.Domain} {proposal.Reason} (audits {string.Join(", ", shown)}); no ownership record is needed",
            null);
    }

    private static IEnumerable<string> Patterns(IReadOnlyList<MxPattern>? mxs) => (mxs ?? []).Select(m => m.Text.ToLowerInvariant());
}
