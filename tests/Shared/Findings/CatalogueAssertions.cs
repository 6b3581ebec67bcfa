using System.Text.RegularExpressions;
using PolicyCuration.Format.Findings;

namespace PolicyCuration.Testing;

/// <summary>The checks every catalogue of finding kinds passes: code shape, a test producing each, a README row each.</summary>
internal static partial class CatalogueAssertions
{
    /// <summary>Codes are unique dotted lower-case names.</summary>
    public static void CodesAreWellFormed(IEnumerable<FindingKind> kinds)
    {
        var codes = kinds.Select(k => k.Code).ToList();
        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.All(codes, code => Assert.Matches(CodeShape(), code));
    }

    /// <summary>Every kind's code is among <paramref name="covered"/>, the codes some test produces.</summary>
    public static void EveryCodeIsProduced(IEnumerable<FindingKind> kinds, IEnumerable<string> covered)
    {
        var set = covered.ToHashSet();
        var uncovered = kinds.Select(k => k.Code).Where(code => !set.Contains(code)).ToList();
        Assert.True(uncovered.Count == 0, $"no test produces {string.Join(", ", uncovered)}");
    }

    /// <summary>The table of codes (docs/finding-codes.md) has a row for each kind, with its severity.</summary>
    public static void EveryCodeHasADocumentedRow(IEnumerable<FindingKind> kinds)
    {
        string readme = File.ReadAllText(TestFiles.FindingCodes);
        foreach (var kind in kinds)
        {
            string severity = kind.Severity.ToString().ToLowerInvariant();
            Assert.True(
                Regex.IsMatch(readme, $@"^\| `{Regex.Escape(kind.Code)}` \| {severity} \|", RegexOptions.Multiline),
                $"docs/finding-codes.md has no row | `{kind.Code}` | {severity} | ...");
        }
    }

    [GeneratedRegex(@"^[a-z]+(\.[a-z0-9_]+)+$")]
    private static partial Regex CodeShape();
}
