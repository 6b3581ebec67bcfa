using PolicyCuration.Format.Findings;
using PolicyCuration.Format.Model;
using PolicyCuration.Testing;

namespace PolicyCuration.Probe.Tests;

/// <summary>Every domain of the fixture zone probed once, with and without entries, against the real dnsmasq, Postfix and nginx.</summary>
public sealed class FixtureReports : IAsyncLifetime
{
    /// <summary>Entries some cases are judged against, by a name of the case's own.</summary>
    public static readonly IReadOnlyDictionary<string, ProbeTarget> Judged = new Dictionary<string, ProbeTarget>
    {
        ["entry-uncovered"] = new("valid.probe.test", PolicyMode.Enforce, [new(".other.test")]),
        ["entry-matching"] = new("valid.probe.test", PolicyMode.Enforce, [new("mx.valid.probe.test"), new(".valid.probe.test")]),
        ["entry-narrower-than-mta-sts"] = new("valid.probe.test", PolicyMode.Testing, [new("mx.valid.probe.test"), new("mx2.valid.probe.test")]),
        ["entry-enforce-sts-testing"] = new("sts-testing.probe.test", PolicyMode.Enforce, [new("mx.valid.probe.test")]),
        ["entry-enforce-sts-none"] = new("sts-none.probe.test", PolicyMode.Enforce, [new("mx.valid.probe.test")]),
    };

    public IReadOnlyDictionary<string, DomainReport> Plain { get; private set; } = new Dictionary<string, DomainReport>();

    public IReadOnlyDictionary<string, DomainReport> WithEntries { get; private set; } = new Dictionary<string, DomainReport>();

