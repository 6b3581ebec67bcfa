using System.Text.Json;
using PolicyCuration.Format.Findings;
using PolicyCuration.Format.Json;
using PolicyCuration.Format.Model;
using PolicyCuration.Probe;
using PolicyCuration.Signing;
using PolicyCuration.Site.Status;

namespace PolicyCuration.Site.Api;

/// <summary>
/// The versioned JSON API beside the pages (<c>api/v2/</c>), described by <c>schema/site-api-v2.schema.json</c>:
/// <c>domains/index.json</c> and one shard per two first characters holding everything a domain's page shows,
/// <c>release.json</c>, <c>changes.json</c>.
/// </summary>
internal static class ApiFiles
{
    /// <summary>The API's version, in its path and in every file.</summary>
    public const int Version = 2;

    public static byte[] DomainsIndex(SiteContent site, IReadOnlyList<IGrouping<string, DomainStatus>> shards) => Write(json =>
    {
        Header(json, site, "domains-index");
        json.WriteNumber("count", site.Domains.Count);
        json.WriteStartObject("shards");
        foreach (var shard in shards)
        {
            json.WriteNumber(shard.Key, shard.Count());
        }

        json.WriteEndObject();
    });

    public static byte[] DomainsShard(SiteContent site, IGrouping<string, DomainStatus> shard, IReadOnlyDictionary<DomainStatus, IReadOnlyList<Finding>> findingsOf) => Write(json =>
    {
        Header(json, site, "domains-shard");
        json.WriteString("shard", shard.Key);
        var remedies = new SortedDictionary<string, string>(StringComparer.Ordinal);
        json.WriteStartArray("domains");
        foreach (var domain in shard)
        {
            var findings = findingsOf[domain];
            Domain(json, domain, findings);
            foreach (var finding in findings)
            {
                if (Remedies.TryGetValue(finding.Code, out string? remedy))
                {
                    remedies[finding.Code] = remedy;
                }
            }
        }

        json.WriteEndArray();
        json.WriteStartObject("remedies");
        foreach (var (code, remedy) in remedies)
        {
            json.WriteString(code, remedy);
        }

        json.WriteEndObject();
    });

    private static readonly Dictionary<string, string> Remedies = ProbeFindingKinds.All
        .Where(k => k.Remedy is not null).ToDictionary(k => k.Code, k => k.Remedy!, StringComparer.Ordinal);

    private static void Domain(Utf8JsonWriter json, DomainStatus domain, IReadOnlyList<Finding> findings)
    {
        json.WriteStartObject();
        json.WriteString("domain", domain.Domain);
        Mode(json, domain.Mode);
        json.WriteStringArray("mxs", domain.Mxs);
        OptionalString(json, "alias", domain.Alias);
        OptionalString(json, "listed_since", domain.ListedSince is { } listed ? SiteTime.Day(listed) : null);
        OptionalString(json, "mode_since", domain.ModeSince is { } mode ? SiteTime.Day(mode) : null);
        json.WriteBoolean("since_is_upper_bound", domain.SinceIsBound);
        json.WriteString("verdict", domain.Verdict);
        OptionalString(json, "last_audit", domain.Audits.Count > 0 ? SiteTime.Day(domain.Audits[0].Time) : null);
        json.WriteStartArray("audits");
        foreach (var audit in domain.Audits)
        {
            json.WriteStartObject();
            json.WriteString("time", SiteTime.Instant(audit.Time));
            json.WriteString("vantage", audit.Vantage);
            json.WriteBoolean("trusted", audit.Trusted);
            json.WriteBoolean("passed", audit.Passed);
            json.WriteStringArray("errors", audit.ErrorCodes);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("findings");
        foreach (var finding in findings)
        {
            FindingJson.Write(json, finding);
        }

        json.WriteEndArray();
        json.WriteStartArray("timeline");
        foreach (var run in domain.Timeline)
        {
            json.WriteStartObject();
            json.WriteString("from", SiteTime.Day(run.From));
            json.WriteString("to", SiteTime.Day(run.To));
            json.WriteString("state", run.State.ToName());
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static byte[] Release(SiteContent site) => Write(json =>
    {
        Header(json, site, "release");
        if (site.Release is not { } release)
        {
            json.WriteNull("release");
            return;
        }

        json.WriteStartObject("release");
        json.WriteNumber("serial", release.Manifest.Serial);
        json.WriteString("timestamp", ReleaseManifest.Format(release.Manifest.Timestamp));
        json.WriteString("expires", ReleaseManifest.Format(release.Manifest.Expires));
        json.WriteBoolean("expired", release.Manifest.Expires <= site.Settings.Now);
        json.WriteString("key_id", release.Key.Id.ToString());
        json.WriteString("public_key", release.KeyLine);
        json.WriteStartArray("files");
        foreach (var file in release.Manifest.Files)
        {
            json.WriteStartObject();
            json.WriteString("name", file.Name);
            json.WriteNumber("size", file.Size);
            json.WriteString("sha256", file.Sha256);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    });

    public static byte[] Changes(SiteContent site) => Write(json =>
    {
        Header(json, site, "changes");
        json.WriteStartArray("changes");
        foreach (var change in site.Changes)
        {
            json.WriteStartObject();
            json.WriteString("time", SiteTime.Instant(change.Time));
            json.WriteString("commit", change.Commit);
            json.WriteString("domain", change.Domain);
            json.WriteString("change", change.KindName);
            Mode(json, change.Mode);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    });

    private static void Header(Utf8JsonWriter json, SiteContent site, string kind)
    {
        json.WriteNumber("version", Version);
        json.WriteString("kind", kind);
        json.WriteString("generated", SiteTime.Instant(site.Settings.Now));
    }

    private static void Mode(Utf8JsonWriter json, PolicyMode? mode)
    {
        if (mode is { } known)
        {
            json.WriteString("mode", known.ToJson());
        }
        else
        {
            json.WriteNull("mode");
        }
    }

    private static void OptionalString(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }
}
