using PolicyCuration.Format.Model;

namespace PolicyCuration.Format.Tests;

public class ListTimeTests
{
    [Theory]
    [InlineData("2020-05-20T10:25:12.710034-07:00", "2020-05-20T17:25:12.7100340+00:00")]
    [InlineData("2026-11-28T00:00:00+00:00", "2026-11-28T00:00:00.0000000+00:00")]
    [InlineData("2026-11-28T00:00:00Z", "2026-11-28T00:00:00.0000000+00:00")]
    [InlineData("2026-11-28t01:00:00.123456789+01:00", "2026-11-28T00:00:00.1234567+00:00")]
    public void ReadsRfc3339WithAnOffset(string text, string utc) =>
        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), new ListTime(text, false).Value);

    [Theory]
    [InlineData("1543283226", "2018-11-27T01:47:06+00:00")]
    [InlineData("1543283226.5", "2018-11-27T01:47:06.5+00:00")]
    public void ReadsEpochSeconds(string text, string utc) =>
        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), new ListTime(text, true).Value);

    [Theory]
    [InlineData("2026-11-28T00:00:00", false)]
    [InlineData("2026-11-28", false)]
    [InlineData("2026-02-30T00:00:00Z", false)]
    [InlineData("2026-11-28T24:00:00Z", false)]
    [InlineData("2026-11-28T00:00:00+25:00", false)]
    [InlineData("yesterday", false)]
    [InlineData("1e999999", true)]
    [InlineData("-1", true)]
    [InlineData("99999999999999", true)]
    public void RefusesAnythingElse(string text, bool isNumber) => Assert.Null(new ListTime(text, isNumber).Value);

    [Fact]
    public void WritesInstantsAsEffDid() =>
        Assert.Equal("2026-11-28T12:30:00+00:00", ListTime.FromInstant(new DateTimeOffset(2026, 11, 28, 13, 30, 0, TimeSpan.FromHours(1))).Text);
}
