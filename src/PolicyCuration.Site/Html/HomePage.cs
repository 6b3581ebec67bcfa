using PolicyCuration.Format.Escaping;
using System.Globalization;
using System.Text;
using PolicyCuration.Format.Model;
using PolicyCuration.Signing;
using PolicyCuration.Site.Status;

namespace PolicyCuration.Site.Html;

/// <summary>The home page: what the list is, its counts, the release and how to verify it, the search, the recent changes.</summary>
internal static class HomePage
{
    /// <summary>The most changes the home page lists; the feed and the API hold the rest.</summary>
    public const int ShownChanges = 50;

    public static string Render(SiteContent site)
    {
        var layout = new PageLayout(site.Settings, string.Empty);
        var html = layout.Begin(site.Settings.Title);
        html.Append("<h1>");
        HtmlText.Append(html, site.Settings.Title);
        html.Append("</h1>\n<p>Mail domains that support STARTTLS with valid certificates, and the names their mail servers' certificates must match. ")
            .Append("A sending mail server that uses this list refuses to deliver to them without a verified TLS connection, ")
            .Append("so that an attacker on the path can neither strip STARTTLS nor present a bogus certificate.</p>\n");

        html.Append("<section aria-labelledby=\"find\">\n<h2 id=\"find\">Find a domain</h2>\n")
            .Append("<form id=\"search\" role=\"search\" action=\"#\">\n<label for=\"q\">Domain name</label>\n")
            .Append("<input id=\"q\" name=\"q\" type=\"search\" autocomplete=\"off\" autocapitalize=\"none\" spellcheck=\"false\" placeholder=\"example.com\" ")
            .Append("data-api=\"api/v2/domains/\">\n<button type=\"submit\">Go</button>\n</form>\n")
            .Append("<p id=\"search-status\" role=\"status\" aria-live=\"polite\"></p>\n<ul id=\"results\"></ul>\n")
            .Append("<noscript><p>The search and most domains' pages need JavaScript. Without it, the domains failing their last audit below have pages of their own, and the <a href=\"api/v2/domains/index.json\">JSON API</a> holds every domain.</p></noscript>\n</section>\n");

        int enforce = site.Domains.Count(d => d.Mode == PolicyMode.Enforce), testing = site.Domains.Count(d => d.Mode == PolicyMode.Testing);
        int passing = site.Domains.Count(d => d.Verdict == "passed"), failing = site.Domains.Count(d => d.Verdict == "failed");
        html.Append("<section aria-labelledby=\"list\">\n<h2 id=\"list\">The list</h2>\n<table>\n<caption>Domains by mode</caption>\n")
            .Append("<thead><tr><th scope=\"col\">Mode</th><th scope=\"col\">Domains</th><th scope=\"col\">Meaning</th></tr></thead>\n<tbody>\n")
            .Append(CultureInfo.InvariantCulture, $"<tr><th scope=\"row\">enforce</th><td>{enforce}</td><td>senders refuse delivery without a verified TLS connection</td></tr>\n")
            .Append(CultureInfo.InvariantCulture, $"<tr><th scope=\"row\">testing</th><td>{testing}</td><td>senders report failures but deliver</td></tr>\n")
            .Append(CultureInfo.InvariantCulture, $"</tbody>\n<tfoot><tr><th scope=\"row\">all</th><td>{site.Domains.Count}</td><td>{passing} passed their last audit, {failing} failed it</td></tr></tfoot>\n</table>\n</section>\n");

        html.Append("<section aria-labelledby=\"release\">\n<h2 id=\"release\">The current release</h2>\n");
        if (site.Release is { } release)
        {
            var manifest = release.Manifest;
            bool expired = manifest.Expires <= site.Settings.Now;
            html.Append("<dl class=\"facts\">\n<dt>Serial</dt><dd>").Append(manifest.Serial.ToString(CultureInfo.InvariantCulture)).Append("</dd>\n<dt>Made</dt><dd>");
            PageLayout.Day(html, manifest.Timestamp).Append("</dd>\n<dt>Expires</dt><dd>");
            PageLayout.Day(html, manifest.Expires).Append(expired ? " <strong>(expired)</strong>" : string.Empty).Append("</dd>\n<dt>Signed by key</dt><dd><code>")
                .Append(release.Key.Id.ToString()).Append("</code></dd>\n<dt>Public key</dt><dd><code class=\"key\">");
            HtmlText.Append(html, release.KeyLine);
            html.Append("</code></dd>\n</dl>\n<p>Check a downloaded release against the key before you use it:</p>\n<pre><code>minisign -Vm policy.json -P ");
            HtmlText.Append(html, release.KeyLine);
            html.Append("\nminisign -Vm manifest.json -P ");
            HtmlText.Append(html, release.KeyLine);
            html.Append("</code></pre>\n<p>Get the key from more than one place (this page, the repository's <code>policy/release.pub</code>) and check they agree. ")
                .Append("<code>starttls-policy update</code> verifies both signatures, refuses rollback and expired releases.</p>\n");
        }
        else
        {
            html.Append("<p>No release was given to this build of the site.</p>\n");
        }

        html.Append("</section>\n");
        Failing(html, site);
        html.Append("<section aria-labelledby=\"changes\">\n<h2 id=\"changes\">Recent changes</h2>\n");
        if (site.Changes.Count == 0)
        {
            html.Append("<p>No change in the list's recent history.</p>\n");
        }
        else
        {
            html.Append("<ol class=\"changes\">\n");
            foreach (var change in site.Changes.Take(ShownChanges))
            {
                html.Append("<li>");
                PageLayout.Day(html, change.Time).Append(' ');
                DomainLink(html, site, change.Domain, listed: site.Domains.Any(d => string.Equals(d.Domain, change.Domain, StringComparison.OrdinalIgnoreCase)) && change.Kind != ChangeKind.Removed);
                html.Append(' ').Append(change.KindName);
                if (change.Mode is { } mode)
                {
                    html.Append(" (").Append(mode.ToJson()).Append(')');
                }

                html.Append("</li>\n");
            }

            html.Append("</ol>\n");
            if (site.Changes.Count > ShownChanges)
            {
                html.Append(CultureInfo.InvariantCulture, $"<p>{site.Changes.Count - ShownChanges} older changes are in the <a href=\"feed.atom\">feed</a> and <a href=\"api/v2/changes.json\">changes.json</a>.</p>\n");
            }
        }

        html.Append("</section>\n");
        return layout.End(html, "search.js");
    }

