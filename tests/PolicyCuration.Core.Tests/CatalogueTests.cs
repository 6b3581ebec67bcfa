using System.Text.RegularExpressions;
using PolicyCuration.Testing;

namespace PolicyCuration.Core.Tests;

public partial class CatalogueTests
{
    // Produced by tests elsewhere: list.shape (Format tests), json.file_too_large (Format tests),
    // schema.pattern (SchemaTests; in full validation the rules explain a malformed value better).
    private static readonly string[] ProducedElsewhere = ["list.shape", "json.file_too_large", "schema.pattern"];

    [Fact]
    public void CodesAreUniqueDottedLowerCaseNames()
    {
        var codes = FindingCatalogue.All.Select(k => k.Code).ToList();

        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.All(codes, code => Assert.Matches(CodeShape(), code));
    }

    [Fact]
    public void EveryCodeIsProducedByATest()
    {
        var covered = RuleTests.CodesCovered().Union(HostileCorpusTests.ExpectedCodes()).Union(ProducedElsewhere).ToHashSet();

        var uncovered = FindingCatalogue.All.Select(k => k.Code).Where(code => !covered.Contains(code)).ToList();
        Assert.True(uncovered.Count == 0, $"no test produces {string.Join(", ", uncovered)}");
    }

    [Fact]
    public void EveryCodeHasARowInTheReadmeWithItsSeverity()
    {
        string readme = File.ReadAllText(TestFiles.Readme);

        foreach (var kind in FindingCatalogue.All)
        {
            string severity = kind.Severity.ToString().ToLowerInvariant();
            Assert.True(
                Regex.IsMatch(readme, $@"^\| `{Regex.Escape(kind.Code)}` \| {severity} \|", RegexOptions.Multiline),
                $"README.md has no row | `{kind.Code}` | {severity} | ...");
        }
    }

    [GeneratedRegex(@"^[a-z]+(\.[a-z0-9_]+)+$")]
    private static partial Regex CodeShape();
}
