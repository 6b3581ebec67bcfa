using PolicyCuration.Format.Escaping;
using System.Globalization;
using System.Text;
using PolicyCuration.Format.Findings;
using PolicyCuration.Format.Model;
using PolicyCuration.Probe;
using PolicyCuration.Site.Status;

namespace PolicyCuration.Site.Html;

/// <summary>
/// A domain's page: its entry, since when, its last audits with their findings and remedies, its timeline, how to
/// change it. Written here for the domains that have a static page; <c>domain.js</c> draws the same page for any
/// other domain from its shard, into the shell <see cref="RenderShell"/> writes.
/// </summary>
internal static class DomainPage
{
    /// <summary>The page <c>domain.html?d=NAME</c>: the frame, and what <c>domain.js</c> needs to fill it in.</summary>
    public static string RenderShell(SiteContent site)
    {
        var layout = new PageLayout(site.Settings, string.Empty);
        var html = layout.Begin("Domain");
        html.Append("<div id=\"domain\" data-api=\"api/v2/domains/\" data-days=\"").Append(Inputs.AuditDigest.Days).Append("\" data-list-path=\"");
        HtmlText.Append(html, site.Settings.ListPath);
        html.Append('"');
        if (site.Settings.RepositoryUrl is { } repository)
        {
            html.Append(" data-repository=\"");
            HtmlText.Append(html, repository);
            html.Append('"');
        }

        html.Append(">\n<h1>A listed domain</h1>\n<p id=\"domain-status\" role=\"status\">Loading…</p>\n")
            .Append("<noscript><p>This page needs JavaScript to show a domain. Without it, the domains failing their last audit have pages of their own, ")
            .Append("linked from the <a href=\"index.html\">home page</a>, and the <a href=\"api/v2/domains/index.json\">JSON API</a> holds every domain.</p></noscript>\n</div>\n");
        return layout.End(html, "domain.js");
    }

    private static readonly Dictionary<string, FindingKind> Kinds = ProbeFindingKinds.All.ToDictionary(k => k.Code, StringComparer.Ordinal);

    public static string Render(SiteContent site, DomainStatus domain, IReadOnlyList<Finding> findings)
    {
        var layout = new PageLayout(site.Settings, "../");
        var html = layout.Begin(domain.Domain);
        html.Append("<h1>");
        HtmlText.Append(html, domain.Domain);
        html.Append("</h1>\n<dl class=\"facts\">\n<dt>Mode</dt><dd>").Append(domain.Mode?.ToJson() ?? "unknown (the entry's alias is missing)").Append("</dd>\n<dt>MX patterns</dt><dd>");
        if (domain.Mxs.Count == 0)
        {
            html.Append("none");
        }
        else
        {
            html.Append("<ul class=\"plain\">");
            foreach (string pattern in domain.Mxs)
            {
                html.Append("<li><code>");
                HtmlText.Append(html, pattern);
                html.Append("</code></li>");
            }

            html.Append("</ul>");
        }

        html.Append("</dd>\n");
        if (domain.Alias is { } alias)
        {
            html.Append("<dt>Policy alias</dt><dd><code>");
            HtmlText.Append(html, alias);
            html.Append("</code></dd>\n");
        }

        Since(html, "Listed since", domain.ListedSince, domain.SinceIsBound);
        Since(html, "In this mode since", domain.ModeSince, domain.SinceIsBound);
        html.Append("<dt>Last audit</dt><dd class=\"verdict-").Append(domain.Verdict).Append("\">").Append(VerdictText(domain.Verdict)).Append("</dd>\n</dl>\n");

        Audits(html, domain);
        Findings(html, findings);
        Timeline(html, domain);
        Change(html, site.Settings, domain);
        return layout.End(html);
    }

    private static void Since(StringBuilder html, string label, DateTimeOffset? since, bool bound)
    {
        html.Append("<dt>").Append(label).Append("</dt><dd>");
        if (since is { } when)
        {
            html.Append(bound ? "before " : string.Empty);
            PageLayout.Day(html, when);
        }
        else
        {
            html.Append("not in the list's committed history yet");
        }

        html.Append("</dd>\n");
    }

