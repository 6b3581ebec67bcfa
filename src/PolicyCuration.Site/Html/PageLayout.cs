using PolicyCuration.Format.Escaping;
using System.Globalization;
using System.Text;

namespace PolicyCuration.Site.Html;

/// <summary>The frame every page shares: head, skip link, navigation, footer. <paramref name="Root"/> is the way back to the site's root ("" or "../").</summary>
/// <param name="Settings">The site's settings.</param>
/// <param name="Root">The relative path from the page to the site's root.</param>
internal sealed record PageLayout(SiteSettings Settings, string Root)
{
    /// <summary>Starts a page titled <paramref name="title"/> (escaped here).</summary>
    public StringBuilder Begin(string title)
    {
        var html = new StringBuilder(8192);
        html.Append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
        HtmlText.Append(html, title == Settings.Title ? title : $"{title} — {Settings.Title}");
        html.Append("</title>\n<link rel=\"stylesheet\" href=\"").Append(Root).Append("site.css\">\n")
            .Append("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Changes to the list\" href=\"").Append(Root).Append("feed.atom\">\n")
            .Append("</head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to the content</a>\n")
            .Append("<header>\n<nav aria-label=\"Site\"><a href=\"").Append(Root).Append("index.html\">");
        HtmlText.Append(html, Settings.Title);
        html.Append("</a> <a href=\"").Append(Root).Append("api/v2/domains/index.json\">JSON API</a> <a href=\"").Append(Root).Append("feed.atom\">Atom feed</a>");
        if (Settings.RepositoryUrl is { } repository)
        {
            html.Append(" <a href=\"");
            HtmlText.Append(html, repository);
            html.Append("\">Repository</a>");
        }

        html.Append("</nav>\n</header>\n<main id=\"main\">\n");
        return html;
    }

    /// <summary>Ends the page begun by <see cref="Begin"/>; <paramref name="script"/> names a script of the site to load, if any.</summary>
    public string End(StringBuilder html, string? script = null)
    {
        html.Append("</main>\n<footer>\n<p>Built ")
            .Append(Settings.Now.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture))
            .Append(" from the list, its history and the audits. No cookies, no trackers, nothing from other sites.</p>\n</footer>\n");
        if (script is not null)
        {
            html.Append("<script src=\"").Append(Root).Append(script).Append("\" defer></script>\n");
        }

        return html.Append("</body>\n</html>\n").ToString();
    }

    /// <summary>A <c>&lt;time&gt;</c> element of the day of <paramref name="instant"/>.</summary>
    public static StringBuilder Day(StringBuilder html, DateTimeOffset instant) => Day(html, DateOnly.FromDateTime(instant.UtcDateTime));

    /// <summary>A <c>&lt;time&gt;</c> element of <paramref name="day"/>.</summary>
    public static StringBuilder Day(StringBuilder html, DateOnly day)
    {
        string text = SiteTime.Day(day);
        return html.Append("<time datetime=\"").Append(text).Append("\">").Append(text).Append("</time>");
    }

    /// <summary>Finding codes, each as <c>&lt;code&gt;</c> and a space.</summary>
    public static StringBuilder Codes(StringBuilder html, IEnumerable<string> codes)
    {
        foreach (string code in codes)
        {
            html.Append("<code>");
            HtmlText.Append(html, code);
            html.Append("</code> ");
        }

        return html;
    }
}
