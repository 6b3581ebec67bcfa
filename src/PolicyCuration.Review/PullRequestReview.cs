using PolicyCuration.Validation;
using PolicyCuration.Validation.Diff;
using PolicyCuration.Validation.Schema;
using PolicyCuration.Format;
using PolicyCuration.Format.Findings;
using PolicyCuration.Format.Model;
using PolicyCuration.Git;
using PolicyCuration.Probe;
using PolicyCuration.Probe.Dns;
using PolicyCuration.Probe.Vantage;

namespace PolicyCuration.Review;

/// <summary>What to review: the list at two revisions, the pull request, and how to probe.</summary>
/// <param name="RepositoryPath">A directory inside the git repository.</param>
/// <param name="ListPath">The list's path in the repository.</param>
/// <param name="BaseRevision">The branch the PR merges into.</param>
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
    PolicySchema Schema);

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
}

/// <summary>Reviews a pull request: validate the head list, diff it against the base, probe what was added or changed, check ownership and eligibility.</summary>
public static class PullRequestReview
{
    /// <summary>Runs the review.</summary>
    /// <exception cref="RevisionException">A revision or the list cannot be read from git.</exception>
    public static async Task<ReviewResult> RunAsync(ReviewRequest request, CancellationToken cancellation)
    {
        // Named as the file the PR edits, so that findings and fix commands point at it.
        var headText = new SourceText(request.ListPath, ListRevision.Read(request.RepositoryPath, request.HeadRevision, request.ListPath).Bytes.ToArray());
        var head = new ListValidator(request.Schema).Validate(PolicyListReader.Read(headText), request.Now);
        var baseRead = PolicyListReader.Read(ListRevision.Read(request.RepositoryPath, request.BaseRevision, request.ListPath));
        if (head.List is not { } headList || baseRead.List is not { } baseList)
        {
            return new ReviewResult([.. head.Findings.Concat(OutsideTheList(request))], [], null);
        }

        var listFindings = head.Findings.Concat(OutsideTheList(request)).ToList();
        var diff = ListDiff.Compare(baseList, headList);
        var history = new TestingHistory(ListHistory.Read(request.RepositoryPath, request.BaseRevision, request.ListPath));
        var dns = new MailDns(request.Dns ?? request.Probe?.DnsServer, request.Probe?.Timeout ?? TimeSpan.FromSeconds(30));
        var ownership = new OwnershipCheck(dns);
        using var prober = request.Probe is { } probeOptions ? new DomainProber(probeOptions) : null;

        // A name the list's rules refuse is reported there, and never looked up or probed: it may be anything a PR wrote.
        var refused = head.Findings.Where(f => f.Severity == Severity.Error && f.Code.StartsWith("list.domain.", StringComparison.Ordinal))
            .Select(f => f.Subject).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var reviews = await Task.WhenAll(diff.Domains.Where(change => !refused.Contains(change.Domain)).Select(async change =>
        {
            var location = LocationOf(change.Kind == ChangeKind.Removed ? null : headList, change.Domain);
            var findings = new List<Finding>();
            DomainReport? report = null;
            var entry = change.After is { } after ? headList.Resolve(after) : null;
            if (entry is not null && prober is not null)
            {
                report = await prober.ProbeAsync(new ProbeTarget(change.Domain, entry.Mode, entry.Mxs ?? []), cancellation).ConfigureAwait(false);
                findings.AddRange(report.Findings);
            }

            if (request.PullRequestUrl is { } url)
            {
                var proof = await ownership.CheckAsync(change.Domain, url, cancellation).ConfigureAwait(false);
                if (proof is not null && change.Kind == ChangeKind.Removed && prober is not null)
                {
                    // A domain may also leave by publishing MTA-STS mode none.
                    var gone = await prober.ProbeAsync(new ProbeTarget(change.Domain), cancellation).ConfigureAwait(false);
                    proof = gone.MtaStsPolicy?.Mode == "none" ? null : proof with { Message = proof.Message + ", or publish an MTA-STS policy in mode none" };
                }

                if (proof is not null)
                {
                    findings.Add(proof);
                }
            }
            else
            {
                findings.Add(ReviewFindingKinds.OwnershipNotChecked.At(change.Domain, $"no pull request URL given: ownership of {change.Domain} was not checked", null));
            }

            if (entry is not null)
            {
                var baseEntry = change.Before is { } before ? baseList.Resolve(before) : null;
                findings.AddRange(EligibilityRules.Judge(change, entry, baseEntry, report, history.TestingSince(change.Domain), request.Now));
            }

            return new DomainReview(change.Domain, change.Kind, report, [.. findings.Select(f => f.Location is null ? f with { Location = location } : f)]);
        })).ConfigureAwait(false);

        if (prober is null || !reviews.Any(r => r.Probe is not null))
        {
            return new ReviewResult(listFindings, reviews, diff);
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

    /// <summary>A pull request that changes anything but the list is code for a maintainer to review: the bot never passes it.</summary>
    private static IEnumerable<Finding> OutsideTheList(ReviewRequest request)
    {
        string directory = Path.GetDirectoryName(request.ListPath.Replace('\\', '/'))?.Replace('\\', '/') is { Length: > 0 } dir ? dir + "/" : string.Empty;
        var outside = ChangedPaths.Between(request.RepositoryPath, request.BaseRevision, request.HeadRevision)
            .Where(path => directory.Length == 0 ? path != request.ListPath : !path.StartsWith(directory, StringComparison.Ordinal))
            .ToList();
        if (outside.Count == 0)
        {
            yield break;
        }

        string shown = string.Join(", ", outside.Take(10)) + (outside.Count > 10 ? $" and {outside.Count - 10} more" : string.Empty);
        yield return ReviewFindingKinds.ChangesOutsideList.At(
            "list",
            $"the pull request changes {outside.Count} file{(outside.Count == 1 ? string.Empty : "s")} outside {(directory.Length > 0 ? directory : request.ListPath)} ({shown}): " +
            "a maintainer must review the code change; the list check never passes such a pull request",
            null);
    }

    private static SourceLocation? LocationOf(PolicyList? list, string domain)
    {
        var entry = list?.Policies.FirstOrDefault(p => string.Equals(p.Name, domain, StringComparison.OrdinalIgnoreCase));
        return entry is null ? null : list!.LocationOf(entry.NameOffset);
    }
}
