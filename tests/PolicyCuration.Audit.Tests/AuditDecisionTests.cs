using PolicyCuration.Testing;
using PolicyCuration.Format.Model;
using PolicyCuration.Probe.Vantage;

namespace PolicyCuration.Audit.Tests;

public sealed class AuditDecisionTests
{
    private static readonly DateTimeOffset Start = new(2026, 10, 1, 6, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// A history as day:outcome items ("ok", "fail", "nxdomain", "none", "newmx"), each optionally @vantage, with "!" for a
    /// run its canaries marked unhealthy and "?" for a suspect one; the entry's mode, and the expected proposal.
    /// </summary>
    public static TheoryData<string, string, PolicyMode, string?> Histories { get; } = new()
    {
        { "one flaky failure", "0:ok 1:fail 2:ok", PolicyMode.Enforce, null },
        { "one failure, latest", "0:ok 1:ok 2:fail", PolicyMode.Enforce, null },
        { "two failures 3 days apart", "0:ok 1:fail 4:fail", PolicyMode.Enforce, null },
        { "two failures 7 days apart", "0:ok 1:fail 8:fail", PolicyMode.Enforce, "Demote" },
        { "failures broken by a pass", "0:fail 5:ok 9:fail", PolicyMode.Enforce, null },
        { "recovered after failing", "0:fail 8:fail 9:ok", PolicyMode.Enforce, null },
        { "testing domain failing for 10 days", "0:fail 10:fail", PolicyMode.Testing, null },
        { "failing every audit for 30 days", "0:fail 10:fail 20:fail 30:fail", PolicyMode.Testing, "Remove" },
        { "failing 29 days", "0:fail 29:fail", PolicyMode.Testing, null },
        { "MTA-STS mode none", "0:ok 1:none", PolicyMode.Testing, "Remove" },
        { "MX gone for 7 days", "0:ok 1:nxdomain 8:nxdomain", PolicyMode.Testing, "Remove" },
        { "MX gone once", "0:ok 1:nxdomain", PolicyMode.Enforce, null },
        { "MTA-STS mx set changed", "0:ok 1:newmx", PolicyMode.Enforce, "Update" },

        // An unhealthy vantage judges no one: 40 days of its runs propose nothing.
        { "unhealthy runs for 40 days", "0:fail@gh! 10:fail@gh! 20:fail@gh! 30:fail@gh! 40:fail@gh!", PolicyMode.Enforce, null },
        { "unresolved from an unhealthy vantage", "0:nxdomain@gh! 8:nxdomain@gh! 20:nxdomain@gh! 40:nxdomain@gh!", PolicyMode.Testing, null },
        { "suspect runs for 40 days", "0:fail@gh? 10:fail@gh? 20:fail@gh? 40:fail@gh?", PolicyMode.Testing, null },
        { "MTA-STS none from an unhealthy vantage", "0:ok@gh 1:none@gh!", PolicyMode.Testing, null },
        { "healthy failures around an unhealthy run", "0:fail@gh 5:ok@gh! 9:fail@gh", PolicyMode.Enforce, "Demote" },

        // Two vantages: a failure counts when the other saw it within a day; a pass from either is a pass.
        { "failing from one of two vantages", "0:ok@eu 0:ok@us 1:fail@eu 1:ok@us 9:fail@eu 9:ok@us", PolicyMode.Enforce, null },
        { "failing from one, the other silent lately", "0:ok@us 1:fail@eu 9:fail@eu", PolicyMode.Enforce, null },
        { "failing from both", "1:fail@eu 1:fail@us 9:fail@eu 9:fail@us", PolicyMode.Enforce, "Demote" },
        { "failing from both a day apart", "1:fail@eu 2:fail@us 9:fail@eu 9:fail@us", PolicyMode.Enforce, "Demote" },
        { "failing from both two days apart", "1:fail@eu 3:fail@us 9:fail@eu 11:fail@us", PolicyMode.Enforce, null },
        { "the second vantage unhealthy", "1:fail@eu 1:fail@us! 9:fail@eu 9:fail@us!", PolicyMode.Enforce, "Demote" },
    };

    [Theory]
    [MemberData(nameof(Histories))]
    public void EachRuleNeedsItsEvidenceAndOneFailureChangesNothing(string name, string history, PolicyMode mode, string? expected)
    {
        var records = history.Split(' ').Select(item =>
        {
            var parts = item.Split(':', '@');
            var record = Record(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), parts[1], mode);
            if (parts.Length < 3)
            {
                return record;
            }

            var status = parts[2][^1] switch { '!' => VantageStatus.Unhealthy, '?' => VantageStatus.Suspect, _ => VantageStatus.Healthy };
            return record with { Vantage = new VantageHealth(parts[2].TrimEnd('!', '?'), status, "as the test says", 2, 2, 10, 0) };
        });

        var proposals = AuditDecisions.Decide(records);

        Assert.True(expected == proposals.SingleOrDefault()?.Kind.ToString(), $"{name}: expected {expected ?? "nothing"}, got {string.Join("; ", proposals.Select(p => $"{p.Kind}: {p.Reason}"))}");
    }