    public async Task InitializeAsync()
    {
        using var prober = new DomainProber(ProbeFixtures.Options(timeoutSeconds: 10));
        var domains = FixtureProbeTests.Cases.Select(c => (string)c[0]).Distinct().ToList();
        var plain = await prober.ProbeAllAsync([.. domains.Select(d => new ProbeTarget(d))], null, CancellationToken.None);
        Plain = plain.ToDictionary(r => r.Domain);
        var names = Judged.Keys.ToList();
        var judged = await prober.ProbeAllAsync([.. names.Select(n => Judged[n])], null, CancellationToken.None);
        WithEntries = names.Zip(judged).ToDictionary(p => p.First, p => p.Second);
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

[Trait("Needs", "fixtures")]
public sealed class FixtureProbeTests(FixtureReports reports) : IClassFixture<FixtureReports>
{
    /// <summary>Domain, the codes its probe must produce, and whether it passes (no error).</summary>
    public static TheoryData<string, string[], bool> Cases { get; } = new()
    {
        { "valid.probe.test", ["dane.tlsa.present"], true },
        { "multi.probe.test", ["tls.cert.untrusted", "mtasts.txt.none", "tlsrpt.none"], false },
        { "selfsigned.probe.test", ["tls.cert.untrusted"], false },
        { "expired.probe.test", ["tls.cert.expired"], false },
        { "future.probe.test", ["tls.cert.not_yet_valid"], false },
        { "soon.probe.test", ["tls.cert.expires_soon"], true },
        { "wrongname.probe.test", ["tls.cert.name_mismatch"], false },
        { "nostarttls.probe.test", ["smtp.starttls.not_offered"], false },
        { "oldtls.probe.test", ["tls.version.obsolete"], false },
        { "slow.probe.test", [], true },
        { "wildcard.probe.test", [], true },
        { "refused.probe.test", ["smtp.connect.failed"], false },
        { "nullmx.probe.test", ["dns.mx.null"], false },
        { "nomx.probe.test", ["dns.mx.none"], false },
        { "absent.probe.test", ["dns.mx.nxdomain"], false },
        { "noaddr.probe.test", ["dns.address.none"], false },
        { "sts-valid.probe.test", [], true },
        { "sts-testing.probe.test", ["tlsrpt.invalid"], true },
        { "sts-redirect.probe.test", ["mtasts.policy.redirect"], true },
        { "sts-html.probe.test", ["mtasts.policy.content_type"], true },
        { "sts-large.probe.test", ["mtasts.policy.too_large"], true },
        { "sts-maxage.probe.test", ["mtasts.policy.max_age_short"], true },
        { "sts-mxmismatch.probe.test", ["mtasts.policy.mx_mismatch"], true },
        { "sts-nopolicy.probe.test", ["mtasts.policy.fetch_failed"], true },
        { "sts-invalid.probe.test", ["mtasts.policy.invalid"], true },
        { "sts-multiple.probe.test", ["mtasts.txt.multiple", "tlsrpt.multiple"], true },
        { "sts-badid.probe.test", ["mtasts.txt.invalid"], true },
    };

    /// <summary>Case name (see <see cref="FixtureReports.Judged"/>), the codes it must produce, and the codes it must not.</summary>
    public static TheoryData<string, string[], string[]> JudgedCases { get; } = new()
    {
        { "entry-uncovered", ["dns.mx.unmatched", "tls.cert.pattern_mismatch"], [] },
        { "entry-matching", [], ["dns.mx.unmatched", "tls.cert.pattern_mismatch", "mtasts.policy.mx_mismatch", "mtasts.policy.mode_mismatch"] },
        { "entry-narrower-than-mta-sts", ["mtasts.policy.mx_mismatch"], ["dns.mx.unmatched"] },
        { "entry-enforce-sts-testing", ["mtasts.policy.mode_mismatch"], [] },
        { "entry-enforce-sts-none", ["mtasts.policy.mode_mismatch"], ["mtasts.policy.mx_mismatch"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ProbeOfFixtureDomainProducesItsFindings(string domain, string[] codes, bool passes)
    {
        var report = reports.Plain[domain];
        var found = report.Findings.Select(f => f.Code).ToHashSet();

        Assert.All(codes, code => Assert.True(found.Contains(code), $"{domain}: expected {code}, found {Describe(report)}"));
        Assert.True(passes == report.Passed, $"{domain}: expected {(passes ? "pass" : "fail")}, found {Describe(report)}");
    }

    [Theory]
    [MemberData(nameof(JudgedCases))]
    public void ProbeAgainstAnEntryJudgesCoverageAndMtaStsAgreement(string name, string[] codes, string[] absent)
    {
        var report = reports.WithEntries[name];
        var found = report.Findings.Select(f => f.Code).ToHashSet();

        Assert.All(codes, code => Assert.True(found.Contains(code), $"{name}: expected {code}, found {Describe(report)}"));
        Assert.All(absent, code => Assert.False(found.Contains(code), $"{name}: did not expect {code}, found {Describe(report)}"));
    }

    [Theory]
    [InlineData("oldtls.probe.test", "; enable TLS 1.2 and 1.3")]
    public void AHandshakeFailureIsSaidWithoutTheTlsLibrarysExceptionChain(string domain, string said)
    {
        var finding = Assert.Single(reports.Plain[domain].Findings, f => f.Severity == Format.Findings.Severity.Error);

        Assert.Contains(said, finding.Message, StringComparison.Ordinal);
        foreach (string internals in new[] { "inner exception", "SSL_ERROR", "OpenSSL", "Interop", "error:0A", "Authentication failed" })
        {
            Assert.DoesNotContain(internals, finding.Message, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void EveryMxHostIsProbedNotOnlyThePreferredOne()
    {
        var report = reports.Plain["multi.probe.test"];

        Assert.Equal(["mx.valid.probe.test", "mx.selfsigned.probe.test"], report.Hosts.Select(h => h.Host));
        Assert.True(report.Hosts[0].Passed);
        Assert.False(report.Hosts[1].Passed);
    }

    [Fact]
    public void AHealthyHostReportsItsTlsVersionAndCertificate()
    {
        var host = reports.Plain["valid.probe.test"].Hosts[0];

        Assert.Equal("127.0.10.11", host.Address?.ToString());
        Assert.Contains(host.TlsVersion, new[] { "TLSv1.2", "TLSv1.3" });
        Assert.Contains("mx.valid.probe.test", host.Certificate!.Names);
        Assert.Equal(64, host.Certificate.Sha256.Length);
    }

    [Fact]
    public void WithoutAnEntryTheReportSaysWhatAnEntryWouldNeed()
    {
        var fromMtaSts = reports.Plain["valid.probe.test"].Suggested!;
        var fromMx = reports.Plain["selfsigned.probe.test"].Suggested!;
        var fromTestingPolicy = reports.Plain["sts-testing.probe.test"].Suggested!;

        Assert.Equal(PolicyMode.Enforce, fromMtaSts.Mode);
        Assert.Equal(["mx.valid.probe.test", ".valid.probe.test"], fromMtaSts.Mxs);
        Assert.Equal(PolicyMode.Testing, fromMx.Mode);
        Assert.Equal(["mx.selfsigned.probe.test"], fromMx.Mxs);
        Assert.Equal(PolicyMode.Testing, fromTestingPolicy.Mode);
    }

    [Fact]
    public void TheMtaStsPolicyIsReadAsServed()
    {
        var report = reports.Plain["valid.probe.test"];

        Assert.Equal("20261128T000000", report.MtaStsRecord!.Id);
        Assert.Equal("enforce", report.MtaStsPolicy!.Mode);
        Assert.Equal(10886400, report.MtaStsPolicy.MaxAge);
        Assert.Equal(["mx.valid.probe.test", "*.valid.probe.test"], report.MtaStsPolicy.Mx);
    }

    [Fact]
    public async Task AGreetingSlowerThanTheTimeoutIsAGreetingTimeout()
    {
        using var prober = new DomainProber(ProbeFixtures.Options(timeoutSeconds: 2));

        var report = await prober.ProbeAsync(new ProbeTarget("slow.probe.test"), CancellationToken.None);

        Assert.Contains(report.Findings, f => f.Code == "smtp.greeting.timeout");
    }

    [Fact]
    public async Task WithoutAllowPrivateAddressesTheProbeConnectsToNoLoopbackAddress()
    {
        using var prober = new DomainProber(ProbeFixtures.Options() with { AllowPrivateAddresses = false });

        var report = await prober.ProbeAsync(new ProbeTarget("valid.probe.test"), CancellationToken.None);

        Assert.False(report.Passed);
        Assert.All(report.Hosts, host => Assert.Null(host.Address));
        Assert.All(report.Hosts, host => Assert.Null(host.TlsVersion));
        Assert.Contains(report.Findings, f => f.Code == "dns.address.not_public" && f.Message.Contains("127.0.10.11, a loopback address", StringComparison.Ordinal));
        Assert.Contains(report.Findings, f => f.Code == "mtasts.policy.fetch_failed" && f.Message.Contains("not public", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("10.1.2.3", "private")]
    [InlineData("172.31.0.1", "private")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("100.64.0.1", "shared (carrier-grade NAT)")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("255.255.255.255", "reserved")]
    [InlineData("::1", "loopback")]
    [InlineData("::", "unspecified")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("fd00::1", "private")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("198.18.0.1", "benchmarking")]
    [InlineData("198.19.255.254", "benchmarking")]
    [InlineData("192.0.0.8", "reserved (IETF protocol assignments)")]
    [InlineData("192.0.2.1", "documentation")]
    [InlineData("198.51.100.7", "documentation")]
    [InlineData("203.0.113.9", "documentation")]
    [InlineData("100::1", "reserved (discard-only)")]
    [InlineData("64:ff9b::7f00:1", "translated (NAT64)")]
    [InlineData("2002:7f00:1::1", "translated (6to4)")]
    [InlineData("::7f00:1", "translated (IPv4-compatible)")]
    [InlineData("2001:db8::25", "documentation")]
    [InlineData("2001:0:4136:e378::1", "translated (Teredo)")]
    [InlineData("fec0::1", "private")]
    [InlineData("93.184.215.14", null)]
    [InlineData("198.20.0.1", null)]
    [InlineData("192.0.3.1", null)]
    [InlineData("2001:4860::8888", null)]
    [InlineData("172.32.0.1", null)]
    [InlineData("2606:2800:21f:cb07:6820:80da:af6b:8b2c", null)]
    public void OnlyPublicAddressesArePublic(string address, string? kind) =>
        Assert.Equal(kind, PolicyCuration.Probe.Dns.AddressScope.NonPublicKind(System.Net.IPAddress.Parse(address)));

    /// <summary>Every code some test here expects.</summary>
    public static IEnumerable<string> CodesCovered() =>
        Cases.Select(c => (string[])c[1]).Concat(JudgedCases.Select(c => (string[])c[1])).SelectMany(c => c).Append("smtp.greeting.timeout").Append("dns.address.not_public");

    private static string Describe(DomainReport report) =>
        string.Join("; ", report.Findings.Select(f => $"{FindingJson.SeverityName(f.Severity)} {f.Code}: {f.Message}")) is { Length: > 0 } text ? text : "no findings";
}
