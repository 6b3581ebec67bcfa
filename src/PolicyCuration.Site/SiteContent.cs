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
    /// <summary>
    /// The most domains given a page of their own, readable without JavaScript: those failing their last audit,
    /// longest failing first. Every other domain is shown by <c>domain.html</c> from its shard, so that the site's
    /// file count does not grow with the list (GitHub Pages: 1 GB).
    /// </summary>
    public const int MaxStaticPages = 5_000;

    private HashSet<string>? paged;

    /// <summary>The domains whose last audit failed, longest failing first: what a maintainer looks at first.</summary>
    public IReadOnlyList<FailingDomain> Failing { get; } = [.. Domains
        .Where(d => d.Verdict == "failed")
        .Select(d => new FailingDomain(d, d.Timeline.Count > 0 && d.Timeline[^1].State == DayState.Failed ? d.Timeline[^1].From : null))
        .OrderBy(f => f.Since ?? DateOnly.MaxValue)
        .ThenBy(f => f.Domain.Domain, StringComparer.OrdinalIgnoreCase)];

    /// <summary>Whether <paramref name="domain"/> has a static page, <c>domains/NAME.html</c>.</summary>
    public bool HasStaticPage(string domain) => LazyInitializer.EnsureInitialized(
        ref paged,
        () => Failing.Select(f => f.Domain.Domain).Where(IsSafeName).Take(MaxStaticPages).Select(FileNameOf).ToHashSet(StringComparer.Ordinal))
        .Contains(FileNameOf(domain));

    /// <summary>The path, from the site's root, of the page that shows <paramref name="domain"/>.</summary>
    public string PageOf(string domain) =>
        HasStaticPage(domain) ? $"domains/{FileNameOf(domain)}.html" : $"domain.html?d={Uri.EscapeDataString(FileNameOf(domain))}";

    /// <summary>The file name a domain's page takes: the name in lower case.</summary>
    public static string FileNameOf(string domain) => domain.ToLowerInvariant();

    /// <summary>Whether <paramref name="domain"/> can name a file of the site (letters, digits, dot, hyphen, underscore).</summary>
    public static bool IsSafeName(string domain) =>
        domain.Length is > 0 and <= 253 && domain[0] != '.' && domain.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');

    /// <summary>The shard of a name or query: its first two characters, a dot as <c>_</c>.</summary>
    public static string ShardOf(string name) => FileNameOf(name.Length > 2 ? name[..2] : name).Replace('.', '_');
}

/// <summary>A domain that failed its last audit.</summary>
/// <param name="Domain">The domain.</param>
/// <param name="Since">The first day of its current run of failed days, if its last day is one.</param>
public sealed record FailingDomain(DomainStatus Domain, DateOnly? Since);
