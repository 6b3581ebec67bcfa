using PolicyCuration.Format.Findings;

namespace PolicyCuration.Validation.Schema;

/// <summary>The findings of JSON Schema validation, grouped by what kind of rule the value broke.</summary>
public static class SchemaFindingKinds
{
    /// <summary>A required member is missing.</summary>
    public static readonly FindingKind Required = new("schema.required", Severity.Error, "Required member missing");

    /// <summary>A member the format does not define.</summary>
    public static readonly FindingKind UnknownProperty = new("schema.unknown_property", Severity.Error, "Unknown member");

    /// <summary>A value of the wrong JSON type.</summary>
    public static readonly FindingKind Type = new("schema.type", Severity.Error, "Wrong value type");

    /// <summary>A value outside its allowed set, such as a mode other than testing or enforce.</summary>
    public static readonly FindingKind Enum = new("schema.enum", Severity.Error, "Value not allowed");

    /// <summary>A string that does not have the required form.</summary>
    public static readonly FindingKind Pattern = new("schema.pattern", Severity.Error, "Malformed value");

    /// <summary>A policy that is neither a direct policy nor an alias reference.</summary>
    public static readonly FindingKind PolicyShape = new("schema.policy_shape", Severity.Error, "Not a valid policy");

    /// <summary>Any other schema rule: lengths, counts, ranges.</summary>
    public static readonly FindingKind Violation = new("schema.violation", Severity.Error, "Schema violation");

    /// <summary>Every kind above, gathered from its declarations, in their order.</summary>
    public static IReadOnlyList<FindingKind> All { get; } = FindingKind.DeclaredIn(typeof(SchemaFindingKinds));
}
