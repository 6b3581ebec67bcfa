namespace PolicyCuration.Audit.Tests;

public sealed class AuditShardTests
{
    private static readonly string[] Domains = [.. Enumerable.Range(0, 2000).Select(i => $"domain{i}.example")];

    [Fact]
    public void EveryDomainIsInExactlyOneShardForEveryShardCount()
    {
        for (int count = 1; count <= 16; count++)
        {
            foreach (string domain in Domains)
            {
                Assert.Equal(1, Enumerable.Range(1, count).Count(index => new AuditShard(index, count).Contains(domain)));
            }
        }
    }

    [Fact]
    public void AddingDomainsMovesNoOtherDomain()
    {
        var before = Domains.ToDictionary(d => d, d => AuditShard.Of(d, 8));
        var added = Domains.Concat(Enumerable.Range(0, 500).Select(i => $"new{i}.example")).ToList();

        Assert.All(before, pair => Assert.Equal(pair.Value, AuditShard.Of(pair.Key, 8)));
        Assert.Equal(added.Count, added.Distinct().Count());
    }

    [Fact]
    public void ShardsAreRoughlyEven()
    {
        var sizes = Domains.GroupBy(d => AuditShard.Of(d, 8)).Select(g => g.Count()).ToList();

        Assert.Equal(8, sizes.Count);
        Assert.All(sizes, size => Assert.InRange(size, 150, 350));
    }

    [Theory]
    [InlineData("3/8", 3, 8)]
    [InlineData("1/1", 1, 1)]
    public void ShardsParse(string text, int index, int count) => Assert.Equal(new AuditShard(index, count), AuditShard.Parse(text));

    [Theory]
    [InlineData("0/8")]
    [InlineData("9/8")]
    [InlineData("3")]
    [InlineData("a/b")]
    [InlineData("1/300")]
    public void BadShardsAreRefused(string text) => Assert.Throws<ArgumentException>(() => AuditShard.Parse(text));
}
