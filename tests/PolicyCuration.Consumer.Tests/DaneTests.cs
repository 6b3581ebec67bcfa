using System.Text;
using PolicyCuration.Consumer.Dane;
using PolicyCuration.Consumer.Socketmap;
using PolicyCuration.Format;
using PolicyCuration.Format.Model;
using PolicyCuration.Signing;
using PolicyCuration.Testing;

namespace PolicyCuration.Consumer.Tests;

/// <summary>
/// <c>--dane</c> against a real validating resolver (unbound) and a zone signed by the fixtures (ldns-signzone, served by nsd):
/// only domains whose MX records and every MX host's TLSA records validate are written <c>dane-only</c>; everything else,
/// and everything when the resolver cannot be trusted, keeps the list's <c>secure</c> entry.
/// </summary>
[Trait("Needs", "fixtures")]
public sealed class DaneTests : IDisposable
{
    private readonly TemporaryDirectory dir = new();

    public void Dispose() => dir.Dispose();

    public static TheoryData<string, DaneStanding> Standings => new()
    {
        { "pinned.dane.test", DaneStanding.Every },
        { "wrongkey.dane.test", DaneStanding.Every },
        { "partial.dane.test", DaneStanding.Some },
        { "plain.dane.test", DaneStanding.None },
        { "valid.probe.test", DaneStanding.None },
        { "missing.dane.test", DaneStanding.None },
        { new string('a', 64) + ".dane.test", DaneStanding.Unknown },
    };

    [Theory]
    [MemberData(nameof(Standings))]
    public async Task EachDomainIsJudgedByWhatTheResolverValidates(string domain, DaneStanding expected)
    {
        var survey = new DaneSurvey(ProbeFixtures.Resolver, TimeSpan.FromSeconds(5));
        Assert.Equal(expected, await survey.JudgeAsync(domain, CancellationToken.None));
    }

    [Fact]
    public void OnlyDomainsDaneCoversOnEveryMxHostAreWrittenDaneOnly()
    {
        var (code, map, report) = Update("--dane", "--dns-server", ProbeFixtures.Resolver.ToString());

        Assert.True(code == ConsumerExitCodes.Ok, report);
        Assert.Contains("pinned.dane.test\tdane-only\n", map);
        Assert.Contains("wrongkey.dane.test\tdane-only\n", map);
        Assert.Contains("partial.dane.test\tsecure match=mx-pinned.dane.test:mx-plain.dane.test servername=hostname\n", map);
        Assert.Contains("plain.dane.test\tsecure match=mx-plain.dane.test servername=hostname\n", map);

        // TLSA in a zone that is not signed proves nothing: the list's entry stays.
        Assert.Contains("valid.probe.test\tsecure match=mx.valid.probe.test servername=hostname\n", map);

        // A testing domain stays a comment: DANE for it is Postfix's own business under its global level.
        Assert.Contains("# testing: testing.dane.test\tsecure match=mx-pinned.dane.test", map);
        Assert.Contains("# dane-only: 2 enforced domain(s)", map);
        Assert.Contains("dane: 2 of 5 enforced domains are DANE-authenticated on every MX host", report);
    }

    [Fact]
    public void WithoutDaneNothingChanges()
    {
        var (code, map, report) = Update();

        Assert.True(code == ConsumerExitCodes.Ok, report);
        Assert.DoesNotContain("dane-only", map);
        Assert.Contains("pinned.dane.test\tsecure match=mx-pinned.dane.test servername=hostname\n", map);
        Assert.DoesNotContain("dane:", report);
    }

    [Fact]
    public void AResolverThatDoesNotValidateChangesNothingAndIsSaidLoudly()
    {
        var (code, map, report) = Update("--dane", "--dns-server", ProbeFixtures.Dns.ToString());

        Assert.True(code == ConsumerExitCodes.Ok, report);
        Assert.DoesNotContain("\tdane-only", map);
        Assert.Contains("pinned.dane.test\tsecure match=", map);
        Assert.Contains("WARNING: no answer from the resolver was DNSSEC-validated", report);
    }

