using PolicyCuration.Format;
using PolicyCuration.Format.Findings;
using PolicyCuration.Format.Model;

namespace PolicyCuration.Validation.Rules;

/// <summary>Whether a file is byte for byte what <see cref="CanonicalWriter"/> writes for it.</summary>
public static class CanonicalFormRule
{
    /// <summary>A finding at the first difference when <paramref name="list"/>'s source is not canonical, else null.</summary>
    /// <param name="list">A list read from a file.</param>
    /// <param name="severity">Warning for <c>validate</c>; error for <c>fmt --check</c> and pull requests.</param>
    public static Finding? Check(PolicyList list, Severity severity)
    {
        if (list.Source is not { } source)
        {
            return null;
        }

        if (CanonicalWriter.FirstDifference(list, source.Bytes) is not { } difference)
        {
            return null;
        }

        var kind = ListFindingKinds.NotCanonical with { Severity = severity };
        return kind.At("list",
            $"the file is not in canonical form (sorted keys, lower-case MX patterns, 2-space indent, final newline); first difference here; run: policyctl fmt {source.Path}",
            source.LocationOf(difference));
    }
}
