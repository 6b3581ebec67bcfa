using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using PolicyCuration.Validation.Diff;
using PolicyCuration.Validation.Rendering;
using PolicyCuration.Format.Escaping;
using PolicyCuration.Format.Findings;
using PolicyCuration.Probe;

namespace PolicyCuration.Review;

/// <summary>A review for its readers: the job summary and PR comment (Markdown), annotations on the list's lines, JSON.</summary>
public static class ReviewReport
{
    /// <summary>The hidden line that marks the PR comment, so that each run updates it instead of adding one.</summary>
    public const string CommentMarker = "<!-- policyctl check-pr -->";

    /// <summary>How many annotations GitHub shows per step; the rest are counted in one more.</summary>
    public const int MaxAnnotations = 10;

    /// <summary>Markdown: the verdict, the list's findings, then each domain with its findings and what to do.</summary>
    public static string Markdown(ReviewResult result)
    {
        var text = new StringBuilder();
        int errors = result.Findings.Count(f => f.Severity == Severity.Error);
        int warnings = result.Findings.Count(f => f.Severity == Severity.Warning);
        text.AppendLine(
            result.Inconclusive ? $"## Policy list check: inconclusive (the probing host is {result.Vantage!.StatusName})"
            : result.Mergeable && result.NotProbed && result.Domains.Any(d => d.Kind != ChangeKind.Removed)
                ? $"## Policy list check: mergeable so far ({Count(warnings, "warning")}; not probed: the pull request check probes each domain from the vantage)"
            : result.Mergeable ? $"## Policy list check: mergeable ({Count(warnings, "warning")})"
            : $"## Policy list check: not mergeable ({Count(errors, "error")}, {Count(warnings, "warning")})");
        text.AppendLine();
        if (result.Inconclusive)
        {
            text.AppendLine(
                $"The host that probed could not be trusted: {MarkdownText.Inline(result.Vantage!.Reason)}. Nothing below is held against the domains " +
                "or their contributor. A maintainer re-runs this check from a vantage that reaches port 25.");
            text.AppendLine();
        }
        if (result.Diff is { } diff)
        {
            text.AppendLine($"This pull request adds {diff.Domains.Count(d => d.Kind == ChangeKind.Added)}, changes {diff.Domains.Count(d => d.Kind is ChangeKind.Changed or ChangeKind.AliasChanged)} and removes {diff.Domains.Count(d => d.Kind == ChangeKind.Removed)} domain(s).");
            text.AppendLine();
        }

        if (result.ListFindings.Count > 0)
        {
            text.AppendLine("### The list");
            text.AppendLine();
            AppendFindings(text, result.ListFindings);
        }

        foreach (var domain in result.Domains.OrderBy(d => d.Passed).ThenBy(d => d.Domain, StringComparer.Ordinal))
        {
            string outcome = !domain.Passed ? "blocked" : result.NotProbed && domain.Kind != ChangeKind.Removed ? "passes what was checked (not probed)" : "passes";
            text.AppendLine($"### {MarkdownText.Code(domain.Domain)} ({Kind(domain.Kind)}): {outcome}");
            text.AppendLine();
            if (domain.Probe is { } probe && probe.Hosts.Count > 0)
            {
                text.AppendLine("| MX | address | TLS | certificate | verdict |");
                text.AppendLine("| --- | --- | --- | --- | --- |");
                foreach (var host in probe.Hosts)
                {
                    string certificate = host.Certificate is { } c ? $"{MarkdownText.Inline(string.Join(", ", c.Names.Take(2)))} until {c.NotAfter:yyyy-MM-dd}" : "-";
                    string verdict = host.Passed ? "ok" : string.Join(" ", host.Findings.Where(f => f.Severity == Severity.Error).Select(f => $"`{f.Code}`").Distinct());
                    text.AppendLine($"| {MarkdownText.Inline(host.Host)} | {host.Address?.ToString() ?? "-"} | {MarkdownText.Inline(host.TlsVersion ?? "-")} | {certificate} | {verdict} |");
                }

                text.AppendLine();
            }

            AppendFindings(text, domain.Findings);
        }

        if (result.Domains.Count == 0 && result.ListFindings.Count == 0)
        {
            text.AppendLine("Nothing to report: no domain changes.");
        }

        if (result.Vantage is { } vantage)
        {
            text.AppendLine();
            text.AppendLine($"Probed from {MarkdownText.Code(vantage.Id)}: {vantage.StatusName} ({MarkdownText.Inline(vantage.Reason)}).");
        }

        return text.ToString();
    }

