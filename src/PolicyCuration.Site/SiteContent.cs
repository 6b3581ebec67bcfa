using PolicyCuration.Site.Inputs;
using PolicyCuration.Site.Status;

namespace PolicyCuration.Site;

/// <summary>Everything the site shows, gathered from the list, its history, the audits and the release.</summary>
/// <param name="Settings">The site's settings.</param>
/// <param name="Domains">Every listed domain, by name.</param>
/// <param name="Changes">The list's recent changes, newest first.</param>
/// <param name="Release">The current release, when one was given.</param>
public sealed record SiteContent(SiteSettings Settings, IReadOnlyList<DomainStatus> Domains, IReadOnlyList<ListChange> Changes, ReleaseInfo? Release)
{
    /// <summary>The file name a domain's page and API file take: the name in lower case.</summary>
    public static string FileNameOf(string domain) => domain.ToLowerInvariant();

    /// <summary>Whether <paramref name="domain"/> can name a file of the site (letters, digits, dot, hyphen, underscore).</summary>
    public static bool IsSafeName(string domain) =>
        domain.Length is > 0 and <= 253 && domain[0] != '.' && domain.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');

    /// <summary>The search shard of a name or query: its first two characters, a dot as <c>_</c>.</summary>
    public static string ShardOf(string name) => FileNameOf(name.Length > 2 ? name[..2] : name).Replace('.', '_');
}
