using System.Text.RegularExpressions;
using PolicyCuration.Testing;

namespace PolicyCuration.Probe.Tests;

public sealed partial class ProbeCatalogueTests
{
    // Produced by tests whose data is not a code table: the DNS cases of HostilePeerTests (inline data) and its MTA-STS fetches.
    private static readonly string[] ProducedByInlineCases =
    [
        "dns.mx.lookup_failed", "dns.cname.loop", "dns.mx.too_many", "dns.address.lookup_failed", "mtasts.txt.lookup_failed",
        "mtasts.policy.fetch_failed",
    ];

    [Fact]
    public void CodesAreUniqueDottedLowerCaseNames()
    {
        var codes = ProbeFindingKinds.All.Select(k => k.Code).ToList();

        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.All(codes, code => Assert.Matches(CodeShape(), code));
        Assert.Equal(
            typeof(ProbeFindingKinds).GetFields().Count(f => f.FieldType == typeof(Format.Findings.FindingKind)),
            codes.Count);
    }

    [Fact]
    public void EveryCodeIsProducedByATest()
    {
        var covered = FixtureProbeTests.CodesCovered()
            .Concat(HostilePeerTests.SmtpCases.Select(c => (string)c[1]))
            .Concat(CertificateTests.Certificates.SelectMany(c => (string[])c[4]))
            .Append("tls.cert.untrusted")
            .Concat(ProducedByInlineCases)
            .ToHashSet();

        var uncovered = ProbeFindingKinds.All.Select(k => k.Code).Where(code => !covered.Contains(code)).ToList();
        Assert.True(uncovered.Count == 0, $"no test produces {string.Join(", ", uncovered)}");
    }

    [Fact]
    public void EveryCodeHasARowInTheReadmeWithItsSeverity()
    {
        string readme = File.ReadAllText(TestFiles.Readme);

        foreach (var kind in ProbeFindingKinds.All)
        {
            string severity = kind.Severity.ToString().ToLowerInvariant();
            Assert.True(
                Regex.IsMatch(readme, $@"^\| `{Regex.Escape(kind.Code)}` \| {severity} \|", RegexOptions.Multiline),
                $"README.md has no row | `{kind.Code}` | {severity} | ...");
        }
    }

    [GeneratedRegex(@"^[a-z]+(\.[a-z0-9_]+)+$")]
    private static partial Regex CodeShape();
}
