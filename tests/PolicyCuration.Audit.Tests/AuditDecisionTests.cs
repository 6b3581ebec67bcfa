using PolicyCuration.Format.Model;

namespace PolicyCuration.Audit.Tests;

public sealed class AuditDecisionTests
{
    private static readonly DateTimeOffset Start = new(2026, 10, 1, 6, 0, 0, TimeSpan.Zero);

    /// <summary>A history as day:outcome items ("ok", "fail", "nxdomain", "none", "newmx"), the entry's mode, and the expected proposal.</summary>
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
    };

    [Theory]
    [MemberData(nameof(Histories))]
    public void EachRuleNeedsItsEvidenceAndOneFailureChangesNothing(string name, string history, PolicyMode mode, string? expected)
    {
        var records = history.Split(' ').Select(item =>
        {
            var parts = item.Split(':');
            return Record(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), parts[1], mode);
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
        var record = Record(3, "newmx", PolicyMode.Enforce);

        var again = AuditRecord.Parse(record.ToJsonLine());

        Assert.Equal(record.ToJsonLine(), again.ToJsonLine());
        Assert.Equal(record.MtaStsMx, again.MtaStsMx);
        Assert.Throws<FormatException>(() => AuditRecord.Parse("{\"domain\": 1}"));
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
}
