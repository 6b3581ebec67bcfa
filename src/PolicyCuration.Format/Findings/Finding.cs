namespace PolicyCuration.Format.Findings;

/// <summary>One problem found in a list or a domain: what, how serious, where, and how to fix it.</summary>
/// <param name="Code">Stable dotted code, such as <c>list.mx.invalid_pattern</c>.</param>
/// <param name="Severity">Error, warning or information.</param>
/// <param name="Subject">What the finding is about: a domain, an alias, an MX pattern, or the list.</param>
/// <param name="Summary">Two to five words.</param>
/// <param name="Message">What is wrong and how to fix it.</param>
/// <param name="Location">Where in the file, when there is such a place.</param>
public sealed record Finding(
    string Code,
    Severity Severity,
    string Subject,
    string Summary,
    string Message,
    SourceLocation? Location)
{
    /// <summary>The fixed output order: findings without a place first, then by line, column, code and subject.</summary>
    public static IComparer<Finding> OutputOrder { get; } = Comparer<Finding>.Create(Compare);

    private static int Compare(Finding? a, Finding? b)
    {
        if (ReferenceEquals(a, b))
        {
            return 0;
        }

        if (a is null || b is null)
        {
            return a is null ? -1 : 1;
        }

        int byPlace = (a.Location, b.Location) switch
        {
            (null, null) => 0,
            (null, _) => -1,
            (_, null) => 1,
            var (x, y) => CompareLocations(x, y),
        };
        if (byPlace != 0)
        {
            return byPlace;
        }

        int byCode = string.CompareOrdinal(a.Code, b.Code);
        if (byCode != 0)
        {
            return byCode;
        }

        int bySubject = string.CompareOrdinal(a.Subject, b.Subject);
        return bySubject != 0 ? bySubject : string.CompareOrdinal(a.Message, b.Message);
    }

    private static int CompareLocations(SourceLocation x, SourceLocation y)
    {
        int byFile = string.CompareOrdinal(x.File, y.File);
        if (byFile != 0)
        {
            return byFile;
        }

        int byLine = x.Line.CompareTo(y.Line);
        return byLine != 0 ? byLine : x.Column.CompareTo(y.Column);
    }
}
