using PolicyCuration.Format.Findings;

namespace PolicyCuration.Format.Tests;

public class FindingTests
{
    private static readonly FindingKind Kind = new("test.kind", Severity.Error, "Test kind");

    [Fact]
    public void MessagesAreCutAtTheLimit()
    {
        var finding = Kind.At("s", new string('x', 5000), null);

        Assert.Equal(FindingKind.MaxMessageLength + 1, finding.Message.Length);
        Assert.EndsWith("…", finding.Message, StringComparison.Ordinal);
        Assert.Equal("short", Kind.At("s", "short", null).Message);
    }

    [Fact]
    public void OutputOrderPutsFindingsWithoutAPlaceFirstThenByPosition()
    {
        var a = Kind.At("a", "m", new SourceLocation("f", 2, 1));
        var b = Kind.At("b", "m", new SourceLocation("f", 1, 9));
        var c = Kind.At("c", "m", null);

        Assert.Equal([c, b, a], new[] { a, b, c }.Order(Finding.OutputOrder));
    }

    [Fact]
    public void QuotedValuesAreEscapedAndCut()
    {
        Assert.Equal("\"a\\u0022b\\u000A\"", MessageText.Quote("a\"b\n"));
        Assert.EndsWith("…\"", MessageText.Quote(new string('y', 200)), StringComparison.Ordinal);
    }
}
