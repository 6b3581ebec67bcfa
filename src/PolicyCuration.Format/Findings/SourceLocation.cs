namespace PolicyCuration.Format.Findings;

/// <summary>A place in a file: 1-based line and column (columns count Unicode scalar values).</summary>
public sealed record SourceLocation(string File, int Line, int Column)
{
    /// <summary>The <c>file:line:col</c> form that editors and CI logs understand.</summary>
    public override string ToString() => $"{File}:{Line}:{Column}";
}
