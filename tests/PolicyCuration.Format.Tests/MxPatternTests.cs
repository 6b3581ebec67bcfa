using PolicyCuration.Format.Model;

namespace PolicyCuration.Format.Tests;

public class MxPatternTests
{
    [Theory]
    [InlineData("mx.example.com", "mx.example.com", true)]
    [InlineData("mx.example.com", "MX.Example.COM", true)]
    [InlineData("mx.example.com", "mx.example.com.", true)]
    [InlineData("mx.example.com", "mx2.example.com", false)]
    [InlineData(".example.com", "mx.example.com", true)]
    [InlineData(".example.com", "MX.EXAMPLE.com", true)]
    [InlineData(".example.com", "example.com", false)]
    [InlineData(".example.com", "a.mx.example.com", false)]
    [InlineData(".example.com", "mxexample.com", false)]
    [InlineData(".example.com", ".example.com", false)]
    public void SuffixPatternsMatchExactlyOneExtraLabel(string pattern, string host, bool matches) =>
        Assert.Equal(matches, new MxPattern(pattern).Matches(host));
}
