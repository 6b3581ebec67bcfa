using System.Text.RegularExpressions;
using PolicyCuration.Review;
using PolicyCuration.Testing;

namespace PolicyCuration.Cli.Tests;

public sealed class ReviewCatalogueTests
{
    [Fact]
    public void EveryReviewCodeIsProducedByATestAndHasAReadmeRow()
    {
        string readme = File.ReadAllText(TestFiles.Readme);

        foreach (var kind in ReviewFindingKinds.All)
        {
            Assert.Contains(kind.Code, CheckPrCommandTests.CodesProduced);
            string severity = kind.Severity.ToString().ToLowerInvariant();
            Assert.True(
                Regex.IsMatch(readme, $@"^\| `{Regex.Escape(kind.Code)}` \| {severity} \|", RegexOptions.Multiline),
                $"README.md has no row | `{kind.Code}` | {severity} | ...");
        }
    }
}
