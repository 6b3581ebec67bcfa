using PolicyCuration.Testing;

namespace PolicyCuration.Probe.Tests;

public sealed class ProbeCatalogueTests
{
    // Produced by tests whose data is not a code table: the DNS cases of HostilePeerTests (inline data) and its MTA-STS
    // fetches; VantageTests.JudgesTheRun for the vantage's.
    private static readonly string[] ProducedByInlineCases =
    [
        "dns.mx.lookup_failed", "dns.cname.loop", "dns.mx.too_many", "dns.address.lookup_failed", "mtasts.txt.lookup_failed",
        "mtasts.policy.fetch_failed", "tls.cert.untrusted",
    ];

    [Fact]
    public void CodesAreUniqueDottedLowerCaseNamesAndAllListed()
    {
        CatalogueAssertions.CodesAreWellFormed(ProbeFindingKinds.All);
        Assert.Equal(typeof(ProbeFindingKinds).GetFields().Count(f => f.FieldType == typeof(Format.Findings.FindingKind)), ProbeFindingKinds.All.Count);
    }

    [Fact]
    public void EveryCodeIsProducedByATest() =>
        CatalogueAssertions.EveryCodeIsProduced(
            ProbeFindingKinds.All,
            FixtureProbeTests.CodesCovered()
                .Concat(HostilePeerTests.SmtpCases.Select(c => (string)c[1]))
                .Concat(CertificateTests.Certificates.SelectMany(c => (string[])c[4]))
                .Concat(ProducedByInlineCases)
                .Concat(["probe.vantage.unhealthy", "probe.vantage.suspect", "probe.vantage.unchecked"]));

    [Fact]
    public void EveryCodeHasARowInTheCodeTableWithItsSeverity() => CatalogueAssertions.EveryCodeHasADocumentedRow(ProbeFindingKinds.All);
}
