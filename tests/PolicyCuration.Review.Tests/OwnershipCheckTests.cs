using PolicyCuration.Probe.Dns;
using PolicyCuration.Testing;

namespace PolicyCuration.Review.Tests;

/// <summary>Ownership records against the fixtures' zone: the PR's URL, another PR's, none, hostile text, no answer.</summary>
[Trait("Needs", "fixtures")]
public sealed class OwnershipCheckTests
{
    private const string Pr42 = "https://github.com/owner/list/pull/42";

    [Theory]
    [InlineData("valid.probe.test", Pr42, null)]
    [InlineData("valid.probe.test", "https://github.com/owner/list/pull/42/", null)]
    [InlineData("valid.probe.test", "HTTPS://GITHUB.COM/owner/list/pull/42", null)]
    [InlineData("valid.probe.test", "https://github.com/owner/list/pull/7", "ownership.txt.mismatch")]
    [InlineData("valid.probe.test", "https://github.com/owner/list/pull/420", "ownership.txt.mismatch")]
    [InlineData("selfsigned.probe.test", Pr42, "ownership.txt.mismatch")]
    [InlineData("nomx.probe.test", Pr42, "ownership.txt.missing")]
    [InlineData("absent.probe.test", Pr42, "ownership.txt.missing")]
    [InlineData("hostile.probe.test", Pr42, "ownership.txt.mismatch")]
    public async Task EachRecordGivesItsVerdict(string domain, string url, string? code)
    {
        var check = new OwnershipCheck(new MailDns(ProbeFixtures.Dns, TimeSpan.FromSeconds(5)));

        var finding = await check.CheckAsync(domain, url, CancellationToken.None);

        Assert.Equal(code, finding?.Code);
        if (finding is not null)
        {
            Assert.Contains($"_starttls-policy.{domain}", finding.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AResolverThatDoesNotAnswerIsALookupFailureNotAMissingRecord()
    {
        using var silent = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var check = new OwnershipCheck(new MailDns((System.Net.IPEndPoint)silent.Client.LocalEndPoint!, TimeSpan.FromSeconds(1)));

        var finding = await check.CheckAsync("valid.probe.test", Pr42, CancellationToken.None);

        Assert.Equal("ownership.lookup_failed", finding?.Code);
    }
}
