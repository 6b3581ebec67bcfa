using PolicyCuration.Validation.Names;

namespace PolicyCuration.Validation.Tests;

public class PublicSuffixListTests
{
    private static readonly PublicSuffixList Sample = PublicSuffixList.Parse(new StringReader("""
        // comment
        com
        co.uk
        *.ck
        !www.ck
        公司.cn
        """));

    [Theory]
    [InlineData("com", true)]
    [InlineData("co.uk", true)]
    [InlineData("CO.UK", true)]
    [InlineData("example.co.uk", false)]
    [InlineData("anything.ck", true)]
    [InlineData("www.ck", false)]
    [InlineData("xn--55qx5d.cn", true)]
    [InlineData("unlisted", true)]
    [InlineData("example.com", false)]
    public void FollowsTheListsRules(string name, bool isSuffix) => Assert.Equal(isSuffix, Sample.IsPublicSuffix(name));

    [Theory]
    [InlineData("co.uk", true)]
    [InlineData("github.io", true)]
    [InlineData("example.org", false)]
    [InlineData("google.com", false)]
    public void TheShippedListKnowsRealSuffixes(string name, bool isSuffix) => Assert.Equal(isSuffix, PublicSuffixList.Default.IsPublicSuffix(name));
}
