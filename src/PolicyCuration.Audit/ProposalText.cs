using System.Text;
using PolicyCuration.Format.Escaping;

namespace PolicyCuration.Audit;

/// <summary>What the audit says when it proposes: the pull request of each kind of proposal, and the issue for those held back.</summary>
public static class ProposalText
{
    /// <summary>The issue that reports demotions and removals held back by the mass-change guard.</summary>
    public static (string Title, string Body) Held(IReadOnlyList<Proposal> held, double share, IReadOnlyDictionary<string, string> openers)
    {
        string title = $"audit: {held.Count} demotions and removals held back (more than {Percent(share)} of the list)";
        var body = new StringBuilder(
            $"The daily audit would demote or remove {held.Count} domains at once, more than {Percent(share)} of the list. A failure that wide is more " +
            "often the audit's own (a vantage that lost port 25 or its resolver) than the domains'. Nothing was proposed. Check the vantage's health in " +
            $"the audit run and on the `{AuditHistory.DefaultBranch}` branch; if the failures are real, run `policyctl audit propose --allow-mass-change`.\n\n");
        AppendEvidence(body, held, openers);
        return (title, body.ToString());
    }

    /// <summary>The title and body of the pull request for <paramref name="proposals"/> of one kind: each domain with its evidence.</summary>
    public static (string Title, string Body) PullRequest(ProposalKind kind, IReadOnlyList<Proposal> proposals, IReadOnlyDictionary<string, string> openers)
    {
        string what = kind switch
        {
            ProposalKind.Demote => "demote to testing",
            ProposalKind.Remove => "remove",
            _ => "update the MX patterns of",
        };
        string title = $"audit: {what} {proposals.Count} domain{(proposals.Count == 1 ? string.Empty : "s")}";
        var body = new StringBuilder($"The daily audit proposes to {what} these domains (history on the `{AuditHistory.DefaultBranch}` branch).\n\n");
        AppendEvidence(body, proposals, openers);
        body.Append("A domain that recovers before this is merged is dropped from the next day's proposals; close this pull request then.\n");
        return (title, body.ToString());
    }

    private static void AppendEvidence(StringBuilder body, IReadOnlyList<Proposal> proposals, IReadOnlyDictionary<string, string> openers)
    {
        foreach (var proposal in proposals)
        {
            body.Append($"### {MarkdownText.Code(proposal.Domain)}\n\n{MarkdownText.Inline(proposal.Reason)}.\n\n");
            if (openers.TryGetValue(proposal.Domain, out string? login) && IsLogin(login))
            {
                body.Append($"Added to the list by @{login}: can you fix it, or tell us to let it go?\n\n");
            }

            if (proposal.Evidence[^1].TlsRpt is { Count: > 0 } rua)
            {
                body.Append($"The domain asks for TLS reports at {string.Join(", ", rua.Select(MarkdownText.Code))}: its admins see these failures there too.\n\n");
            }

            body.Append("| audit | vantage | result |\n| --- | --- | --- |\n");
            foreach (var audit in proposal.Evidence)
            {
                string vantage = audit.VantageId.Length > 0 ? MarkdownText.Code(audit.VantageId) : "-";
                body.Append($"| {audit.Time:yyyy-MM-dd HH:mm}Z | {vantage} | {(audit.Passed ? "passed" : string.Join(", ", audit.ErrorCodes.Select(MarkdownText.Code)))} |\n");
            }

            body.Append('\n');
        }
    }

    /// <summary><paramref name="share"/> of the list as a percentage, as the texts write it.</summary>
    public static string Percent(double share) => (share * 100).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + "%";

    // GitHub's own rule for logins; anything else is not mentioned.
    private static bool IsLogin(string login) =>
        login.Length is > 0 and <= 39 && login.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && !login.StartsWith('-');
}
