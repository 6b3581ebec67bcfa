using PolicyCuration.Format.Findings;

namespace PolicyCuration.Review;

/// <summary>The findings of a pull request's review beyond the list's and the probe's: ownership and eligibility.</summary>
public static class ReviewFindingKinds
{
    /// <summary>No TXT record at <c>_starttls-policy.DOMAIN</c>.</summary>
    public static readonly FindingKind OwnershipMissing = new("ownership.txt.missing", Severity.Error, "No ownership record");

    /// <summary>TXT records at <c>_starttls-policy.DOMAIN</c>, none holding this pull request's URL.</summary>
    public static readonly FindingKind OwnershipMismatch = new("ownership.txt.mismatch", Severity.Error, "Ownership record names another PR");

    /// <summary>The ownership lookup failed.</summary>
    public static readonly FindingKind OwnershipLookupFailed = new("ownership.lookup_failed", Severity.Error, "Ownership lookup failed");

    /// <summary>The audit history supports exactly this demotion, removal or pattern update: the audit's own proof.</summary>
    public static readonly FindingKind OwnershipAuditEvidence = new("ownership.audit_evidence", Severity.Info, "Proven by the audit");

    /// <summary>No pull request was named, so ownership could not be checked.</summary>
    public static readonly FindingKind OwnershipNotChecked = new("ownership.not_checked", Severity.Warning, "Ownership not checked");

    /// <summary>An added or changed domain failed its live probe.</summary>
    public static readonly FindingKind ProbeFailed = new("eligibility.probe_failed", Severity.Error, "Domain fails the probe");

    /// <summary>A new entry in enforce without an enforcing, long-lived MTA-STS policy that matches it.</summary>
    public static readonly FindingKind EnforceWithoutMtaSts = new("eligibility.enforce_without_mta_sts", Severity.Error, "New entry cannot start in enforce");

    /// <summary>A change from testing to enforce before 14 days in testing on the base branch.</summary>
    public static readonly FindingKind EnforceTooSoon = new("eligibility.enforce_too_soon", Severity.Error, "Too soon for enforce");

    /// <summary>The pull request changes files outside the list's directory: code, workflows, the schema.</summary>
    public static readonly FindingKind ChangesOutsideList = new("pr.changes_outside_list", Severity.Error, "Changes outside the list");

    /// <summary>The pull request changes the release key, which every consumer pins.</summary>
    public static readonly FindingKind ReleaseKeyChanged = new("pr.release_key_changed", Severity.Error, "Release key changed");

    /// <summary>The pull request does not merge cleanly into the branch's tip.</summary>
    public static readonly FindingKind MergeConflict = new("pr.merge_conflict", Severity.Error, "Does not merge");

    /// <summary>The pull request is based on a branch other than the repository's default branch.</summary>
    public static readonly FindingKind BaseNotDefault = new("pr.base_not_default", Severity.Error, "Not based on the default branch");

    /// <summary>The pull request adds, changes or removes more domains than one pull request may.</summary>
    public static readonly FindingKind TooManyDomains = new("pr.too_many_domains", Severity.Error, "Too many domains");

    /// <summary>Every kind above, gathered from its declarations, in their order.</summary>
    public static IReadOnlyList<FindingKind> All { get; } = FindingKind.DeclaredIn(typeof(ReviewFindingKinds));
}
