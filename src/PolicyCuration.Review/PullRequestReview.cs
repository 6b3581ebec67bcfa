using PolicyCuration.Validation;
using PolicyCuration.Validation.Diff;
using PolicyCuration.Validation.Rules;
using PolicyCuration.Validation.Schema;
using PolicyCuration.Format;
using PolicyCuration.Format.Findings;
using PolicyCuration.Format.Model;
using PolicyCuration.Git;
using PolicyCuration.Probe;
using PolicyCuration.Probe.Dns;
using PolicyCuration.Probe.Vantage;
using PolicyCuration.Audit;

namespace PolicyCuration.Review;

/// <summary>What to review: the list at two revisions, the pull request, and how to probe.</summary>
/// <param name="RepositoryPath">A directory inside the git repository.</param>
/// <param name="ListPath">The list's path in the repository: the only file a pull request may change for the bot to pass it.</param>
/// <param name="BaseRevision">The tip of the branch the PR merges into: the list is judged as the merge would leave it.</param>
/// <param name="HeadRevision">The PR's head.</param>
/// <param name="PullRequestUrl">The PR's URL, which ownership records must hold; null when reviewing without a PR.</param>
/// <param name="Probe">How to probe; null for no probe.</param>
/// <param name="Dns">The DNS server for ownership records (the probe's when probing).</param>
/// <param name="Now">The review's clock.</param>
/// <param name="Schema">The schema the head list is validated against.</param>
public sealed record ReviewRequest(
    string RepositoryPath,
    string ListPath,
    string BaseRevision,
    string HeadRevision,
    string? PullRequestUrl,
    ProbeOptions? Probe,
    System.Net.IPEndPoint? Dns,
    DateTimeOffset Now,
    PolicySchema Schema)
{
    /// <summary>How many domains one pull request may add, change or remove by default.</summary>
    public const int DefaultMaxDomains = 20;

    /// <summary>Where the release key lives; a change to it is named as such.</summary>
    public const string DefaultReleaseKeyPath = "policy/release.pub";

    /// <summary>How many domains the PR may add, change or remove; over it, nothing is looked up or probed.</summary>
    public int MaxDomains { get; init; } = DefaultMaxDomains;

    /// <summary>The release key's path in the repository.</summary>
    public string ReleaseKeyPath { get; init; } = DefaultReleaseKeyPath;

    /// <summary>The audit's history, whose evidence proves the audit's own demotions, removals and pattern updates; null for none.</summary>
    public IReadOnlyList<AuditRecord>? AuditHistory { get; init; }
}

/// <summary>The review of one added, changed or removed domain.</summary>
/// <param name="Domain">The domain.</param>
/// <param name="Kind">How the PR changes it.</param>
/// <param name="Probe">Its probe against the head entry, when probed.</param>
/// <param name="Findings">Ownership, eligibility and probe findings, placed on the domain's line when they have no place.</param>
public sealed record DomainReview(string Domain, ChangeKind Kind, DomainReport? Probe, IReadOnlyList<Finding> Findings)
{
    /// <summary>Whether nothing about this domain blocks the merge.</summary>
    public bool Passed => Findings.All(f => f.Severity != Severity.Error);
}

/// <summary>The whole review: the head list's own findings and each changed domain's.</summary>
/// <param name="ListFindings">Validation findings of the head list.</param>
/// <param name="Domains">One review per added, changed or removed domain.</param>
/// <param name="Diff">What the PR changes.</param>
/// <param name="Vantage">The health of the host that probed, when anything was probed.</param>
public sealed record ReviewResult(IReadOnlyList<Finding> ListFindings, IReadOnlyList<DomainReview> Domains, ListDiff? Diff, VantageHealth? Vantage = null)
{
    /// <summary>Whether the probes cannot be believed, so that no verdict is given: the probing host could not reach mail servers.</summary>
    public bool Inconclusive => Vantage?.Status is VantageStatus.Unhealthy or VantageStatus.Suspect;

    /// <summary>Every finding: the list's, then each domain's.</summary>
    public IEnumerable<Finding> Findings => ListFindings.Concat(Domains.SelectMany(d => d.Findings));

    /// <summary>Whether nothing blocks the merge.</summary>
    public bool Mergeable => Findings.All(f => f.Severity != Severity.Error);

    /// <summary>Whether the review ran without the live probe (<c>--no-probe</c>): what passed, passed without it.</summary>
    public bool NotProbed { get; init; }
}

