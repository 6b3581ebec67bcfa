using PolicyCuration.Testing;

namespace PolicyCuration.Validation.Tests;

public sealed class CatalogueTests
{
    // Produced by tests elsewhere: list.shape (Format tests), json.file_too_large (Format tests),
    // schema.pattern (SchemaTests; in full validation the rules explain a malformed value better).
    private static readonly string[] ProducedElsewhere = ["list.shape", "json.file_too_large", "schema.pattern"];

    [Fact]
    public void CodesAreUniqueDottedLowerCaseNames() => CatalogueAssertions.CodesAreWellFormed(FindingCatalogue.All);

    [Fact]
    public void EveryCodeIsProducedByATest() =>
        CatalogueAssertions.EveryCodeIsProduced(FindingCatalogue.All, RuleTests.CodesCovered().Union(HostileCorpusTests.ExpectedCodes()).Union(ProducedElsewhere));

    [Fact]
    public void EveryCodeHasARowInTheCodeTableWithItsSeverity() => CatalogueAssertions.EveryCodeHasADocumentedRow(FindingCatalogue.All);
}
