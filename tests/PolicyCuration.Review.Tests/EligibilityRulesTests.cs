using PolicyCuration.Validation.Diff;
using PolicyCuration.Format.Findings;
using PolicyCuration.Format.Model;
using PolicyCuration.Probe;
using PolicyCuration.Probe.MtaSts;

namespace PolicyCuration.Review.Tests;

/// <summary>EFF's rules for entering the list, one row a case: the change, the entries, what the probe saw, the days in testing.</summary>
public sealed class EligibilityRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private static readonly string[] Patterns = ["mx.example.org", ".mail.example.org"];

    /// <summary>
    /// Change kind, head mode, base mode ("-" for none), probe ("none" not run, "pass", "fail"), MTA-STS ("-" none,
    /// "enforce-long", "enforce-short", "testing", "other-mx"), days in testing on the base branch (-1 for never), and the codes.
    /// </summary>
    public static TheoryData<ChangeKind, string, string, string, string, int, string[]> Cases { get; } = new()
    {
        { ChangeKind.Added, "testing", "-", "pass", "-", -1, [] },
        { ChangeKind.Added, "testing", "-", "fail", "-", -1, ["eligibility.probe_failed"] },
        { ChangeKind.Added, "testing", "-", "none", "-", -1, [] },
        { ChangeKind.Added, "enforce", "-", "pass", "enforce-long", -1, [] },
        { ChangeKind.Added, "enforce", "-", "pass", "enforce-short", -1, ["eligibility.enforce_without_mta_sts"] },
        { ChangeKind.Added, "enforce", "-", "pass", "testing", -1, ["eligibility.enforce_without_mta_sts"] },
        { ChangeKind.Added, "enforce", "-", "pass", "other-mx", -1, ["eligibility.enforce_without_mta_sts"] },
        { ChangeKind.Added, "enforce", "-", "pass", "-", -1, ["eligibility.enforce_without_mta_sts"] },
        { ChangeKind.Added, "enforce", "-", "none", "enforce-long", -1, ["eligibility.enforce_without_mta_sts"] },
        { ChangeKind.Added, "enforce", "-", "fail", "enforce-long", -1, ["eligibility.probe_failed"] },
        { ChangeKind.Changed, "enforce", "testing", "pass", "-", 20, [] },
        { ChangeKind.Changed, "enforce", "testing", "pass", "-", 14, [] },
        { ChangeKind.Changed, "enforce", "testing", "pass", "-", 13, ["eligibility.enforce_too_soon"] },
        { ChangeKind.Changed, "enforce", "testing", "pass", "-", -1, ["eligibility.enforce_too_soon"] },
        { ChangeKind.Changed, "enforce", "enforce", "pass", "-", -1, [] },
        { ChangeKind.Changed, "testing", "enforce", "fail", "-", -1, ["eligibility.probe_failed"] },
        { ChangeKind.AliasChanged, "enforce", "testing", "pass", "-", 3, ["eligibility.enforce_too_soon"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void EachCaseGivesItsCodes(ChangeKind kind, string mode, string baseMode, string probe, string mtaSts, int daysInTesting, string[] codes)
    {
        var entry = Policy.Direct(PolicyModeNames.Parse(mode)!.Value, Patterns);
        var baseEntry = baseMode == "-" ? null : Policy.Direct(PolicyModeNames.Parse(baseMode)!.Value, Patterns);
        var change = new DomainChange("example.org", kind, baseEntry, entry);
        var report = probe == "none" ? null : Report(probe == "pass", mtaSts);
        DateTimeOffset? since = daysInTesting < 0 ? null : Now.AddDays(-daysInTesting);

        var findings = EligibilityRules.Judge(change, entry, baseEntry, report, since, Now).ToList();

        Assert.Equal(codes, findings.Select(f => f.Code));
        Assert.All(findings, f => Assert.Equal(Severity.Error, f.Severity));
        Assert.All(findings, f => Assert.Contains("example.org", f.Message, StringComparison.Ordinal));
    }

    private static DomainReport Report(bool passes, string mtaSts)
    {
        MtaStsPolicy? policy = mtaSts switch
        {
            "enforce-long" => new MtaStsPolicy("enforce", Patterns, DomainProber.EnforceMaxAge),
            "enforce-short" => new MtaStsPolicy("enforce", Patterns, DomainProber.EnforceMaxAge - 1),
            "testing" => new MtaStsPolicy("testing", Patterns, DomainProber.EnforceMaxAge),
            "other-mx" => new MtaStsPolicy("enforce", ["mx.elsewhere.net"], DomainProber.EnforceMaxAge),
            _ => null,
        };
        Finding[] findings = passes ? [] : [ProbeFindingKinds.CertExpired.At("mx.example.org", "the certificate expired", null)];
        return new DomainReport(new ProbeTarget("example.org"), [], [], null, policy, findings, null, TimeSpan.Zero);
    }
}
