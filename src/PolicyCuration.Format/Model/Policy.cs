namespace PolicyCuration.Format.Model;

/// <summary>An MX host pattern as written: <c>mx.example.org</c>, or <c>.example.org</c> for one extra label.</summary>
/// <param name="Text">The pattern as written (case kept: comparisons ignore case).</param>
/// <param name="Offset">Byte offset in the source, or -1 when built in memory.</param>
public readonly record struct MxPattern(string Text, long Offset = -1)
{
    /// <summary>Whether the pattern covers the subdomains one label below its suffix (<c>.example.org</c>).</summary>
    public bool IsSuffix => Text.StartsWith('.');

    /// <summary>Whether <paramref name="host"/> matches: exactly, or with exactly one extra label for a suffix pattern.</summary>
    /// <remarks>One wildcard rule everywhere: EFF's RULES.md and RFC 8461's <c>*.</c> both allow one label only.</remarks>
    public bool Matches(string host)
    {
        host = host.TrimEnd('.');
        if (!IsSuffix)
        {
            return string.Equals(host, Text, StringComparison.OrdinalIgnoreCase);
        }

        if (host.Length <= Text.Length || !host.EndsWith(Text, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var label = host.AsSpan(0, host.Length - Text.Length);
        return label.Length > 0 && !label.Contains('.');
    }
}

/// <summary>A policy: either a mode and MX patterns, or a reference to a named alias.</summary>
/// <remarks>
/// Read leniently: a malformed policy still yields an object, with the parts that could be read, so that
/// every problem can be reported at once; the schema and the rules say what is wrong.
/// </remarks>
public sealed record Policy
{
    /// <summary>The mode, when written and valid.</summary>
    public PolicyMode? Mode { get; init; }

    /// <summary>The MX patterns in the author's order, when written.</summary>
    public IReadOnlyList<MxPattern>? Mxs { get; init; }

    /// <summary>The name of the alias this policy uses, when it uses one.</summary>
    public string? Alias { get; init; }

    /// <summary>Byte offset of the policy object, or -1.</summary>
    public long Offset { get; init; } = -1;

    /// <summary>Byte offset of the <c>mxs</c> array, or -1.</summary>
    public long MxsOffset { get; init; } = -1;

    /// <summary>Byte offset of the <c>policy-alias</c> value, or -1.</summary>
    public long AliasOffset { get; init; } = -1;

    /// <summary>A direct policy.</summary>
    public static Policy Direct(PolicyMode mode, IEnumerable<string> mxs) =>
        new() { Mode = mode, Mxs = [.. mxs.Select(m => new MxPattern(m))] };

    /// <summary>A policy that uses the alias <paramref name="alias"/>.</summary>
    public static Policy UsingAlias(string alias) => new() { Alias = alias };
}

/// <summary>A policy under its name: a domain in <c>policies</c>, or an alias in <c>policy-aliases</c>.</summary>
/// <param name="Name">The key as written.</param>
/// <param name="Policy">The policy.</param>
/// <param name="NameOffset">Byte offset of the key, or -1.</param>
public sealed record NamedPolicy(string Name, Policy Policy, long NameOffset = -1);
