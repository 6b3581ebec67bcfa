using PolicyCuration.Validation.Rules;
using PolicyCuration.Validation.Schema;
using PolicyCuration.Format;
using PolicyCuration.Format.Findings;
using PolicyCuration.Format.Json;

namespace PolicyCuration.Validation;

/// <summary>Every finding kind the validator can produce: the source of the README's table of codes.</summary>
public static class FindingCatalogue
{
    /// <summary>All kinds, JSON first, then schema, then rules.</summary>
    public static IReadOnlyList<FindingKind> All { get; } =
        [.. JsonFindingKinds.All, PolicyListReader.Shape, .. SchemaFindingKinds.All, .. ListFindingKinds.All];
}
