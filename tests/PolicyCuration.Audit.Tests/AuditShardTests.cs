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

    /// <summary>
    /// A domain's shard is the first 8 bytes of the SHA-256 of its lower-case name, read little-endian, modulo the count
    /// (check with <c>printf %s example.org | sha256sum</c>): pinned, since a change would move every domain at once.
    /// </summary>
    [Theory]
    [InlineData("example.org", 8, 8)]
    [InlineData("EXAMPLE.org", 8, 8)]
    [InlineData("example.org", 3, 1)]
    [InlineData("gmail.com", 8, 2)]
    [InlineData("yahoo.com", 3, 3)]
    [InlineData("posteo.de", 8, 1)]
    [InlineData("mailbox.org", 8, 3)]
    public void ADomainsShardDependsOnItsNameAlone(string domain, int count, int shard) =>
        Assert.Equal(shard, AuditShard.Of(domain, count));

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
