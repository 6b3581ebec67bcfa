using PolicyCuration.Format.Model;

namespace PolicyCuration.Validation.Diff;

/// <summary>Why a domain counts as changed between two lists.</summary>
public enum ChangeKind
{
    /// <summary>The domain is new.</summary>
    Added,

    /// <summary>The domain is gone.</summary>
    Removed,

    /// <summary>Its own entry changed (mode, patterns, or which alias it uses).</summary>
    Changed,

    /// <summary>Its entry is the same, but the alias it uses changed.</summary>
    AliasChanged,
}

/// <summary>One domain that differs between the two lists.</summary>
/// <param name="Domain">The domain.</param>
/// <param name="Kind">How it differs.</param>
/// <param name="Before">Its entry in the base list, or null when added.</param>
/// <param name="After">Its entry in the head list, or null when removed.</param>
/// <param name="Alias">For <see cref="ChangeKind.AliasChanged"/>, the alias that changed.</param>
public sealed record DomainChange(string Domain, ChangeKind Kind, Policy? Before, Policy? After, string? Alias = null);

/// <summary>One alias that differs, with every head-list domain that uses it.</summary>
/// <param name="Alias">The alias name.</param>
/// <param name="Before">Its definition in the base list, or null when added.</param>
/// <param name="After">Its definition in the head list, or null when removed.</param>
/// <param name="AffectedDomains">The domains that use it in either list, sorted.</param>
public sealed record AliasChange(string Alias, Policy? Before, Policy? After, IReadOnlyList<string> AffectedDomains);

/// <summary>What changed between two versions of the list: domains (alias changes included) and aliases.</summary>
/// <param name="Domains">Every domain added, removed or changed, sorted by name.</param>
/// <param name="Aliases">Every alias added, removed or changed, sorted by name.</param>
public sealed record ListDiff(IReadOnlyList<DomainChange> Domains, IReadOnlyList<AliasChange> Aliases)
{
    /// <summary>Whether the two lists have the same aliases and policies.</summary>
    public bool IsEmpty => Domains.Count == 0 && Aliases.Count == 0;

    /// <summary>The domains a pull request must be judged on: added, changed, or changed through their alias.</summary>
    public IEnumerable<string> AddedOrChanged => Domains.Where(d => d.Kind != ChangeKind.Removed).Select(d => d.Domain);

    /// <summary>Compares two lists; the header (timestamp, expires, author) is not part of the diff.</summary>
    public static ListDiff Compare(PolicyList before, PolicyList after)
    {
        var beforeAliases = ByName(before.Aliases);
        var afterAliases = ByName(after.Aliases);
        var aliasChanges = new List<AliasChange>();
        foreach (string alias in beforeAliases.Keys.Union(afterAliases.Keys).Order(StringComparer.Ordinal))
        {
            var was = beforeAliases.GetValueOrDefault(alias);
            var now = afterAliases.GetValueOrDefault(alias);
            if (!SameEntry(was, now))
            {
                var users = before.Policies.Concat(after.Policies).Where(p => p.Policy.Alias == alias).Select(p => p.Name);
                aliasChanges.Add(new AliasChange(alias, was, now, [.. users.Distinct().Order(StringComparer.Ordinal)]));
            }
        }

        var changedAliases = aliasChanges.Select(a => a.Alias).ToHashSet(StringComparer.Ordinal);
        var beforePolicies = ByName(before.Policies);
        var afterPolicies = ByName(after.Policies);
        var domainChanges = new List<DomainChange>();
        foreach (string domain in beforePolicies.Keys.Union(afterPolicies.Keys).Order(StringComparer.Ordinal))
        {
            var was = beforePolicies.GetValueOrDefault(domain);
            var now = afterPolicies.GetValueOrDefault(domain);
            if (was is null)
            {
                domainChanges.Add(new DomainChange(domain, ChangeKind.Added, null, now));
            }
            else if (now is null)
            {
                domainChanges.Add(new DomainChange(domain, ChangeKind.Removed, was, null));
            }
            else if (!SameEntry(was, now))
            {
                domainChanges.Add(new DomainChange(domain, ChangeKind.Changed, was, now));
            }
            else if (now.Alias is { } alias && changedAliases.Contains(alias))
            {
                domainChanges.Add(new DomainChange(domain, ChangeKind.AliasChanged, was, now, alias));
            }
        }

        return new ListDiff(domainChanges, aliasChanges);
    }

    private static Dictionary<string, Policy> ByName(IReadOnlyList<NamedPolicy> entries)
    {
        // Duplicate keys are refused by the reader, so the first entry of a name is its only one.
        var result = new Dictionary<string, Policy>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            result.TryAdd(entry.Name, entry.Policy);
        }

        return result;
    }

    private static bool SameEntry(Policy? a, Policy? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        return a.Mode == b.Mode
            && a.Alias == b.Alias
            && (a.Mxs is null ? b.Mxs is null : b.Mxs is not null && a.Mxs.Select(m => m.Text).SequenceEqual(b.Mxs.Select(m => m.Text), StringComparer.Ordinal));
    }
}