    [Fact]
    public async Task AResolverThatDoesNotAnswerChangesNothing()
    {
        // Each question waits out its bound: a short one keeps the test from holding threads other tests need.
        var survey = new DaneSurvey(new System.Net.IPEndPoint(System.Net.IPAddress.Parse("127.0.10.97"), ProbeFixtures.ClosedPort()), TimeSpan.FromMilliseconds(300));
        var list = MapEntries.Resolve(Encoding.UTF8.GetBytes(CanonicalWriter.Write(TestList() with { Expires = ListTime.FromInstant(DateTimeOffset.UtcNow.AddDays(1)) })), earlyAdopter: false);
        var report = new StringWriter();

        var rendering = await survey.ApplyAsync(list, new PostfixMapOptions(), report, CancellationToken.None);

        Assert.Empty(rendering.DaneDomains!);
        Assert.Contains("0 without DANE and 5 not judged keep their secure entries", report.ToString());
        Assert.Contains("WARNING: no answer from the resolver was DNSSEC-validated", report.ToString());
        Assert.DoesNotContain("\tdane-only", Encoding.UTF8.GetString(PostfixMap.Render(list, rendering).Body.Span));
    }

    [Fact]
    public void TheSocketmapServerAnswersDaneOnlyFromTheSameSurvey()
    {
        var (code, _, report) = Update();
        Assert.True(code == ConsumerExitCodes.Ok, report);
        var log = new StringWriter();
        var source = new SocketmapSource(
            new InstalledState(dir.File("state")), [MinisignPublicKey.Load(dir.File("release.pub"))], new PostfixMapOptions(), TimeProvider.System, log,
            new DaneSurvey(ProbeFixtures.Resolver, TimeSpan.FromSeconds(5)));
        source.Load();

        Assert.Equal(SocketmapTable.Frame("OK dane-only"), source.Current.Reply("pinned.dane.test"));
        Assert.Equal(SocketmapTable.Frame("OK secure match=mx-plain.dane.test servername=hostname"), source.Current.Reply("plain.dane.test"));
        Assert.Contains("dane: 2 of 5", log.ToString());
    }

    [Theory]
    [InlineData("--dns-server", "127.0.10.2")]
    [InlineData("--dane", "--dns-server", "resolver.example")]
    public void ADnsServerWithoutDaneOrNotAnAddressIsAUsageError(params string[] options)
    {
        var (code, _, report) = Update(options);
        Assert.True(code == ConsumerExitCodes.Usage, report);
        Assert.Contains("--dns-server", report);
    }

    private static PolicyList TestList() => Releases.PolicyList(
        ("pinned.dane.test", PolicyMode.Enforce, ["mx-pinned.dane.test"]),
        ("wrongkey.dane.test", PolicyMode.Enforce, ["mx-wrongkey.dane.test"]),
        ("partial.dane.test", PolicyMode.Enforce, ["mx-pinned.dane.test", "mx-plain.dane.test"]),
        ("plain.dane.test", PolicyMode.Enforce, ["mx-plain.dane.test"]),
        ("valid.probe.test", PolicyMode.Enforce, ["mx.valid.probe.test"]),
        ("testing.dane.test", PolicyMode.Testing, ["mx-pinned.dane.test"]));

    private (int Code, string Map, string Report) Update(params string[] options)
    {
        Releases.WriteSignedByNewKey(dir.File("r1"), dir.File("release.pub"), TestList());
        var report = new StringWriter();
        int code = StarttlsPolicy.Run(
            ["update", "--source", dir.File("r1"), "--public-key", dir.File("release.pub"), "--state-dir", dir.File("state"), "--postfix-map", dir.File("map"), .. options],
            report, report);
        return (code, File.Exists(dir.File("map")) ? File.ReadAllText(dir.File("map")) : string.Empty, report.ToString());
    }
}
