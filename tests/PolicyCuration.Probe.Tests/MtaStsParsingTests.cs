using PolicyCuration.Probe.MtaSts;

namespace PolicyCuration.Probe.Tests;

public sealed class MtaStsParsingTests
{
    public static TheoryData<string, string?> Policies { get; } = new()
    {
        { "version: STSv1\r\nmode: enforce\r\nmx: mx.example.org\r\nmax_age: 604800\r\n", null },
        { "version: STSv1\nmode: testing\nmx: *.example.org\nmx: mx.example.org\nmax_age: 0\n", null },
        { "version: STSv1\nmode: none\nmax_age: 86400\n", null },
        { "version:STSv1\nmode:\tenforce\nmx:mx.example.org\nmax_age:86400\nextension: ignored\n", null },
        { "mode: enforce\nmx: mx.example.org\nmax_age: 86400\n", "no version field" },
        { "version: STSv2\nmode: enforce\nmx: mx.example.org\nmax_age: 86400\n", "is not STSv1" },
        { "version: STSv1\nmode: strict\nmx: mx.example.org\nmax_age: 86400\n", "is not enforce, testing or none" },
        { "version: STSv1\nmode: enforce\nmax_age: 86400\n", "needs at least one mx" },
        { "version: STSv1\nmode: enforce\nmx: mx.example.org\n", "no max_age" },
        { "version: STSv1\nmode: enforce\nmx: mx.example.org\nmax_age: soon\n", "is not a number of seconds" },
        { "version: STSv1\nmode: enforce\nmx: mx.example.org\nmax_age: 31557601\n", "is not a number of seconds" },
        { "version: STSv1\nmode: enforce\nmx: mx..example.org\nmax_age: 86400\n", "is not a host name" },
        { "version: STSv1\nmode: enforce\nmx: *.*.example.org\nmax_age: 86400\n", "is not a host name" },
        { "<html><body>hello</body></html>", "is not \"key: value\"" },
    };

    [Theory]
    [MemberData(nameof(Policies))]
    public void PoliciesParseOrSayWhyNot(string body, string? problem)
    {
        var (policy, problems) = MtaStsPolicy.Parse(body);

        if (problem is null)
        {
            Assert.Empty(problems);
            Assert.NotNull(policy);
        }
        else
        {
            Assert.Null(policy);
            Assert.Contains(problems, p => p.Contains(problem, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void WildcardMxPatternsReadAsTheListsSuffixPatterns()
    {
        var (policy, _) = MtaStsPolicy.Parse("version: STSv1\nmode: enforce\nmx: *.Example.org\nmx: MX1.example.net\nmax_age: 86400\n");

        Assert.Equal([".example.org", "mx1.example.net"], policy!.ListPatterns.Select(p => p.Text));
    }

    public static TheoryData<string[], string?, string?> StsRecords { get; } = new()
    {
        { ["v=STSv1; id=20190429T010101;"], "20190429T010101", null },
        { ["v=STSv1;id=abc"], "abc", null },
        { ["v=spf1 -all", "v=STSv1; id=x1;"], "x1", null },
        { ["v=STSv1; id=;"], null, "no id" },
        { ["v=STSv1; id=has-dash;"], null, "no id" },
        { ["v=STSv1; id=" + new string('a', 33)], null, "no id" },
        { ["v=STSv1; id=a;", "v=STSv1; id=b;"], null, "2 records" },
        { ["v=STSv1; id"], null, "key=value" },
        { ["v=STSv1 id=a"], null, null },
        { ["v=STSv10; id=a;"], null, null },
        { [], null, null },
    };

    [Theory]
    [MemberData(nameof(StsRecords))]
    public void StsRecordsAreSelectedAsRfc8461Says(string[] texts, string? id, string? problem)
    {
        var (record, found, _) = MtaStsRecord.Select(texts);

        Assert.Equal(id, record?.Id);
        if (problem is null)
        {
            Assert.Null(found);
        }
        else
        {
            Assert.Contains(problem, found);
        }
    }

    public static TheoryData<string[], bool, string?> TlsRptRecords { get; } = new()
    {
        { ["v=TLSRPTv1; rua=mailto:tls@example.org"], true, null },
        { ["v=TLSRPTv1;rua=mailto:a@example.org,https://reports.example.org/tls"], true, null },
        { ["v=TLSRPTv1;"], false, "no rua" },
        { ["v=TLSRPTv1; rua=ftp://example.org/"], false, "not a mailto: or https: URI" },
        { ["v=TLSRPTv1; rua=mailto:a@example.org", "v=TLSRPTv1; rua=mailto:b@example.org"], false, "2 records" },
        { ["v=DMARC1; p=none"], false, null },
    };

    [Theory]
    [MemberData(nameof(TlsRptRecords))]
    public void TlsRptRecordsAreSelectedAsRfc8460Says(string[] texts, bool valid, string? problem)
    {
        var (record, found, _) = TlsRptRecord.Select(texts);

        Assert.Equal(valid, record is not null);
        if (problem is null)
        {
            Assert.Null(found);
        }
        else
        {
            Assert.Contains(problem, found);
        }
    }
}
