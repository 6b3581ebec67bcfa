using PolicyCuration.Review;
using PolicyCuration.Testing;

namespace PolicyCuration.Cli.Tests;

public sealed class ReviewCatalogueTests
{
    [Fact]
    public void EveryReviewCodeIsWellFormedProducedByATestAndHasADocumentedRow()
    {
        CatalogueAssertions.CodesAreWellFormed(ReviewFindingKinds.All);
        CatalogueAssertions.EveryCodeIsProduced(ReviewFindingKinds.All, CheckPrCommandTests.CodesProduced);
        CatalogueAssertions.EveryCodeHasADocumentedRow(ReviewFindingKinds.All);
    }
}