    /// <summary>The body of the PR comment: the marker, then the Markdown, naming the commit judged when it is given.</summary>
    public static string Comment(ReviewResult result, string? commit = null) =>
        CommentMarker + "\n" + Markdown(result) + (commit is { Length: >= 12 } ? $"\nChecked commit `{commit[..12]}`: a push makes this report stale until it is checked again.\n" : string.Empty);

    /// <summary>
    /// GitHub workflow commands on the lines of <paramref name="listPath"/>: errors first, then warnings, at most
    /// <see cref="MaxAnnotations"/>, then one notice counting the rest (all of them are in the summary).
    /// </summary>
    public static IReadOnlyList<string> Annotations(ReviewResult result, string listPath)
    {
        var ranked = result.Findings
            .Where(f => f.Severity != Severity.Info)
            .OrderBy(f => f.Severity)
            .ThenBy(f => f, Finding.OutputOrder)
            .Select(f => f.Location is { } at ? f with { Location = at with { File = listPath } } : f)
            .ToList();
        var lines = ranked.Take(MaxAnnotations).Select(FindingRenderer.ToWorkflowCommand).ToList();
        if (ranked.Count > MaxAnnotations)
        {
            lines.Add($"::notice title=policyctl check-pr::{ranked.Count - MaxAnnotations} more findings are in the job summary");
        }

        return lines;
    }

    /// <summary>The review as JSON (<c>schema/review-report.schema.json</c>): verdict, list findings, and each domain with its change, findings and probe.</summary>
    public static string Json(ReviewResult result) => JsonSerializer.Serialize(
        new ReviewData(
            result.Mergeable,
            result.Inconclusive,
            result.Vantage is { } vantage ? new ReviewVantageData(vantage.Id, vantage.StatusName, vantage.Reason) : null,
            [.. result.ListFindings.Select(FindingData.From)],
            [.. result.Domains.Select(domain => new ReviewDomainData(
                domain.Domain,
                Kind(domain.Kind),
                domain.Passed,
                [.. domain.Findings.Select(FindingData.From)],
                domain.Probe is { } probe ? ProbeReportData.From(probe) : null))]),
        ReviewContext.Default.ReviewData);

    private static void AppendFindings(StringBuilder text, IEnumerable<Finding> findings)
    {
        // Information stays out of the way, but for the proof a pull request passed on: a maintainer must see it.
        var shown = findings.Where(f => f.Severity != Severity.Info || f.Code == ReviewFindingKinds.OwnershipAuditEvidence.Code).OrderBy(f => f.Severity).ToList();
        if (shown.Count == 0)
        {
            text.AppendLine("No findings.");
            text.AppendLine();
            return;
        }

        text.AppendLine("| severity | code | what is wrong, and what to do |");
        text.AppendLine("| --- | --- | --- |");
        foreach (var finding in shown)
        {
            string where = finding.Location is { } at ? $" (line {at.Line})" : string.Empty;
            text.AppendLine($"| {FindingJson.SeverityName(finding.Severity)} | `{finding.Code}` | {MarkdownText.Inline(finding.Message)}{where} |");
        }

        text.AppendLine();
    }

    private static string Kind(ChangeKind kind) => kind switch
    {
        ChangeKind.Added => "added",
        ChangeKind.Removed => "removed",
        ChangeKind.AliasChanged => "changed through its alias",
        _ => "changed",
    };

    private static string Count(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}

/// <summary>A review as written.</summary>
internal sealed record ReviewData(
    bool Mergeable,
    bool Inconclusive,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ReviewVantageData? Vantage,
    IReadOnlyList<FindingData> ListFindings,
    IReadOnlyList<ReviewDomainData> Domains);

/// <summary>Where the review probed from.</summary>
internal sealed record ReviewVantageData(string Id, string Status, string Reason);

/// <summary>One changed domain of a review.</summary>
internal sealed record ReviewDomainData(string Domain, string Change, bool Passed, IReadOnlyList<FindingData> Findings, ProbeReportData? Probe);

/// <summary>The review's serialiser, made at build time.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(ReviewData))]
internal sealed partial class ReviewContext : JsonSerializerContext;