/// <summary>Reviews a pull request: validate the head list, diff it against the base, probe what was added or changed, check ownership and eligibility.</summary>
public static class PullRequestReview
{
    /// <summary>Runs the review.</summary>
    /// <exception cref="RevisionException">A revision or the list cannot be read from git.</exception>
    public static async Task<ReviewResult> RunAsync(ReviewRequest request, CancellationToken cancellation)
    {
        var listFindings = OutsideTheList(request).ToList();

        // The list is judged as the merge into the base's tip would leave it, and compared with that tip: a head that passes
        // against the commit it forked from can still break the branch it merges into.
        if (MergedList.Read(request.RepositoryPath, request.BaseRevision, request.HeadRevision, request.ListPath) is not { } mergedText)
        {
            listFindings.Add(ReviewFindingKinds.MergeConflict.At(
                "list", $"the pull request does not merge cleanly into {request.BaseRevision}: update its branch from the base (merge or rebase) and push", null));
            return new ReviewResult(listFindings, [], null);
        }

        var baseRead = PolicyListReader.Read(ListRevision.Read(request.RepositoryPath, request.BaseRevision, request.ListPath));

        // A pull request must not leave a canonical list otherwise: the default branch's CI runs fmt --check on it.
        bool baseCanonical = baseRead.List is { } canonicalBase && CanonicalFormRule.Check(canonicalBase, Severity.Error) is null;
        var head = new ListValidator(request.Schema).Validate(PolicyListReader.Read(mergedText), request.Now, baseCanonical ? Severity.Error : Severity.Warning);
        listFindings.InsertRange(0, head.Findings);
        if (head.List is not { } headList || baseRead.List is not { } baseList)
        {
            return new ReviewResult(listFindings, [], null);
        }

        var diff = ListDiff.Compare(baseList, headList);

        // A name the list's rules refuse is reported there, and never looked up or probed: it may be anything a PR wrote.
        var refused = head.Findings.Where(f => f.Severity == Severity.Error && f.Code.StartsWith("list.domain.", StringComparison.Ordinal))
            .Select(f => f.Subject).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var changes = diff.Domains.Where(change => !refused.Contains(change.Domain)).ToList();

        // The cap bounds what the vantage looks up; the audit's own demotions and removals are not looked up, so they do not count.
        var evidence = new AuditEvidence(request.AuditHistory ?? []);
        var judged = changes.Select(c => (Change: c, Proof: evidence.Supporting(c, Resolve(baseList, c.Before), Resolve(headList, c.After)))).ToList();
        int lookedUp = judged.Count(j => j.Proof is not { Kind: ProposalKind.Demote or ProposalKind.Remove });
        if (lookedUp > request.MaxDomains)
        {
            // The vantage must not become a scanner of whatever domains a stranger lists: nothing is looked up at all.
            listFindings.Add(ReviewFindingKinds.TooManyDomains.At(
                "list",
                $"the pull request adds, changes or removes {lookedUp} domains; one pull request may touch at most {request.MaxDomains}: " +
                "split it into several, each with its ownership records. Nothing was looked up or probed",
                null));
            return new ReviewResult(listFindings, [], diff);
        }

        var history = new TestingHistory(ListHistory.Read(request.RepositoryPath, request.BaseRevision, request.ListPath));
        var dns = new MailDns(request.Dns ?? request.Probe?.DnsServer, request.Probe?.Timeout ?? TimeSpan.FromSeconds(30));
        var ownership = new OwnershipCheck(dns);
        using var prober = request.Probe is { } probeOptions ? new DomainProber(probeOptions) : null;

        var reviews = await Task.WhenAll(judged.Select(async item =>
        {
            var change = item.Change;
            var location = LocationOf(change.Kind == ChangeKind.Removed ? null : headList, change.Domain);
            var findings = new List<Finding>();
            DomainReport? report = null;
            var entry = Resolve(headList, change.After);
            var baseEntry = Resolve(baseList, change.Before);
            bool probe = prober is not null && entry is not null;

            if (item.Proof is { } proposal)
            {
                findings.Add(AuditEvidence.Proof(proposal));

                // A demotion or removal only asks senders for less: the domain is failing, and no probe is owed.
                probe &= proposal.Kind == ProposalKind.Update;
            }
            else if (request.PullRequestUrl is { } url)
            {
                var proof = await ownership.CheckAsync(change.Domain, url, cancellation).ConfigureAwait(false);
                if (proof is not null && change.Kind == ChangeKind.Removed && prober is not null)
                {
                    // A domain may also leave by publishing MTA-STS mode none: that policy is the proof, so it alone is fetched.
                    var policy = await prober.MtaStsPolicyAsync(change.Domain, cancellation).ConfigureAwait(false);
                    proof = policy?.Mode == "none" ? null : proof with { Message = proof.Message + ", or publish an MTA-STS policy in mode none" };
                }

                if (proof is not null)
                {
                    // Ownership comes first: a domain nobody has shown to own is never probed from the vantage.
                    findings.Add(entry is null ? proof : proof with { Message = proof.Message + "; nothing about the domain is probed until it does" });
                    return new DomainReview(change.Domain, change.Kind, null, [.. findings.Select(f => f.Location is null ? f with { Location = location } : f)]);
                }
            }
            else
            {
                findings.Add(ReviewFindingKinds.OwnershipNotChecked.At(change.Domain, $"no pull request URL given: ownership of {change.Domain} was not checked", null));
            }

            if (probe)
            {
                report = await prober!.ProbeAsync(new ProbeTarget(change.Domain, entry!.Mode, entry.Mxs ?? []), cancellation).ConfigureAwait(false);
                findings.AddRange(report.Findings);
            }

            if (entry is not null && (probe || prober is null))
            {
                findings.AddRange(EligibilityRules.Judge(change, entry, baseEntry, report, history.TestingSince(change.Domain), request.Now));
            }

            return new DomainReview(change.Domain, change.Kind, report, [.. findings.Select(f => f.Location is null ? f with { Location = location } : f)]);
        })).ConfigureAwait(false);

        if (prober is null || !reviews.Any(r => r.Probe is not null))
        {
            return new ReviewResult(listFindings, reviews, diff) { NotProbed = prober is null };
        }

        var vantage = await prober.VantageAsync().ConfigureAwait(false);
        var verdict = vantage.ToFinding(
            "this check is inconclusive and says nothing about the domains or their contributor; a maintainer re-runs it from a vantage that reaches port 25");
        if (verdict is not null)
        {
            listFindings.Add(verdict);
        }

        return vantage.Status is VantageStatus.Unhealthy or VantageStatus.Suspect
            ? new ReviewResult(listFindings, [.. reviews.Select(NotJudged)], diff, vantage)
            : new ReviewResult(listFindings, reviews, diff, vantage);
    }

