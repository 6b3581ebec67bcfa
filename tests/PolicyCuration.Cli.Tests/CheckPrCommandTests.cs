using LibGit2Sharp;
using PolicyCuration.Testing;

namespace PolicyCuration.Cli.Tests;

/// <summary>check-pr end to end: a git repository with a base and a PR head, the probe against the fixtures, ownership records in their zone.</summary>
[Trait("Needs", "fixtures")]
public sealed class CheckPrCommandTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private readonly TemporaryDirectory dir = new();

    public CheckPrCommandTests() => Repository.Init(Repo);

    private string Repo => dir.File("repo");

    public void Dispose() => dir.Dispose();

    [Fact]
    public void AGoodNewDomainWithItsOwnershipRecordIsMergeable()
    {
        Commit(List(("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])), Now.AddDays(-30), "base");
        Commit(List(("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"]), ("valid.probe.test", "testing", ["mx.valid.probe.test", "mx2.valid.probe.test"])), Now, "add valid");

        var (code, output, error) = CheckPr("--repo", "owner/list", "--pr", "42");

        Assert.True(code == ExitCodes.Ok, output + error);
        Assert.Contains("## Policy list check: mergeable", output);
        Assert.Contains("### `valid.probe.test` (added): passes", output);
    }

    [Fact]
    public void AFailingDomainIsBlockedWithAnnotationsSummaryAndCommentAndADomainWithAnotherPrsRecordIsNotProbed()
    {
        Commit(List(("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])), Now.AddDays(-30), "base");
        Commit(List(("expired.probe.test", "testing", ["mx.expired.probe.test"]), ("selfsigned.probe.test", "testing", ["mx.selfsigned.probe.test"]), ("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])), Now, "add two");
        string summary = dir.File("summary.md"), comment = dir.File("comment.md"), json = dir.File("report.json");

        var (code, output, _) = CheckPr("--repo", "owner/list", "--pr", "42", "--annotations", "--summary", summary, "--comment-out", comment, "--json-out", json);

        Assert.Equal(ExitCodes.Findings, code);
        Assert.Matches(@"::error file=policy/policy\.json,line=\d+,col=\d+,title=eligibility\.probe_failed::", output);
        Assert.Contains("title=tls.cert.expired::", output);
        Assert.Contains("title=ownership.txt.mismatch::", output);
        Assert.Contains("nothing about the domain is probed until it does", output);
        Assert.Contains("## Policy list check: not mergeable", File.ReadAllText(summary));
        Assert.StartsWith("<!-- policyctl check-pr -->\n", File.ReadAllText(comment));
        Assert.Contains("https://github.com/owner/list/pull/7", File.ReadAllText(comment));

        // Ownership first: the domain whose record names another pull request was never connected to.
        using var report = System.Text.Json.JsonDocument.Parse(File.ReadAllText(json));
        var domains = report.RootElement.GetProperty("domains").EnumerateArray().ToDictionary(d => d.GetProperty("domain").GetString()!);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, domains["selfsigned.probe.test"].GetProperty("probe").ValueKind);
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, domains["expired.probe.test"].GetProperty("probe").ValueKind);
    }

    [Theory]
    [InlineData("sts-valid.probe.test", new[] { "mx.valid.probe.test", ".valid.probe.test" }, null)]
    [InlineData("sts-testing.probe.test", new[] { "mx.valid.probe.test" }, "eligibility.enforce_without_mta_sts")]
    public void ANewEntryEnforcesOnlyWithAnEnforcingLongLivedMtaStsPolicy(string domain, string[] mxs, string? code)
    {
        Commit(List(("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])), Now.AddDays(-30), "base");
        Commit(List((domain, "enforce", mxs), ("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])), Now, "add");

        var (exit, output, _) = CheckPr("--repo", "owner/list", "--pr", "42", "--format", "json");

        Assert.Equal(code is null ? ExitCodes.Ok : ExitCodes.Findings, exit);
        Assert.Equal(code is not null, output.Contains("eligibility.enforce_without_mta_sts", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(3, "eligibility.enforce_too_soon")]
    [InlineData(20, null)]
    public void TestingBecomesEnforceOnlyAfterFourteenDaysOnTheBaseBranch(int daysInTesting, string? code)
    {
        Commit(List(("other.example", "testing", ["mx.other.example"])), Now.AddDays(-60), "base");
        Commit(List(("other.example", "testing", ["mx.other.example"]), ("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])), Now.AddDays(-daysInTesting), "add wildcard");
        Commit(List(("other.example", "testing", ["mx.other.example"]), ("wildcard.probe.test", "enforce", ["mx1.wildcard.probe.test"])), Now, "enforce wildcard");

        var (exit, output, _) = CheckPr("--repo", "owner/list", "--pr", "42", "--format", "json");

        Assert.Equal(code is null ? ExitCodes.Ok : ExitCodes.Findings, exit);
        Assert.Equal(code is not null, output.Contains("eligibility.enforce_too_soon", StringComparison.Ordinal));
    }

    [Fact]
    public void ARemovalNeedsTheOwnershipRecordOrMtaStsModeNone()
    {
        Commit(List(("nomx.probe.test", "testing", ["mx.nomx.probe.test"]), ("sts-none.probe.test", "testing", ["mx.valid.probe.test"]), ("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])), Now.AddDays(-30), "base");
        Commit(List(("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])), Now, "remove two");

        var (exit, output, _) = CheckPr("--repo", "owner/list", "--pr", "42", "--format", "json");

        Assert.Equal(ExitCodes.Findings, exit);
        using var json = System.Text.Json.JsonDocument.Parse(output);
        var domains = json.RootElement.GetProperty("domains").EnumerateArray().ToDictionary(d => d.GetProperty("domain").GetString()!);
        Assert.True(domains["sts-none.probe.test"].GetProperty("passed").GetBoolean());
        Assert.Equal("ownership.txt.missing", domains["nomx.probe.test"].GetProperty("findings")[0].GetProperty("code").GetString());
    }

    [Fact]
    public void WithoutAPullRequestOwnershipIsNotCheckedAndSaysSo()
    {
        Commit(List(("other.example", "testing", ["mx.other.example"])), Now.AddDays(-30), "base");
        Commit(List(("other.example", "testing", ["mx.other.example"]), ("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])), Now, "add");

        var (exit, output, _) = CheckPr("--no-probe");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("`ownership.not_checked`", output);
        Assert.Matches(@"## Policy list check: mergeable so far \(\d+ warnings?; not probed: the pull request check probes", output);
        Assert.Contains("(added): passes what was checked (not probed)", output);
    }

    [Fact]
    public void AListEditNotYetCommittedIsPointedOut()
    {
        Commit(List(("other.example", "testing", ["mx.other.example"])), Now.AddDays(-30), "base");
        Commit(List(("other.example", "testing", ["mx.other.example"]), ("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])), Now, "add");
        File.WriteAllText(Path.Combine(Repo, "policy", "policy.json"), List(("other.example", "testing", ["mx.other.example"]), ("valid.probe.test", "testing", ["mx.valid.probe.test"])));

        var (_, _, error) = PolicyCtlRunner.Run("check-pr", "--git", Repo, "--base", "HEAD~1", "--no-probe", "--list", "policy/policy.json");

        Assert.Contains("policy/policy.json has changes that are not committed; check-pr reads the list at HEAD", error);
    }

    [Fact]
    public void AnOwnershipLookupThatFailsBlocksTheMerge()
    {
        Commit(List(("other.example", "testing", ["mx.other.example"])), Now.AddDays(-30), "base");
        Commit(List(("other.example", "testing", ["mx.other.example"]), ("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])), Now, "add");

        // A DNS server that never answers: nothing listens on the port of a listener just closed.
        var (exit, output, _) = PolicyCtlRunner.Run(
            "check-pr", "--git", Repo, "--base", "HEAD~1", "--head", "HEAD", "--repo", "owner/list", "--pr", "42", "--no-probe",
            "--dns", $"127.0.0.1:{ClosedUdpPort()}", "--timeout", "1");

        Assert.Equal(ExitCodes.Findings, exit);
        Assert.Contains("`ownership.lookup_failed`", output);
    }

    /// <summary>A pull request that adds one domain to a one-domain base, and the codes its JSON report must hold.</summary>
    public static TheoryData<string, string, string, string[], string[]> FailingPullRequests { get; } = new()
    {
        // reason, domain, mode, patterns, expected codes
        { "schema", "wildcard.probe.test", "strict", ["mx1.wildcard.probe.test"], ["schema.enum"] },
        { "rule", "Wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"], ["list.domain.not_lowercase"] },
        { "probe", "expired.probe.test", "testing", ["mx.expired.probe.test"], ["eligibility.probe_failed", "tls.cert.expired"] },
        { "uncovered MX", "valid.probe.test", "testing", ["mx.valid.probe.test"], ["eligibility.probe_failed", "dns.mx.unmatched"] },
        { "no ownership record", "sts-html.probe.test", "testing", ["mx.valid.probe.test"], ["ownership.txt.missing"] },
        { "replay of another PR's record", "soon.probe.test", "testing", ["mx.soon.probe.test"], ["ownership.txt.mismatch"] },
        { "enforce from the start", "wildcard.probe.test", "enforce", ["mx1.wildcard.probe.test"], ["eligibility.enforce_without_mta_sts"] },
    };

    [Theory]
    [MemberData(nameof(FailingPullRequests))]
    public void APullRequestFailsForEachReasonWithItsCodesInTheJsonReport(string reason, string domain, string mode, string[] mxs, string[] codes)
    {
        Commit(List(("other.example", "testing", ["mx.other.example"])), Now.AddDays(-30), "base");
        string head = List(("other.example", "testing", ["mx.other.example"]), (domain, mode, mxs));
        Commit(head, Now, reason);

        var (exit, output, error) = CheckPr("--repo", "owner/list", "--pr", "42", "--format", "json");

        Assert.True(exit == ExitCodes.Findings, $"{reason}: {output}{error}");
        using var json = System.Text.Json.JsonDocument.Parse(output);
        Assert.False(json.RootElement.GetProperty("mergeable").GetBoolean());
        var found = json.RootElement.GetProperty("list_findings").EnumerateArray()
            .Concat(json.RootElement.GetProperty("domains").EnumerateArray().SelectMany(d => d.GetProperty("findings").EnumerateArray()))
            .Select(f => f.GetProperty("code").GetString())
            .ToHashSet();
        Assert.All(codes, code => Assert.True(found.Contains(code), $"{reason}: expected {code}, found {string.Join(", ", found)}"));
    }

    /// <summary>Every review code a test here produces, for the catalogue test.</summary>
    public static readonly string[] CodesProduced =
    [
        "ownership.txt.missing", "ownership.txt.mismatch", "ownership.lookup_failed", "ownership.not_checked",
        "eligibility.probe_failed", "eligibility.enforce_without_mta_sts", "eligibility.enforce_too_soon", "pr.changes_outside_list",
        "pr.release_key_changed", "pr.merge_conflict", "pr.too_many_domains", "ownership.audit_evidence",
        PrReportCommandTests.BaseNotDefault,
    ];

    [Theory]
    [InlineData("policy/release.pub", "pr.release_key_changed")]
    [InlineData("policy/.gitattributes", null)]
    [InlineData("policy/notes.md", null)]
    public void OnlyTheListFileIsListDataAndTheReleaseKeyIsNamed(string path, string? named)
    {
        Directory.CreateDirectory(Path.Combine(Repo, "policy"));
        File.WriteAllText(Path.Combine(Repo, "policy", "release.pub"), "untrusted comment: the release key\nRWQ0000\n");
        Commit(List(("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])), Now.AddDays(-30), "base");
        File.WriteAllText(Path.Combine(Repo, path), "policy.json merge=ours\nRWQ1111\n");
        Commit(List(("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])), Now, "only " + path);

        var (code, output, _) = CheckPr("--repo", "owner/list", "--pr", "42", "--format", "json");

        Assert.Equal(ExitCodes.Findings, code);
        Assert.Contains("\"pr.changes_outside_list\"", output);
        Assert.Contains(path, output);
        Assert.Equal(named is not null, output.Contains("\"pr.release_key_changed\"", StringComparison.Ordinal));
    }

    [Fact]
    public void APullRequestOverTheCapGetsOneFindingAndNothingIsLookedUp()
    {
        Commit(List(("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])), Now.AddDays(-30), "base");
        Commit(List(("expired.probe.test", "testing", ["mx.expired.probe.test"]), ("valid.probe.test", "testing", ["mx.valid.probe.test", "mx2.valid.probe.test"]), ("soon.probe.test", "testing", ["mx.soon.probe.test"]), ("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])), Now, "add three");

        // A resolver that never answers: any lookup would show as ownership.lookup_failed.
        string[] fixtures = ProbeFixtures.CommandLine();
        fixtures[Array.IndexOf(fixtures, "--dns") + 1] = $"127.0.0.1:{ClosedUdpPort()}";
        var (code, output, _) = PolicyCtlRunner.Run([
            "check-pr", "--git", Repo, "--base", "HEAD~1", "--head", "HEAD", "--repo", "owner/list", "--pr", "42", "--format", "json", "--max-domains", "2", .. fixtures]);

        Assert.Equal(ExitCodes.Findings, code);
        using var json = System.Text.Json.JsonDocument.Parse(output);
        var finding = Assert.Single(json.RootElement.GetProperty("list_findings").EnumerateArray(), f => f.GetProperty("severity").GetString() == "error");
        Assert.Equal("pr.too_many_domains", finding.GetProperty("code").GetString());
        Assert.Contains("3 domains; one pull request may touch at most 2", finding.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(json.RootElement.GetProperty("domains").EnumerateArray());

        var usage = PolicyCtlRunner.Run("check-pr", "--git", Repo, "--base", "HEAD~1", "--max-domains", "0", "--no-probe");
        Assert.Equal(ExitCodes.Usage, usage.ExitCode);
        Assert.Contains("--max-domains", usage.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void AHeadThatPassesAgainstItsForkPointButBreaksTheBranchsTipFails()
    {
        // The fork point defines an alias nobody uses yet; the PR's new entry uses it; meanwhile the base branch drops it.
        Commit(WithAlias(true, [("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])], []), Now.AddDays(-30), "base");
        string forkPoint, main;
        using (var repository = new Repository(Repo))
        {
            (forkPoint, main) = (repository.Head.Tip.Sha, repository.Head.FriendlyName);
            repository.Branches.Add("pr", forkPoint);
        }

        Commit(WithAlias(false, [("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])], []), Now.AddDays(-1), "drop the unused alias");
        using (var repository = new Repository(Repo))
        {
            LibGit2Sharp.Commands.Checkout(repository, "pr");
        }

        Commit(WithAlias(true, [("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])], ["valid.probe.test"]), Now, "add valid through the alias");

        var againstForkPoint = PolicyCtlRunner.Run(["check-pr", "--git", Repo, "--base", forkPoint, "--head", "pr", "--repo", "owner/list", "--pr", "42", .. ProbeFixtures.CommandLine()]);
        var againstTip = PolicyCtlRunner.Run(["check-pr", "--git", Repo, "--base", main, "--head", "pr", "--repo", "owner/list", "--pr", "42", "--format", "json", .. ProbeFixtures.CommandLine()]);

        Assert.True(againstForkPoint.ExitCode == ExitCodes.Ok, againstForkPoint.Output + againstForkPoint.Error);
        Assert.Equal(ExitCodes.Findings, againstTip.ExitCode);
        Assert.Contains("\"list.alias.unknown\"", againstTip.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void APullRequestThatDoesNotMergeIntoTheTipFailsAsAConflict()
    {
        Commit(List(("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])), Now.AddDays(-30), "base");
        string forkPoint, main;
        using (var repository = new Repository(Repo))
        {
            (forkPoint, main) = (repository.Head.Tip.Sha, repository.Head.FriendlyName);
            repository.Branches.Add("pr", forkPoint);
        }

        Commit(List(("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test", ".wildcard.probe.test"])), Now.AddDays(-1), "widen on the base");
        using (var repository = new Repository(Repo))
        {
            LibGit2Sharp.Commands.Checkout(repository, "pr");
        }

        Commit(List(("wildcard.probe.test", "testing", ["mx2.wildcard.probe.test"])), Now, "change the same line");

        var (code, output, _) = PolicyCtlRunner.Run(["check-pr", "--git", Repo, "--base", main, "--head", "pr", "--no-probe"]);

        Assert.Equal(ExitCodes.Findings, code);
        Assert.Contains("`pr.merge_conflict`", output, StringComparison.Ordinal);
    }

    [Fact]
    public void TheAuditsDemotionPassesOnItsEvidenceAndAForgedOneDoesNot()
    {
        Commit(List(("expired.probe.test", "enforce", ["mx.expired.probe.test"]), ("soon.probe.test", "enforce", ["mx.soon.probe.test"]), ("wildcard.probe.test", "enforce", ["mx1.wildcard.probe.test"])), Now.AddDays(-60), "base");
        var history = new PolicyCuration.Audit.AuditHistory(Repo);
        var vantage = new PolicyCuration.Probe.Vantage.VantageHealth("eu-1", PolicyCuration.Probe.Vantage.VantageStatus.Healthy, "2 of 2 canaries greeted", 2, 2, 0, 0);
        history.Append(
            [
                new PolicyCuration.Audit.AuditRecord("expired.probe.test", Now.AddDays(-9), PolicyCuration.Format.Model.PolicyMode.Enforce, ["mx.expired.probe.test"], ["tls.cert.expired"], null, null, Vantage: vantage),
                new PolicyCuration.Audit.AuditRecord("expired.probe.test", Now.AddDays(-1), PolicyCuration.Format.Model.PolicyMode.Enforce, ["mx.expired.probe.test"], ["tls.cert.expired"], null, null, Vantage: vantage),
                new PolicyCuration.Audit.AuditRecord("soon.probe.test", Now.AddDays(-9), PolicyCuration.Format.Model.PolicyMode.Enforce, ["mx.soon.probe.test"], ["tls.cert.expired"], null, null, Vantage: vantage),
                new PolicyCuration.Audit.AuditRecord("soon.probe.test", Now.AddDays(-1), PolicyCuration.Format.Model.PolicyMode.Enforce, ["mx.soon.probe.test"], ["tls.cert.expired"], null, null, Vantage: vantage),
                new PolicyCuration.Audit.AuditRecord("wildcard.probe.test", Now.AddDays(-1), PolicyCuration.Format.Model.PolicyMode.Enforce, ["mx1.wildcard.probe.test"], [], null, null, Vantage: vantage),
            ],
            "audit");

        // The audit's PR (no ownership record: PR 99 has none anywhere) demotes the two domains its history shows failing;
        // demotions the history proves are not looked up, so they do not count against the cap of one.
        Commit(List(("expired.probe.test", "testing", ["mx.expired.probe.test"]), ("soon.probe.test", "testing", ["mx.soon.probe.test"]), ("wildcard.probe.test", "enforce", ["mx1.wildcard.probe.test"])), Now, "audit: demote 2 domains");
        var audit = CheckPr("--repo", "owner/list", "--pr", "99", "--audit-history", "audit-history", "--format", "json", "--max-domains", "1");

        Assert.True(audit.ExitCode == ExitCodes.Ok, audit.Output + audit.Error);
        Assert.Contains("\"ownership.audit_evidence\"", audit.Output, StringComparison.Ordinal);
        Assert.Contains("from eu-1", audit.Output, StringComparison.Ordinal);

        // The same title and branch, demoting a domain whose audits pass: nothing supports it, so ownership is owed
        // (its record names PR 42, not this one).
        Commit(List(("expired.probe.test", "enforce", ["mx.expired.probe.test"]), ("soon.probe.test", "enforce", ["mx.soon.probe.test"]), ("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])), Now, "audit: demote wildcard.probe.test");
        var forged = PolicyCtlRunner.Run(["check-pr", "--git", Repo, "--base", "HEAD~2", "--head", "HEAD", "--repo", "owner/list", "--pr", "99", "--audit-history", "audit-history", "--format", "json", .. ProbeFixtures.CommandLine()]);

        Assert.True(forged.ExitCode == ExitCodes.Findings, forged.Output + forged.Error);
        Assert.True(forged.Output.Contains("\"ownership.txt.mismatch\"", StringComparison.Ordinal), forged.Output);
        Assert.DoesNotContain("\"ownership.audit_evidence\"", forged.Output, StringComparison.Ordinal);
    }

    private static string WithAlias(bool alias, (string Domain, string Mode, string[] Mxs)[] entries, string[] aliased)
    {
        string list = List(entries);
        if (aliased.Length > 0)
        {
            list = list.Replace("  \"policies\": {\n", "  \"policies\": {\n" + string.Concat(aliased.Select(d => $"    \"{d}\": {{\n      \"policy-alias\": \"provider\"\n    }},\n")), StringComparison.Ordinal);
        }

        // The alias sits at the top of the file, far from the policies, so that git merges the two edits cleanly.
        return alias
            ? list.Replace("{\n  \"expires\"", "{\n  \"policy-aliases\": {\n    \"provider\": {\n      \"mode\": \"testing\",\n      \"mxs\": [\n        \"mx.valid.probe.test\",\n        \"mx2.valid.probe.test\"\n      ]\n    }\n  },\n  \"expires\"", StringComparison.Ordinal)
            : list;
    }

    [Fact]
    public void TheFourteenDaysCountFromTheMergeIntoTheBaseNotFromDatesThePrAuthorSet()
    {
        Commit(List(("other.example", "testing", ["mx.other.example"])), Now.AddDays(-60), "base");
        using (var repository = new Repository(Repo))
        {
            // A PR whose commit claims to be 30 days old, merged today by a merge commit on the base branch.
            var before = repository.Head.Tip;
            File.WriteAllText(Path.Combine(Repo, "policy", "policy.json"), List(("other.example", "testing", ["mx.other.example"]), ("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])));
            LibGit2Sharp.Commands.Stage(repository, "*");
            var tree = repository.Index.WriteToTree();
            var backdated = new Signature("contributor", "c@example.org", Now.AddDays(-30));
            var branch = repository.ObjectDatabase.CreateCommit(backdated, backdated, "add wildcard", tree, [before], prettifyMessage: false);
            var merger = new Signature("GitHub", "noreply@github.com", Now);
            var merge = repository.ObjectDatabase.CreateCommit(merger, merger, "Merge pull request #7", tree, [before, branch], prettifyMessage: false);
            repository.Refs.UpdateTarget(repository.Head.Reference.ResolveToDirectReference(), merge.Id);
        }

        Commit(List(("other.example", "testing", ["mx.other.example"]), ("wildcard.probe.test", "enforce", ["mx1.wildcard.probe.test"])), Now, "enforce wildcard");

        var (exit, output, _) = CheckPr("--repo", "owner/list", "--pr", "42", "--format", "json");

        Assert.Equal(ExitCodes.Findings, exit);
        Assert.Contains("eligibility.enforce_too_soon", output);
    }

    [Fact]
    public void APullRequestThatAlsoChangesCodeIsNeverMergeable()
    {
        Commit(List(("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])), Now.AddDays(-30), "base");
        Directory.CreateDirectory(Path.Combine(Repo, ".github", "workflows"));
        File.WriteAllText(Path.Combine(Repo, ".github", "workflows", "pr.yml"), "name: pr\n");
        Commit(List(("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"]), ("valid.probe.test", "testing", ["mx.valid.probe.test", "mx2.valid.probe.test"])), Now, "add valid, and a workflow");

        var (code, output, _) = CheckPr("--repo", "owner/list", "--pr", "42");

        Assert.Equal(ExitCodes.Findings, code);
        Assert.Contains("`pr.changes_outside_list`", output);
        Assert.Contains("besides policy/policy.json (.github/workflows/pr.yml): a maintainer must review the change", output);
        Assert.Contains("### `valid.probe.test` (added): passes", output);
    }

    private static int ClosedUdpPort()
    {
        using var socket = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return ((System.Net.IPEndPoint)socket.Client.LocalEndPoint!).Port;
    }

    [Fact]
    public void FromAVantageThatCannotReachItsCanariesTheVerdictIsInconclusiveAndBlamesNoOne()
    {
        Commit(List(("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])), Now.AddDays(-30), "base");
        Commit(List(("selfsigned.probe.test", "testing", ["mx.selfsigned.probe.test"]), ("wildcard.probe.test", "testing", ["mx1.wildcard.probe.test"])), Now, "add selfsigned");
        string[] fixtures = ProbeFixtures.CommandLine();
        fixtures[Array.IndexOf(fixtures, "--canaries") + 1] = ProbeFixtures.DeadCanaries;
        string json = dir.File("report.json");

        var (code, output, _) = PolicyCtlRunner.Run(["check-pr", "--git", Repo, "--base", "HEAD~1", "--head", "HEAD", "--json-out", json, .. fixtures]);

        Assert.Equal(ExitCodes.Inconclusive, code);
        Assert.Contains("## Policy list check: inconclusive (the probing host is unhealthy)", output);
        Assert.Contains("Nothing below is held against the domains or their contributor", output);
        using var report = System.Text.Json.JsonDocument.Parse(File.ReadAllText(json));
        Assert.True(report.RootElement.GetProperty("inconclusive").GetBoolean());
        var errors = report.RootElement.GetProperty("list_findings").EnumerateArray()
            .Concat(report.RootElement.GetProperty("domains").EnumerateArray().SelectMany(d => d.GetProperty("findings").EnumerateArray()))
            .Where(f => f.GetProperty("severity").GetString() == "error")
            .Select(f => f.GetProperty("code").GetString())
            .ToList();
        Assert.Equal(["probe.vantage.unhealthy"], errors);
        Assert.Contains("not judged, the probing host being unhealthy: ", output);
    }

    private (int ExitCode, string Output, string Error) CheckPr(params string[] args) =>
        PolicyCtlRunner.Run(["check-pr", "--git", Repo, "--base", "HEAD~1", "--head", "HEAD", .. args, .. ProbeFixtures.CommandLine()]);

    private static string List(params (string Domain, string Mode, string[] Mxs)[] entries)
    {
        var policies = entries.OrderBy(e => e.Domain, StringComparer.Ordinal)
            .Select(e => $"    \"{e.Domain}\": {{\n      \"mode\": \"{e.Mode}\",\n      \"mxs\": [\n{string.Join(",\n", e.Mxs.Select(m => $"        \"{m}\""))}\n      ]\n    }}");
        string expires = ListTimeText(Now.AddDays(10));
        return $"{{\n  \"expires\": \"{expires}\",\n  \"policies\": {{\n{string.Join(",\n", policies)}\n  }},\n  \"timestamp\": \"{ListTimeText(Now.AddDays(-1))}\",\n  \"version\": \"0.1\"\n}}\n";
    }

    private static string ListTimeText(DateTimeOffset when) => when.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", System.Globalization.CultureInfo.InvariantCulture);

    private void Commit(string list, DateTimeOffset when, string message)
    {
        Directory.CreateDirectory(Path.Combine(Repo, "policy"));
        File.WriteAllText(Path.Combine(Repo, "policy", "policy.json"), list);
        using var repository = new Repository(Repo);
        LibGit2Sharp.Commands.Stage(repository, "*");
        var author = new Signature("test", "test@example.org", when);
        repository.Commit(message, author, author);
    }
}