    /// <summary>The domains whose last audit failed, longest failing first: what a maintainer looks at first.</summary>
    private static void Failing(StringBuilder html, SiteContent site)
    {
        var failing = site.Failing;
        html.Append("<section aria-labelledby=\"failing\">\n<h2 id=\"failing\">Failing now</h2>\n");
        if (failing.Count == 0)
        {
            html.Append("<p>No listed domain failed its last audit.</p>\n</section>\n");
            return;
        }

        html.Append(CultureInfo.InvariantCulture, $"<p>{failing.Count} of {site.Domains.Count} listed domains failed their last audit; the longest failing first.</p>\n<ol class=\"changes\">\n");
        foreach (var (domain, since) in failing.Take(ShownChanges))
        {
            html.Append("<li>");
            DomainLink(html, site, domain.Domain, listed: true);
            html.Append(' ').Append(domain.Mode?.ToJson() ?? "unknown mode").Append(", failing");
            if (since is { } day)
            {
                html.Append(" each day since ");
                PageLayout.Day(html, day);
            }

            html.Append(": ");
            PageLayout.Codes(html, domain.Audits[0].ErrorCodes).Append("</li>\n");
        }

        html.Append("</ol>\n</section>\n");
    }

    private static void DomainLink(StringBuilder html, SiteContent site, string domain, bool listed)
    {
        if (listed && SiteContent.IsSafeName(domain))
        {
            html.Append("<a href=\"").Append(site.PageOf(domain)).Append("\">");
            HtmlText.Append(html, domain);
            html.Append("</a>");
        }
        else
        {
            html.Append("<span class=\"domain\">");
            HtmlText.Append(html, domain);
            html.Append("</span>");
        }
    }
}
