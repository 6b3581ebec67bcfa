using PolicyCuration.Format.Findings;
using static PolicyCuration.Validation.Tests.Validation;

namespace PolicyCuration.Validation.Tests;

public class RuleTests
{
    private const string Alias = """{"p": {"mode": "testing", "mxs": ["mx.p.example"]}}""";

    /// <summary>One row per finding code: a list that must produce it, with its severity.</summary>
    public static TheoryData<string, string, Severity> Cases() => new()
    {
        { "list.timestamp.invalid", List("{}", timestamp: "\"28/11/2026\""), Severity.Error },
        { "list.expires.invalid", List("{}", expires: "\"soon\""), Severity.Error },
        { "list.expires.not_after_timestamp", List("{}", expires: "\"2026-11-27T00:00:00+00:00\""), Severity.Error },
        { "list.expired", List("{}", expires: "\"2026-11-29T00:00:00+00:00\""), Severity.Warning },
        { "list.validity.too_long", List("{}", expires: "\"2027-01-28T00:00:00+00:00\""), Severity.Warning },
        { "list.domain.not_lowercase", OneDomain("Example.org"), Severity.Error },
        { "list.domain.not_ascii", OneDomain("bücher.example"), Severity.Error },
        { "list.domain.trailing_dot", OneDomain("example.org."), Severity.Error },
        { "list.domain.single_label", OneDomain("localhost"), Severity.Error },
        { "list.domain.ip_address", OneDomain("192.0.2.7"), Severity.Error },
        { "list.domain.invalid_idna", OneDomain("ab--cd.example"), Severity.Error },
        { "list.domain.mixed_script", OneDomain("xn--pple-43d.com"), Severity.Error },
        { "list.domain.invalid", OneDomain("ex_ample.org"), Severity.Error },
        { "list.domain.public_suffix", OneDomain("co.uk"), Severity.Error },
        { "list.domain.duplicate", List("""{"example.org": {"policy-alias": "p"}, "EXAMPLE.ORG": {"policy-alias": "p"}}""", Alias), Severity.Error },
        { "list.alias.unknown", List("""{"example.org": {"policy-alias": "q"}}""", Alias), Severity.Error },
        { "list.alias.unused", List("""{"example.org": {"mode": "testing", "mxs": ["mx.example.org"]}}""", Alias), Severity.Warning },
        { "list.mx.invalid_pattern", OneDomain("example.org", "\"mx..example.org\""), Severity.Error },
        { "list.mx.not_lowercase", OneDomain("example.org", "\"MX.example.org\""), Severity.Warning },
        { "list.mx.duplicate", OneDomain("example.org", "\"mx.example.org\", \"MX.EXAMPLE.ORG\""), Severity.Error },
        { "list.mx.too_broad", OneDomain("example.org", "\".com\""), Severity.Error },
        { "list.mx.empty", OneDomain("example.org", ""), Severity.Error },
        { "list.not_canonical", OneDomain("example.org"), Severity.Warning },
        { "schema.required", List("{}").Replace("  \"version\": \"0.1\",\n", string.Empty, StringComparison.Ordinal), Severity.Error },
        { "schema.unknown_property", List("{}").Replace("\"version\"", "\"colour\": \"red\", \"version\"", StringComparison.Ordinal), Severity.Error },
        { "schema.type", List("""{"example.org": {"mode": "testing", "mxs": "mx.example.org"}}"""), Severity.Error },
        { "schema.enum", List("{}").Replace("\"0.1\"", "\"0.2\"", StringComparison.Ordinal), Severity.Error },
        { "schema.policy_shape", List("""{"example.org": {"mode": "testing", "policy-alias": "p"}}""", Alias), Severity.Error },
        { "schema.violation", List("{}").Replace("\"version\"", $"\"author\": \"{new string('a', 1025)}\", \"version\"", StringComparison.Ordinal), Severity.Error },
    };

    public static IReadOnlySet<string> CodesCovered() => Cases().Select(row => (string)row[0]).ToHashSet();

