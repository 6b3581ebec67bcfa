using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace PolicyCuration.Format.Findings;

/// <summary>A kind of problem: its stable dotted code, its severity and a two-to-five-word summary.</summary>
/// <remarks>Codes are part of the public contract (README table, CI logs, JSON reports): never rename one.</remarks>
public sealed record FindingKind(string Code, Severity Severity, string Summary)
{
    /// <summary>The longest message kept; messages quote input, and input can be hostile.</summary>
    public const int MaxMessageLength = 2000;

    /// <summary>What the domain's owner can do about it, in one line; null where the kind has none written.</summary>
    public string? Remedy { get; init; }

    /// <summary>A finding of this kind about <paramref name="subject"/>, with the full message (cut at <see cref="MaxMessageLength"/>).</summary>
    public Finding At(string subject, string message, SourceLocation? location) =>
        new(Code, Severity, subject, Summary, message.Length > MaxMessageLength ? message[..MaxMessageLength] + "…" : message, location);

    /// <summary>
    /// Every kind <paramref name="catalogue"/> declares as a static field, in the order written: a kind added there
    /// cannot be left out of the catalogue, the README's table or its tests.
    /// </summary>
    public static IReadOnlyList<FindingKind> DeclaredIn([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields)] Type catalogue) =>
        [.. catalogue.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(FindingKind))
            .OrderBy(f => f.MetadataToken)
            .Select(f => (FindingKind)f.GetValue(null)!)];
}