    /// <summary>A domain's review with what its probe found kept as warnings: a probe from a broken vantage judges no one.</summary>
    private static DomainReview NotJudged(DomainReview review) => review with
    {
        Findings = [.. review.Findings.Select(f => f.Severity == Severity.Error && FromProbe(f.Code)
            ? f with { Severity = Severity.Warning, Message = $"not judged, the probing host being unhealthy: {f.Message}" }
            : f)],
    };

    private static bool FromProbe(string code) =>
        ProbeFindingKinds.All.Any(k => k.Code == code) || code == ReviewFindingKinds.ProbeFailed.Code || code == ReviewFindingKinds.EnforceWithoutMtaSts.Code;

    /// <summary>
    /// A pull request that changes anything but the list file is code for a maintainer to review: the bot never passes it.
    /// Counted from the merge base, as GitHub's "Files changed" is.
    /// </summary>
    private static IEnumerable<Finding> OutsideTheList(ReviewRequest request)
    {
        string listPath = request.ListPath.Replace('\\', '/');
        var outside = ChangedPaths.Between(request.RepositoryPath, request.BaseRevision, request.HeadRevision)
            .Where(path => path != listPath)
            .ToList();
        if (outside.Contains(request.ReleaseKeyPath))
        {
            yield return ReviewFindingKinds.ReleaseKeyChanged.At(
                "list",
                $"the pull request changes the release key {request.ReleaseKeyPath}: every consumer pins it, and releases signed by another key stop " +
                "verifying everywhere; only a maintainer rotates it, by the documented key rotation, never through a list check",
                null);
        }

        if (outside.Count == 0)
        {
            yield break;
        }

        string shown = string.Join(", ", outside.Take(10)) + (outside.Count > 10 ? $" and {outside.Count - 10} more" : string.Empty);
        yield return ReviewFindingKinds.ChangesOutsideList.At(
            "list",
            $"the pull request changes {outside.Count} file{(outside.Count == 1 ? string.Empty : "s")} besides {listPath} ({shown}): " +
            "a maintainer must review the change; the list check never passes such a pull request",
            null);
    }

    private static Policy? Resolve(PolicyList list, Policy? policy) => policy is null ? null : list.Resolve(policy);

    private static SourceLocation? LocationOf(PolicyList? list, string domain)
    {
        var entry = list?.Policies.FirstOrDefault(p => string.Equals(p.Name, domain, StringComparison.OrdinalIgnoreCase));
        return entry is null ? null : list!.LocationOf(entry.NameOffset);
    }
}