    private static void Audits(StringBuilder html, DomainStatus domain)
    {
        html.Append("<section aria-labelledby=\"audits\">\n<h2 id=\"audits\">Last audits</h2>\n");
        if (domain.Audits.Count == 0)
        {
            html.Append("<p>No audit in the last ").Append(Inputs.AuditDigest.Days).Append(" days.</p>\n</section>\n");
            return;
        }

        html.Append("<table>\n<thead><tr><th scope=\"col\">Date</th><th scope=\"col\">Vantage</th><th scope=\"col\">Result</th><th scope=\"col\">Errors</th></tr></thead>\n<tbody>\n");
        foreach (var audit in domain.Audits)
        {
            html.Append("<tr><td>");
            PageLayout.Day(html, audit.Time);
            html.Append("</td><td>");
            HtmlText.Append(html, audit.Vantage.Length == 0 ? "—" : audit.Vantage);
            html.Append("</td><td>").Append(!audit.Trusted ? "inconclusive (the vantage was unhealthy)" : audit.Passed ? "passed" : "failed").Append("</td><td>");
            PageLayout.Codes(html, audit.ErrorCodes).Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n</section>\n");
    }

    private static void Findings(StringBuilder html, IReadOnlyList<Finding> findings)
    {
        if (findings.Count == 0)
        {
            return;
        }

        html.Append("<section aria-labelledby=\"findings\">\n<h2 id=\"findings\">What the last audit found</h2>\n<ul class=\"findings\">\n");
        foreach (var finding in findings.OrderBy(f => f.Severity).ThenBy(f => f.Code, StringComparer.Ordinal))
        {
            html.Append("<li class=\"").Append(finding.Severity.ToString().ToLowerInvariant()).Append("\"><code>");
            HtmlText.Append(html, finding.Code);
            html.Append("</code> <strong>").Append(finding.Severity.ToString().ToLowerInvariant()).Append("</strong>: ");
            HtmlText.Append(html, finding.Summary);
            html.Append(".<br><span class=\"message\">");
            HtmlText.Append(html, finding.Message);
            html.Append("</span>");
            if (Kinds.TryGetValue(finding.Code, out var kind) && kind.Remedy is { } remedy)
            {
                html.Append("<br><span class=\"remedy\">What to do: ");
                HtmlText.Append(html, remedy);
                html.Append("</span>");
            }

            html.Append("</li>\n");
        }

        html.Append("</ul>\n</section>\n");
    }

    private static void Timeline(StringBuilder html, DomainStatus domain)
    {
        int audited = domain.Timeline.Where(r => r.State != DayState.NotAudited).Sum(r => r.Days);
        int passed = domain.Timeline.Where(r => r.State == DayState.Passed).Sum(r => r.Days);
        html.Append("<section aria-labelledby=\"timeline\">\n<h2 id=\"timeline\">The last ").Append(Inputs.AuditDigest.Days).Append(" days</h2>\n")
            .Append(CultureInfo.InvariantCulture, $"<p>Passed on {passed} of {audited} audited days.</p>\n<ol class=\"timeline\">\n");
        foreach (var run in domain.Timeline)
        {
            string state = run.State.ToName();
            html.Append("<li class=\"day-").Append(state).Append("\" style=\"flex-grow:").Append(run.Days.ToString(CultureInfo.InvariantCulture)).Append("\"><span>");
            PageLayout.Day(html, run.From);
            if (run.Days > 1)
            {
                html.Append(" to ");
                PageLayout.Day(html, run.To);
            }

            html.Append(": ").Append(state.Replace('_', ' ')).Append(CultureInfo.InvariantCulture, $" ({run.Days} day{(run.Days == 1 ? string.Empty : "s")})</span></li>\n");
        }

        html.Append("</ol>\n<ul class=\"legend\" aria-hidden=\"true\">");
        foreach (var state in new[] { DayState.Passed, DayState.Failed, DayState.Disputed, DayState.Inconclusive, DayState.NotAudited })
        {
            html.Append("<li><span class=\"day-").Append(state.ToName()).Append("\"></span>").Append(state.ToName().Replace('_', ' ')).Append("</li>");
        }

        html.Append("</ul>\n</section>\n");
    }

    private static void Change(StringBuilder html, SiteSettings settings, DomainStatus domain)
    {
        html.Append("<section aria-labelledby=\"change\">\n<h2 id=\"change\">Change or remove this entry</h2>\n<p>Entries change by pull request to <code>");
        HtmlText.Append(html, settings.ListPath);
        html.Append("</code>");
        if (settings.RepositoryUrl is { } repository)
        {
            html.Append(" in <a href=\"");
            HtmlText.Append(html, repository);
            html.Append("\">the repository</a>: <a href=\"");
            HtmlText.Append(html, $"{repository}/edit/main/{settings.ListPath}");
            html.Append("\">edit the list on GitHub</a> (search it for <code>\"");
            HtmlText.Append(html, domain.Domain);
            html.Append("\"</code>)");
        }

        html.Append(". Or from a clone:</p>\n<pre><code>policyctl remove ");
        HtmlText.Append(html, domain.Domain);
        html.Append("\npolicyctl add ");
        HtmlText.Append(html, domain.Domain);
        html.Append(domain.Mode == PolicyMode.Enforce ? " --mode enforce" : " --mode testing").Append(" --from-mta-sts</code></pre>\n")
            .Append("<p>The pull request's checks probe the domain and ask for proof that you control it.</p>\n</section>\n");
    }

    private static string VerdictText(string verdict) => verdict switch
    {
        "passed" => "passed",
        "failed" => "failed",
        "inconclusive" => "inconclusive (the vantage was unhealthy)",
        _ => "not audited yet",
    };
}
