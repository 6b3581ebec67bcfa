using System.Text.Json;
using System.Text.Json.Serialization;
using PolicyCuration.Format.Model;

namespace PolicyCuration.Validation.Diff;

/// <summary>A list diff as JSON, as <c>policyctl diff --format json</c> prints it (<c>schema/diff.schema.json</c>).</summary>
public static class ListDiffJson
{
    /// <summary>The diff as indented JSON and a final newline.</summary>
    public static string Write(ListDiff diff) => JsonSerializer.Serialize(
        new DiffData(
            [.. diff.Domains.Select(change => new DomainChangeData(change.Domain, Change(change.Kind), Of(change.Before), Of(change.After), change.Alias))],
            [.. diff.Aliases.Select(alias => new AliasChangeData(alias.Alias, Of(alias.Before), Of(alias.After), alias.AffectedDomains))]),
        DiffContext.Default.DiffData) + Environment.NewLine;

    private static string Change(ChangeKind kind) => kind switch
    {
        ChangeKind.Added => "added",
        ChangeKind.Removed => "removed",
        ChangeKind.Changed => "changed",
        _ => "alias_changed",
    };

    private static PolicyData? Of(Policy? policy) =>
        policy is null ? null : new PolicyData(policy.Mode?.ToJson(), policy.Mxs?.Select(m => m.Text).ToList(), policy.Alias);
}

/// <summary>A diff as written.</summary>
internal sealed record DiffData(IReadOnlyList<DomainChangeData> Domains, IReadOnlyList<AliasChangeData> Aliases);

/// <summary>One domain's change.</summary>
internal sealed record DomainChangeData(
    string Domain,
    string Change,
    PolicyData? Before,
    PolicyData? After,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Alias);

/// <summary>One alias's change and the domains it moves.</summary>
internal sealed record AliasChangeData(string Alias, PolicyData? Before, PolicyData? After, IReadOnlyList<string> AffectedDomains);

/// <summary>A policy in the list's own member names.</summary>
internal sealed record PolicyData(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Mode,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Mxs,
    [property: JsonPropertyName("policy-alias"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PolicyAlias);

/// <summary>The diff's serialiser, made at build time.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(DiffData))]
internal sealed partial class DiffContext : JsonSerializerContext;
