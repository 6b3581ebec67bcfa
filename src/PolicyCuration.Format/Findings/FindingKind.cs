namespace PolicyCuration.Format.Findings;

/// <summary>A kind of problem: its stable dotted code, its severity and a two-to-five-word summary.</summary>
/// <remarks>Codes are part of the public contract (README table, CI logs, JSON reports): never rename one.</remarks>
public sealed record FindingKind(string Code, Severity Severity, string Summary)
{
    /// <summary>A finding of this kind about <paramref name="subject"/>, with the full message.</summary>
    public Finding At(string subject, string message, SourceLocation? location) =>
        new(Code, Severity, subject, Summary, message, location);
}
