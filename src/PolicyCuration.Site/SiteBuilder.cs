using System.Reflection;
using System.Text;
using PolicyCuration.Format;
using PolicyCuration.Format.Model;
using PolicyCuration.Site.Api;
using PolicyCuration.Site.Html;
using PolicyCuration.Site.Inputs;
using PolicyCuration.Site.Status;

namespace PolicyCuration.Site;

/// <summary>What a build wrote: how many domains and files, and what it had to skip.</summary>
/// <param name="Domains">Domains with a page.</param>
/// <param name="Files">Files written.</param>
/// <param name="ListVersions">Versions of the list read from git.</param>
/// <param name="AuditRecords">Audit records of listed domains read.</param>
/// <param name="UnreadableAuditLines">History lines that were not records.</param>
/// <param name="Unnamed">Listed names that cannot name a file, left without a page.</param>
public sealed record SiteBuild(int Domains, int Files, int ListVersions, int AuditRecords, int UnreadableAuditLines, int Unnamed);

/// <summary>Builds the static site: gathers <see cref="SiteContent"/> from the inputs, then writes pages, API, feed and assets.</summary>
public static class SiteBuilder
{
    /// <summary>Gathers what the site shows from the read <paramref name="list"/> at <paramref name="listPath"/>, the history directory and the release.</summary>
    public static (SiteContent Content, EntryHistory Entries, AuditDigest Audits) Gather(
        SiteSettings settings, string listPath, PolicyList list, string? historyDirectory, ReleaseInfo? release)
    {
        var today = DateOnly.FromDateTime(settings.Now.UtcDateTime);
        var names = list.Policies.Select(p => p.Name).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var windowStart = settings.Now.AddDays(-AuditDigest.Days);
        // One after the other: the list's old versions are dead before the audits are read, and reading the audits
        // takes every core on its own. Without this collection the old versions' models and the audits' garbage are
        // alive at once: 1.12 GB for 200 000 domains against the 1 GB budget (BENCHMARKS.md).
        var entries = EntryHistory.Read(listPath, list, windowStart);
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var audits = AuditDigest.Read(historyDirectory, today, names);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var domains = new List<DomainStatus>(list.Policies.Count);
        foreach (var entry in list.Policies)
        {
            if (!seen.Add(entry.Name))
            {
                continue;
            }

            var policy = list.Resolve(entry.Policy);
            var (listed, mode, bound) = entries.SinceOf(entry.Name);
            domains.Add(new DomainStatus(
                entry.Name,
                policy?.Mode,
                [.. (policy?.Mxs ?? []).Select(p => p.Text)],
                entry.Policy.Alias,
                listed,
                mode,
                bound,
                audits.AuditsOf(entry.Name),
                audits.TimelineOf(entry.Name)));
        }

        domains.Sort((a, b) => StringComparer.OrdinalIgnoreCase.Compare(a.Domain, b.Domain));
        return (new SiteContent(settings, domains, entries.Changes, release), entries, audits);
    }

    /// <summary>Writes the site for <paramref name="site"/> into <paramref name="directory"/>, replacing what a previous build wrote there.</summary>
    public static int Write(SiteContent site, string directory)
    {
        foreach (string owned in new[] { "domains", "api" })
        {
            string path = Path.Combine(directory, owned);
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }

        string pages = Path.Combine(directory, "domains"), api = Path.Combine(directory, "api", $"v{ApiFiles.Version}");
        foreach (string path in new[] { pages, Path.Combine(api, "domains") })
        {
            Directory.CreateDirectory(path);
        }

        int files = 0;
        void Put(string path, byte[] content)
        {
            File.WriteAllBytes(path, content);
            Interlocked.Increment(ref files);
        }

        var named = site.Domains.Where(d => SiteContent.IsSafeName(d.Domain)).ToList();
        var shards = named.GroupBy(d => SiteContent.ShardOf(d.Domain), StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        Parallel.ForEach(shards, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, shard =>
        {
            // The newest audit's findings are read from its history line once, for the shard and the page.
            var findings = shard.ToDictionary(d => d, d => d.Audits.Count > 0 ? d.Audits[0].Findings : []);
            Put(Path.Combine(api, "domains", shard.Key + ".json"), ApiFiles.DomainsShard(site, shard, findings));
            foreach (var domain in shard.Where(d => site.HasStaticPage(d.Domain)))
            {
                Put(Path.Combine(pages, SiteContent.FileNameOf(domain.Domain) + ".html"), Encoding.UTF8.GetBytes(DomainPage.Render(site, domain, findings[domain])));
            }
        });

        Put(Path.Combine(api, "domains", "index.json"), ApiFiles.DomainsIndex(site, shards));
        Put(Path.Combine(api, "release.json"), ApiFiles.Release(site));
        Put(Path.Combine(api, "changes.json"), ApiFiles.Changes(site));
        Put(Path.Combine(directory, "feed.atom"), AtomFeed.Write(site));
        Put(Path.Combine(directory, "index.html"), Encoding.UTF8.GetBytes(HomePage.Render(site)));
        Put(Path.Combine(directory, "domain.html"), Encoding.UTF8.GetBytes(DomainPage.RenderShell(site)));
        foreach (string asset in new[] { "site.css", "search.js", "domain.js" })
        {
            using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(asset)!;
            using var output = File.Create(Path.Combine(directory, asset));
            stream.CopyTo(output);
            files++;
        }

        // GitHub Pages would otherwise run Jekyll over the files.
        Put(Path.Combine(directory, ".nojekyll"), []);
        return files;
    }

    /// <summary>Gathers and writes in one go.</summary>
    public static SiteBuild Build(SiteSettings settings, string listPath, PolicyList list, string? historyDirectory, ReleaseInfo? release, string outDirectory)
    {
        var (content, entries, audits) = Gather(settings, listPath, list, historyDirectory, release);
        int files = Write(content, outDirectory);
        return new SiteBuild(
            content.Domains.Count(d => SiteContent.IsSafeName(d.Domain)), files, entries.VersionsRead, audits.RecordsRead, audits.UnreadableLines,
            content.Domains.Count(d => !SiteContent.IsSafeName(d.Domain)));
    }
}