    [Theory]
    [MemberData(nameof(Cases))]
    public void EachRuleProducesItsCode(string code, string json, Severity severity)
    {
        var report = OfText(json);

        var finding = report.Findings.FirstOrDefault(f => f.Code == code);
        Assert.True(finding is not null, $"no {code}; got {string.Join(" | ", report.Findings.Select(f => $"{f.Code}: {f.Message}"))}");
        Assert.Equal(severity, finding.Severity);
        Assert.NotNull(finding.Location);
        Assert.InRange(finding.Summary.Split(' ').Length, 2, 5);
    }

    [Theory]
    [InlineData("example.org")]
    [InlineData("mail.example.co.uk")]
    [InlineData("xn--bcher-kva.example")]
    [InlineData("xn--80ak6aa92e.com")]
    [InlineData("a-b.example")]
    [InlineData("1password.com")]
    public void WellFormedDomainsPass(string domain)
    {
        var report = OfText(OneDomain(domain, "\"mx.example.org\", \".mail.example.org\""));

        Assert.DoesNotContain(report.Findings, f => f.Code.StartsWith("list.domain", StringComparison.Ordinal) || f.Code.StartsWith("list.mx", StringComparison.Ordinal) || f.Code.StartsWith("schema.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("\"*.example.org\"", "\"*\"")]
    [InlineData("\"mx.example.org:25\"", "port")]
    [InlineData("\"192.0.2.1\"", "IP address")]
    [InlineData("\"mx.example.org.\"", "ends with a dot")]
    [InlineData("\"\"", "empty")]
    [InlineData("\"..example.org\"", "empty label")]
    [InlineData("\"mx.exämple.org\"", "non-ASCII")]
    public void InvalidMxPatternsSayWhatIsWrong(string mx, string explanation)
    {
        var report = OfText(OneDomain("example.org", mx));

        var finding = Assert.Single(report.Findings, f => f.Code == "list.mx.invalid_pattern");
        Assert.Contains(explanation, finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(report.Findings, f => f.Code == "schema.pattern");
    }

    [Theory]
    [InlineData(".co.uk")]
    [InlineData(".com")]
    [InlineData(".github.io")]
    [InlineData(".xn--p1ai")]
    public void SuffixPatternsOverPublicSuffixesAreTooBroad(string mx)
    {
        var report = OfText(OneDomain("example.org", $"\"{mx}\""));

        Assert.Contains(report.Findings, f => f.Code == "list.mx.too_broad");
    }

    [Fact]
    public void ARuleThatExplainsAValueReplacesTheSchemasGenericComplaint()
    {
        var report = OfText(OneDomain("Example.org"));

        Assert.Contains(report.Findings, f => f.Code == "list.domain.not_lowercase");
        Assert.DoesNotContain(report.Findings, f => f.Code == "schema.unknown_property");
    }

    [Fact]
    public void MisspelledModeIsReportedOnTheModeNotAsAShapeProblem()
    {
        var report = OfText(OneDomain("example.org", mode: "\"enforced\""));

        var finding = Assert.Single(report.Findings, f => f.Severity == Severity.Error);
        Assert.Equal("schema.enum", finding.Code);
        Assert.Equal("example.org", finding.Subject);
        Assert.Contains("\"testing\", \"enforce\"", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FindingsComeInAFixedOrder()
    {
        var report = OfText(List("""{"b.example": {"policy-alias": "q"}, "a.example": {"policy-alias": "r"}}""", Alias));

        var places = report.Findings.Select(f => (f.Location?.Line ?? 0, f.Location?.Column ?? 0)).ToList();
        Assert.Equal(places.Order(), places);
    }

    [Fact]
    public void NotCanonicalIsAnErrorWhenTheCanonicalFormIsRequired()
    {
        var report = OfText(OneDomain("example.org"), Severity.Error);

        Assert.Equal(Severity.Error, Assert.Single(report.Findings).Severity);
        Assert.Contains("policyctl fmt", report.Findings[0].Message, StringComparison.Ordinal);
    }
}
