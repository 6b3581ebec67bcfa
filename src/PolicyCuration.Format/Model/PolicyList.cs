using PolicyCuration.Format.Findings;

namespace PolicyCuration.Format.Model;

/// <summary>A STARTTLS policy list, format 0.1: its header, its aliases and its domain policies, in file order.</summary>
public sealed record PolicyList
{
    /// <summary>The only format version there is.</summary>
    public const string FormatVersion = "0.1";

    /// <summary>When the list was produced.</summary>
    public ListTime? Timestamp { get; init; }

    /// <summary>When consumers must stop trusting it.</summary>
    public ListTime? Expires { get; init; }

    /// <summary>The format version, <c>"0.1"</c>.</summary>
    public string? Version { get; init; }

    /// <summary>Who publishes the list.</summary>
    public string? Author { get; init; }

    /// <summary>Whether the file had a <c>policy-aliases</c> member (kept so that formatting loses nothing).</summary>
    public bool HasAliasSection { get; init; }

    /// <summary>Named policies that domains can refer to.</summary>
    public IReadOnlyList<NamedPolicy> Aliases { get; init; } = [];

    /// <summary>The domains and their policies.</summary>
    public IReadOnlyList<NamedPolicy> Policies { get; init; } = [];

    /// <summary>Byte offset of the <c>policies</c> object, or -1.</summary>
    public long PoliciesOffset { get; init; } = -1;

    /// <summary>The file it was read from, for positions; null for a list built in memory.</summary>
    public SourceText? Source { get; init; }

    /// <summary>The location of a byte offset in <see cref="Source"/>, or null.</summary>
    public SourceLocation? LocationOf(long offset) => Source is null || offset < 0 ? null : Source.LocationOf(offset);

    /// <summary>The alias named <paramref name="name"/>, or null.</summary>
    public NamedPolicy? FindAlias(string name) => Aliases.FirstOrDefault(a => a.Name == name);

    /// <summary>The policy in force: the alias's when <paramref name="policy"/> uses one, else itself; null for an unknown alias.</summary>
    public Policy? Resolve(Policy policy) =>
        policy.Alias is { } alias ? FindAlias(alias)?.Policy : policy;
}