    [Fact]
    public void ADemotionCarriesItsDatesAndCodesAsEvidence()
    {
        var proposal = AuditDecisions.Decide([Record(0, "fail", PolicyMode.Enforce), Record(9, "fail", PolicyMode.Enforce)]).Single();

        Assert.Equal(ProposalKind.Demote, proposal.Kind);
        Assert.Equal([Start, Start.AddDays(9)], proposal.Evidence.Select(e => e.Time));
        Assert.Contains("tls.cert.expired", proposal.Reason);
        Assert.Contains("9 days", proposal.Reason);
    }

    [Fact]
    public void RecordsSurviveTheirJsonLine()
    {
        var record = Record(3, "newmx", PolicyMode.Enforce) with
        {
            Vantage = new VantageHealth("eu-1", VantageStatus.Suspect, "21 of 100 MX endpoints could not be connected to", 2, 2, 100, 21),
            TlsRpt = ["mailto:tlsrpt@example.org"],
            Findings =
            [
                new Format.Findings.Finding("tls.cert.expired", Format.Findings.Severity.Error, "mx.example.org", "Certificate expired", "it expired \"yesterday\" <b>", null),
                new Format.Findings.Finding("list.shape", Format.Findings.Severity.Warning, "list", "Not a policy list", "here", new Format.Findings.SourceLocation("policy.json", 3, 7)),
            ],
        };

        WrittenJson.Meets("audit-line.schema.json", record.ToJsonLine());
        WrittenJson.Meets("audit-line.schema.json", (record with { Vantage = null, TlsRpt = null, MtaStsMode = null, MtaStsMx = null, Findings = null }).ToJsonLine());
        var again = AuditRecord.Parse(record.ToJsonLine());

        Assert.Equal(record.ToJsonLine(), again.ToJsonLine());
        Assert.Equal(record.MtaStsMx, again.MtaStsMx);
        Assert.Equal(record.Vantage, again.Vantage);
        Assert.Equal(record.TlsRpt, again.TlsRpt);
        Assert.Equal(record.Findings, again.Findings);
        Assert.False(again.Trusted);
        Assert.Throws<FormatException>(() => AuditRecord.Parse("{\"domain\": 1}"));
        Assert.Throws<FormatException>(() => AuditRecord.Parse("{\"domain\": \"example.org\"}"));
        Assert.Throws<FormatException>(() => AuditRecord.ReadHead("{\"time\": \"2026-01-01T00:00:00Z\", \"errors\": []}"u8));
    }

    private static AuditRecord Record(int day, string outcome, PolicyMode mode) => new(
        "example.org",
        Start.AddDays(day),
        mode,
        ["mx.example.org"],
        outcome switch
        {
            "fail" => ["tls.cert.expired"],
            "nxdomain" => ["dns.mx.nxdomain"],
            _ => [],
        },
        outcome switch
        {
            "none" => "none",
            "newmx" or "ok" => "enforce",
            _ => null,
        },
        outcome switch
        {
            "newmx" => ["mx.example.org", ".mail.example.org"],
            "ok" => ["mx.example.org"],
            _ => null,
        });

    [Theory]
    [InlineData(926, 0.05, 46)]
    [InlineData(100, 0.05, 5)]
    [InlineData(10, 0.05, 1)]
    [InlineData(0, 0.05, 1)]
    [InlineData(200_000, 0.01, 2000)]
    public void TheMassChangeAllowanceIsTheShareOfTheListAndAtLeastOne(int size, double share, int allowed) =>
        Assert.Equal(allowed, AuditDecisions.MassChangeAllowance(size, share));
}
