using System.Text.Json.Nodes;
using PolicyCuration.Audit;
using PolicyCuration.Testing;
using YamlDotNet.RepresentationModel;

namespace PolicyCuration.Cli.Tests.Rehearsal;

/// <summary>
/// Each workflow of .github/workflows played as GitHub would run it (<see cref="WorkflowRunner"/>): its steps as
/// written, against a bare origin, the probe fixtures as the vantage's network, and the local GitHub API.
/// </summary>
[Trait("Needs", "fixtures")]
[Collection("rehearsal")]
public sealed class WorkflowRehearsalTests(Workbench bench)
{
    private WorkflowRunner Runner => bench.Runner;

    [Fact]
    public void APullRequestThatAddsAGoodDomainPassesAndItsHeadGetsAPassingStatusAndOneComment()
    {
        const int number = 42;
        string head = Open(number, AddValid);

        var pr = Runner.Play("pr.yml", PullRequest(number, head));

        var check = pr.Job("check");
        Assert.True(check.Result == "success", pr.Describe());
        Assert.Equal("success", check.Step("verdict").Outcome);
        Assert.Equal(["pr-number"], Files(pr.Artifacts["pr-report"]));
        Assert.Equal($"{number}\n", File.ReadAllText(Path.Combine(pr.Artifacts["pr-report"], "pr-number")));
        Assert.Contains("### `valid.probe.test` (added): passes", check.Summary, StringComparison.Ordinal);

        // The PR's own workflow runs on GitHub's runner, never on the vantage; the report runs on the vantage the variables name.
        Assert.Equal("\"ubuntu-24.04\"", check.RunsOn);
        Runner.Variables["PROBE_RUNS_ON"] = "[\"self-hosted\", \"port25\"]";
        Runner.Variables["PROBE_VANTAGE"] = "eu-1";
        WorkflowRun report;
        try
        {
            report = Runner.Play("pr-report.yml", WorkflowRunCompleted(pr, head));
        }
        finally
        {
            Runner.Variables.Clear();
        }

        Assert.True(report.Conclusion == "success", report.Describe());
        Assert.Equal("[\"self-hosted\",\"port25\"]", report.Job("report").RunsOn);
        Assert.Equal([(head, "success")], StatusesOf(head));
        var comment = Assert.Single(bench.Api.Comments[number]);
        Assert.StartsWith("<!-- policyctl check-pr -->\n## Policy list check: mergeable", comment.Body, StringComparison.Ordinal);
        Assert.Contains("Probed from `eu-1`: healthy", comment.Body, StringComparison.Ordinal);
        Assert.Contains($"Checked commit `{head[..12]}`", comment.Body, StringComparison.Ordinal);
        Assert.Contains("### `valid.probe.test` (added): passes", report.Job("report").Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void APullRequestThatBreaksTheSchemaFailsWithAnAnnotationOnTheLineAndAFailingStatus()
    {
        const int number = 43;
        string head = Open(number, list => list.Replace(
            "\"mode\": \"enforce\",\n      \"mxs\": [\n        \"mx1.wildcard", "\"mode\": \"sometimes\",\n      \"mxs\": [\n        \"mx1.wildcard", StringComparison.Ordinal));
        int line = File.ReadAllLines(Path.Combine(bench.Scratch($"pr-{number}"), "policy", "policy.json")).ToList().FindIndex(l => l.Contains("sometimes", StringComparison.Ordinal)) + 1;

        var pr = Runner.Play("pr.yml", PullRequest(number, head));

        var check = pr.Job("check");
        Assert.True(check.Result == "failure", pr.Describe());
        Assert.Equal("failure", check.Step("verdict").Outcome);
        Assert.Contains(check.Step("check-pr").Annotations, a => a.StartsWith($"::error file=policy/policy.json,line={line},", StringComparison.Ordinal) && a.Contains("schema.enum", StringComparison.Ordinal));
        Assert.True(pr.Artifacts.ContainsKey("pr-report"), "the PR number is uploaded even when the check fails");

        var report = Runner.Play("pr-report.yml", WorkflowRunCompleted(pr, head));

        Assert.True(report.Conclusion == "success", report.Describe());
        Assert.Equal([(head, "failure")], StatusesOf(head));
        Assert.StartsWith("<!-- policyctl check-pr -->\n## Policy list check: not mergeable", Assert.Single(bench.Api.Comments[number]).Body, StringComparison.Ordinal);
    }

    [Fact]
    public void AForgedWorkflowAndArtifactCannotPassAPullRequest()
    {
        // The PR rewrites its own copy of pr.yml: no check, a passing verdict, and an artifact naming another PR.
        const int number = 45, victim = 145;
        string victimHead = Open(victim, AddValid);
        string head = Open(number, AddValid, clone => File.WriteAllText(Path.Combine(clone, ".github", "workflows", "pr.yml"), ForgedPrWorkflow(victim)));

        var pr = Runner.Play("pr.yml", PullRequest(number, head));
        Assert.True(pr.Conclusion == "success", pr.Describe());
        var pointedElsewhere = Runner.Play("pr-report.yml", WorkflowRunCompleted(pr, head));

        Assert.Equal("failure", pointedElsewhere.Job("report").Step("judge and post").Outcome);
        Assert.Empty(StatusesOf(head));
        Assert.Empty(StatusesOf(victimHead));
        Assert.False(bench.Api.Comments.ContainsKey(victim), "the victim PR got a comment");

        // Pointed at itself, the PR is judged on what it changes: the workflow too, which no bot may pass.
        string honest = Open(number, AddValid, clone => File.WriteAllText(Path.Combine(clone, ".github", "workflows", "pr.yml"), ForgedPrWorkflow(number)));
        var selfPr = Runner.Play("pr.yml", PullRequest(number, honest));
        var judged = Runner.Play("pr-report.yml", WorkflowRunCompleted(selfPr, honest));

        Assert.True(judged.Conclusion == "success", judged.Describe());
        Assert.Equal([(honest, "failure")], StatusesOf(honest));
        Assert.Contains("pr.changes_outside_list", Assert.Single(bench.Api.Comments[number]).Body, StringComparison.Ordinal);
    }

    [Fact]
    public void APushThatStartsNoCheckLeavesItsCommitWithoutAVerdict()
    {
        // The fixtures' ownership records name PR 42: its first commit passes.
        const int number = 42;
        string checkedHead = Open(number, AddValid);
        var pr = Runner.Play("pr.yml", PullRequest(number, checkedHead));
        Runner.Play("pr-report.yml", WorkflowRunCompleted(pr, checkedHead));

        // "[skip ci]" in the head commit's message: GitHub starts no pr run for it.
        string skipped = Open(number, list => AddValid(list).Replace("mx2.valid.probe.test", "mx2.elsewhere.test", StringComparison.Ordinal), message: "[skip ci] sneak a change in");

        Assert.Equal([(checkedHead, "success")], StatusesOf(checkedHead));
        Assert.Empty(StatusesOf(skipped));
    }

    [Fact]
    public void AForcePushRaceGetsOnlyTheCommitThatWasJudgedAVerdict()
    {
        const int number = 47;
        string first = Open(number, AddValid);
        var firstRun = Runner.Play("pr.yml", PullRequest(number, first));

        // Before the report of the first run, the PR is force-pushed to another commit.
        string second = Open(number, list => AddValid(list).Replace("mx2.valid.probe.test", "mx2.elsewhere.test", StringComparison.Ordinal));
        var late = Runner.Play("pr-report.yml", WorkflowRunCompleted(firstRun, first));

        Assert.Empty(StatusesOf(first));
        Assert.False(bench.Api.Comments.ContainsKey(number), "a comment was posted for a commit the PR no longer has");
        Assert.Contains("nothing posted", late.Job("report").Step("judge and post").Log, StringComparison.Ordinal);

        var secondRun = Runner.Play("pr.yml", PullRequest(number, second));
        Runner.Play("pr-report.yml", WorkflowRunCompleted(secondRun, second));

        Assert.Equal([(second, "failure")], StatusesOf(second));
        Assert.Contains($"Checked commit `{second[..12]}`", Assert.Single(bench.Api.Comments[number]).Body, StringComparison.Ordinal);
    }

    [Fact]
    public void APullRequestThatLeavesTheCanonicalListOtherwiseFailsAsCiWould()
    {
        // PR 42: the fixtures' ownership records name it, so the form is the one thing wrong.
        const int number = 42;
        string head = Open(number, list => AddValid(list).Replace("\"mx2.valid.probe.test\"", "\"MX2.valid.probe.test\"", StringComparison.Ordinal));

        var pr = Runner.Play("pr.yml", PullRequest(number, head));
        Runner.Play("pr-report.yml", WorkflowRunCompleted(pr, head));

        Assert.Equal([(head, "failure")], StatusesOf(head));
        string comment = Assert.Single(bench.Api.Comments[number]).Body;
        Assert.Contains("| error | `list.not_canonical` |", comment, StringComparison.Ordinal);
        Assert.Contains("policyctl fmt", comment, StringComparison.Ordinal);
        Assert.Contains("not mergeable (1 error", comment, StringComparison.Ordinal);
    }

    [Fact]
    public void APullRequestThatChangesOnlyTheReleaseKeyIsNotMergeable()
    {
        const int number = 50;
        string head = Open(number, list => list, clone => File.WriteAllText(Path.Combine(clone, "policy", "release.pub"), "untrusted comment: the attacker's key\nRWQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"));

        var pr = Runner.Play("pr.yml", PullRequest(number, head, changed: ["policy/release.pub"]));
        Assert.True(pr.Triggered);
        Assert.Equal("failure", pr.Job("check").Result);
        var report = Runner.Play("pr-report.yml", WorkflowRunCompleted(pr, head));

        Assert.True(report.Conclusion == "success", report.Describe());
        Assert.Equal([(head, "failure")], StatusesOf(head));
        string comment = Assert.Single(bench.Api.Comments[number]).Body;
        Assert.Contains("`pr.release_key_changed`", comment, StringComparison.Ordinal);
        Assert.Contains("policy/release.pub", comment, StringComparison.Ordinal);
    }

    [Fact]
    public void APullRequestRetargetedToAnotherBranchIsCheckedAgainAndRefused()
    {
        const int number = 51;
        string head = Open(number, AddValid);
        bench.Api.BaseRefs[number] = "audit/demote-1";
        try
        {
            // Changing the base is an 'edited' event: the check runs again, and the report refuses any base but main.
            var pr = Runner.Play("pr.yml", PullRequest(number, head, action: "edited"));
            Assert.True(pr.Triggered);
            Assert.False(Runner.Play("pr.yml", PullRequest(number, head, action: "labeled")).Triggered);
            var report = Runner.Play("pr-report.yml", WorkflowRunCompleted(pr, head));

            Assert.True(report.Conclusion == "success", report.Describe());
            Assert.Equal([(head, "failure")], StatusesOf(head));
            Assert.Contains("`pr.base_not_default`", Assert.Single(bench.Api.Comments[number]).Body, StringComparison.Ordinal);
        }
        finally
        {
            bench.Api.BaseRefs.TryRemove(number, out _);
        }
    }

    [Fact]
    public void APullRequestOverTheCapIsRefusedWithoutAProbe()
    {
        const int number = 52;
        string head = Open(number, list => AddValid(list).Replace(
            "    \"valid.probe.test\": {",
            "    \"soon.probe.test\": {\n      \"mode\": \"testing\",\n      \"mxs\": [\n        \"mx.soon.probe.test\"\n      ]\n    },\n    \"valid.probe.test\": {",
            StringComparison.Ordinal));
        Runner.Variables["PR_MAX_DOMAINS"] = "1";
        WorkflowRun report;
        try
        {
            var pr = Runner.Play("pr.yml", PullRequest(number, head));
            report = Runner.Play("pr-report.yml", WorkflowRunCompleted(pr, head));
        }
        finally
        {
            Runner.Variables.Clear();
        }

        Assert.True(report.Conclusion == "success", report.Describe());
        Assert.Equal([(head, "failure")], StatusesOf(head));
        string comment = Assert.Single(bench.Api.Comments[number]).Body;
        Assert.Contains("`pr.too_many_domains`", comment, StringComparison.Ordinal);
        Assert.DoesNotContain("Probed from", comment, StringComparison.Ordinal);
        Assert.DoesNotContain("### `", comment, StringComparison.Ordinal);
    }

    [Fact]
    public void TheVantagesRunnerGroupRunsOnlyTheDefaultBranchsReportNeverAPullRequestsWorkflow()
    {
        // The README's setup: an organisation runner group that admits only these workflows, at main.
        Runner.RunnerGroups.Add(new RunnerGroup("vantage", ["self-hosted", "port25"], ["owner/list/.github/workflows/pr-report.yml@refs/heads/main", "owner/list/.github/workflows/audit.yml@refs/heads/main"]));
        Runner.Variables["PROBE_RUNS_ON"] = "{\"group\": \"vantage\", \"labels\": [\"self-hosted\", \"port25\"]}";
        Runner.Variables["PROBE_VANTAGE"] = "eu-1";
        const int number = 42;
        try
        {
            // A fork's pr.yml that asks for the vantage by its labels, and one that names its group: neither starts.
            string forged = Open(number, AddValid, clone => File.WriteAllText(Path.Combine(clone, ".github", "workflows", "pr.yml"), ForgedPrWorkflow(number).Replace("runs-on: ubuntu-24.04", "runs-on: [self-hosted, port25]", StringComparison.Ordinal)));
            var onLabels = Runner.Play("pr.yml", PullRequest(number, forged));
            Assert.Equal("queued", onLabels.Job("check").Result);
            Assert.Empty(onLabels.Job("check").Steps);
            string named = Open(number, AddValid, clone => File.WriteAllText(Path.Combine(clone, ".github", "workflows", "pr.yml"), ForgedPrWorkflow(number).Replace("runs-on: ubuntu-24.04", "runs-on:\n      group: vantage", StringComparison.Ordinal)));
            Assert.Equal("queued", Runner.Play("pr.yml", PullRequest(number, named)).Job("check").Result);

            // The honest PR's report runs on the vantage, from main.
            string head = Open(number, AddValid);
            var pr = Runner.Play("pr.yml", PullRequest(number, head));
            var report = Runner.Play("pr-report.yml", WorkflowRunCompleted(pr, head));

            Assert.True(report.Conclusion == "success", report.Describe());
            Assert.Equal("success", report.Job("report").Result);
            Assert.Contains("\"group\":\"vantage\"", report.Job("report").RunsOn, StringComparison.Ordinal);
            Assert.Equal([(head, "success")], StatusesOf(head));
        }
        finally
        {
            Runner.RunnerGroups.Clear();
            Runner.Variables.Clear();
        }
    }

    [Fact]
    public void TheAuditsDemotionPassesOnItsEvidenceAndAForgedAuditPullRequestDoesNot()
    {
        // Two failing audits of expired.probe.test nine days apart, from a healthy vantage, on origin's audit-history.
        SeedAuditHistory(10, 1);
        const int audit = 53, forged = 54;
        string demotion = Open(audit, list => list.Replace("\"expired.probe.test\": {\n      \"mode\": \"enforce\"", "\"expired.probe.test\": {\n      \"mode\": \"testing\"", StringComparison.Ordinal), message: "audit: demote 1 domain");
        var pr = Runner.Play("pr.yml", PullRequest(audit, demotion));
        var report = Runner.Play("pr-report.yml", WorkflowRunCompleted(pr, demotion));

        Assert.True(report.Conclusion == "success", report.Describe());
        Assert.Equal([(demotion, "success")], StatusesOf(demotion));
        Assert.Contains("ownership.audit_evidence", Assert.Single(bench.Api.Comments[audit]).Body, StringComparison.Ordinal);

        // A person's PR titled and worded as the audit's, demoting a domain whose audits pass: it owes an ownership record
        // (the fixtures' record for it names PR 42).
        string claim = Open(forged, list => list.Replace("\"wildcard.probe.test\": {\n      \"mode\": \"enforce\"", "\"wildcard.probe.test\": {\n      \"mode\": \"testing\"", StringComparison.Ordinal), message: "audit: demote 1 domain");
        var forgedPr = Runner.Play("pr.yml", PullRequest(forged, claim));
        Runner.Play("pr-report.yml", WorkflowRunCompleted(forgedPr, claim));

        Assert.Equal([(claim, "failure")], StatusesOf(claim));
        string comment = Assert.Single(bench.Api.Comments[forged]).Body;
        Assert.Contains("`ownership.txt.mismatch`", comment, StringComparison.Ordinal);
        Assert.DoesNotContain("ownership.audit_evidence", comment, StringComparison.Ordinal);
    }

    [Fact]
    public void APullRequestThatTouchesNoListFileDoesNotStartTheCheck()
    {
        var run = Runner.Play("pr.yml", PullRequest(44, bench.MainCommit, changed: ["README.md"]));

        Assert.False(run.Triggered);
    }

    [Fact]
    public void TheReleaseIsSignedTaggedPushedAndPublishedWithItsFourFilesAndTheConsumersPackages()
    {
        var run = Runner.Play("release.yml", new WorkflowTrigger("workflow_dispatch", [], "refs/heads/main", bench.MainCommit));

        Assert.True(run.Conclusion == "success", run.Describe());
        string release = run.Artifacts["release"];
        Assert.Equal(["manifest.json", "manifest.json.minisig", "policy.json", "policy.json.minisig"], Files(release));
        string serial = JsonNode.Parse(File.ReadAllText(Path.Combine(release, "manifest.json")))!["serial"]!.ToJsonString();
        string publicKey = Path.Combine(bench.Scratch("release-key"), "release.pub");
        File.WriteAllText(publicKey, Workbench.Shell(Runner.Origin, $"git show {bench.MainCommit}:policy/release.pub"));
        foreach (string file in new[] { "policy.json", "manifest.json" })
        {
            var (code, said) = ExternalTool.Run("minisign", ["-Vm", Path.Combine(release, file), "-p", publicKey]);
            Assert.True(code == 0, said);
        }

        Assert.Contains($"refs/tags/list-v{serial}", Workbench.Shell(Runner.Origin, "git for-each-ref --format='%(refname)' refs/tags"), StringComparison.Ordinal);
        var published = bench.Api.Requests.Where(r => r.Method == "POST" && r.PathAndQuery.Contains("/releases", StringComparison.Ordinal)).ToList();
        Assert.Contains(published, r => r.PathAndQuery.EndsWith("/repos/owner/list/releases", StringComparison.Ordinal) && r.BodyText.Contains($"\"list-v{serial}\"", StringComparison.Ordinal));
        foreach (string file in Files(release))
        {
            Assert.Contains(published, r => r.PathAndQuery.Contains($"name={file}", StringComparison.Ordinal));
        }

        // The consumer's packages, built by a job without the key, then signed beside the list.
        string[] packages = ["SHA256SUMS", "starttls-policy-linux-arm64.tar.gz", "starttls-policy-linux-x64.tar.gz", "starttls-policy_amd64.deb", "starttls-policy_arm64.deb"];
        Assert.Equal(packages, Files(run.Artifacts["consumer"]));
        string downloads = bench.Scratch("release-downloads");
        foreach (string name in packages.SelectMany(p => new[] { p, p + ".minisig" }))
        {
            var upload = Assert.Single(published, r => r.PathAndQuery.Contains($"name={Uri.EscapeDataString(name)}&", StringComparison.Ordinal) || r.PathAndQuery.EndsWith($"name={Uri.EscapeDataString(name)}", StringComparison.Ordinal));
            File.WriteAllBytes(Path.Combine(downloads, name), upload.Body);
        }

        // As the README tells an admin to check a download: minisign with the pinned key, then the checksums.
        foreach (string name in packages)
        {
            var (code, said) = ExternalTool.Run("minisign", ["-Vm", Path.Combine(downloads, name), "-p", publicKey]);
            Assert.True(code == 0, said);
            Assert.Contains($"file:{name}", said, StringComparison.Ordinal);
        }

        Assert.Contains("starttls-policy_arm64.deb: OK", Workbench.Shell(downloads, "sha256sum --strict -c SHA256SUMS"), StringComparison.Ordinal);

        // The version grows with main's commits and --version names the commit.
        string version = "1.0." + Workbench.Shell(Runner.Origin, $"git rev-list --count {bench.MainCommit}").Trim();
        Workbench.Shell(downloads, "tar xzf starttls-policy-linux-x64.tar.gz && tar xzf starttls-policy-linux-arm64.tar.gz");
        string x64 = Path.Combine(downloads, $"starttls-policy-{version}-linux-x64");
        Assert.Equal(
            ["README.consumer.md", "libsodium.so", "postfix-reload-starttls-policy", "starttls-policy", "starttls-policy.1", "starttls-policy.conf", "starttls-policy.service", "starttls-policy.timer"],
            Files(x64));
        Assert.Equal($"{version}+{bench.MainCommit}", Workbench.Shell(x64, "./starttls-policy --version").Trim());
        Assert.Equal(File.ReadAllText(TestFiles.ConsumerDoc), File.ReadAllText(Path.Combine(x64, "README.consumer.md")));
        Assert.Contains(".SH COMMANDS", File.ReadAllText(Path.Combine(x64, "starttls-policy.1")), StringComparison.Ordinal);
        Assert.DoesNotContain("???", File.ReadAllText(Path.Combine(x64, "starttls-policy.1")), StringComparison.Ordinal);

        // No placeholder reaches a mail server: the packages' config names this repository's releases.
        Assert.Contains("\nSTARTTLS_POLICY_SOURCE=https://github.com/owner/list/releases/latest/download\n", File.ReadAllText(Path.Combine(x64, "starttls-policy.conf")), StringComparison.Ordinal);

        // The cross-built binary is for arm64 (ELF e_machine 183), and so are its package and library.
        byte[] arm64 = File.ReadAllBytes(Path.Combine(downloads, $"starttls-policy-{version}-linux-arm64", "starttls-policy"));
        Assert.Equal(183, BitConverter.ToUInt16(arm64, 18));
        foreach (var (deb, arch) in new[] { ("starttls-policy_amd64.deb", "amd64"), ("starttls-policy_arm64.deb", "arm64") })
        {
            Assert.Equal($"{version}\n{arch}\nlibc6 (>= 2.34), zlib1g", Workbench.Shell(downloads, $"dpkg-deb -f {deb} Version Architecture Depends | sed 's/^[A-Za-z-]*: //'").Trim());
        }

        // tools/package/test-deb.sh checks the amd64 package; the arm64 one gets lintian here.
        var (lintian, findings) = ExternalTool.Run("lintian", ["--fail-on", "error", Path.Combine(downloads, "starttls-policy_arm64.deb")]);
        Assert.True(lintian == 0, findings);
    }

    [Fact]
    public void AfterAReleaseTheSiteIsBuiltFromMainTheAuditsAndTheLatestReleaseAndDeployedToPages()
    {
        SeedAuditHistory(daysAgo: 1);
        string release = bench.Scratch("site-release");
        using (var key = PolicyCuration.Signing.MinisignSecretKey.Load(bench.ReleaseSecretKey, null))
        {
            byte[] list = System.Text.Encoding.UTF8.GetBytes(Workbench.Shell(Runner.Origin, $"git show {bench.MainCommit}:policy/policy.json"));
            PolicyCuration.Signing.ReleaseWriter.Write(release, list, 41, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(13), key);
        }

        // The latest release on GitHub, as release.yml publishes it.
        var latest = new FakeRelease(900_001, "owner/list", "list-v41", "Policy list 41");
        int asset = 900_010;
        foreach (string file in Directory.GetFiles(release).Order(StringComparer.Ordinal))
        {
            latest.Assets.Enqueue((asset++, Path.GetFileName(file), File.ReadAllBytes(file)));
        }

        bench.Api.Releases.Enqueue(latest);
        var run = Runner.Play("site.yml", ReleaseCompleted("success", "main"));

        Assert.True(run.Conclusion == "success", run.Describe());
        Assert.Equal("success", run.Job("deploy").Result);
        string pages = Assert.IsType<string>(run.Pages);
        Assert.Contains("<dt>Serial</dt><dd>41</dd>", File.ReadAllText(Path.Combine(pages, "index.html")), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(pages, ".nojekyll")));
        Assert.Contains("https://owner.github.io/list/domain", File.ReadAllText(Path.Combine(pages, "feed.atom")), StringComparison.Ordinal);
        var domains = Directory.GetFiles(Path.Combine(pages, "api", "v2", "domains"), "*.json")
            .Where(file => Path.GetFileName(file) != "index.json")
            .SelectMany(file => JsonNode.Parse(File.ReadAllText(file))!["domains"]!.AsArray()).ToList();
        Assert.NotEmpty(domains);
        Assert.All(domains, domain => Assert.NotEqual("none", (string?)domain!["verdict"]));
        Assert.Contains(bench.Api.Requests, r => r.Method == "GET" && r.PathAndQuery.EndsWith("/repos/owner/list/releases/latest", StringComparison.Ordinal));

        // A release that failed, or one off main, leaves the site as it is.
        Assert.Equal("skipped", Runner.Play("site.yml", ReleaseCompleted("failure", "main")).Job("build").Result);
        Assert.False(Runner.Play("site.yml", ReleaseCompleted("success", "topic")).Triggered);
        Assert.Equal("skipped", Runner.Play("site.yml", ReleaseCompleted("success", "main", repository: "fork/list")).Job("build").Result);
    }

    [Fact]
    public void ReleasesRunOnlyFromMain()
    {
        var run = Runner.Play("release.yml", new WorkflowTrigger("workflow_dispatch", [], "refs/heads/topic", bench.MainCommit));

        Assert.Equal("skipped", run.Job("release").Result);
    }

    [Fact]
    public void TheAuditPlansItsShardsProbesEachMergesTheHistoryAndProposesADemotion()
    {
        SeedAuditHistory(daysAgo: 8);
        Runner.Variables["PROBE_VANTAGE"] = "eu-1";
        Runner.Variables["PROBE_RUNS_ON"] = "[\"self-hosted\", \"port25\"]";
        Runner.Variables["PROBE_EHLO_NAME"] = "probe.list.example";
        WorkflowRun run;
        try
        {
            run = Runner.Play("audit.yml", new WorkflowTrigger("schedule", new JsonObject { ["schedule"] = "41 3 * * *" }, "refs/heads/main", bench.MainCommit));
        }
        finally
        {
            Runner.Variables.Clear();
        }

        Assert.True(run.Conclusion == "success", run.Describe());
        var plan = run.Job("plan");
        var shards = JsonNode.Parse(plan.Outputs["matrix"])!["include"]!.AsArray().Select(n => (int)n!["shard"]!).ToList();
        int declared = int.Parse(Workbench.Shell(Runner.Origin, $"git show {bench.MainCommit}:.github/workflows/audit.yml").Split('\n')
            .Single(l => l.TrimStart().StartsWith("SHARDS:", StringComparison.Ordinal)).Split('\'')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Enumerable.Range(1, declared), shards);
        var legs = run.Jobs.Where(j => j.Id == "probe").ToList();
        Assert.Equal(shards.Select(s => $"audit shard {s} from eu-1"), legs.Select(j => j.Name));
        Assert.All(legs, leg => Assert.Equal("success", leg.Result));
        Assert.All(legs, leg => Assert.Equal("[\"self-hosted\",\"port25\"]", leg.RunsOn));

        // Every domain of the list was probed in exactly one shard, and today's records reached audit-history.
        var records = run.Artifacts.Where(a => a.Key.StartsWith("results-", StringComparison.Ordinal))
            .SelectMany(a => Directory.GetFiles(a.Value)).SelectMany(WrittenJson.AuditLines).Select(AuditRecord.Parse).ToList();
        Assert.Equal(["expired.probe.test", "wildcard.probe.test"], records.Select(r => r.Domain).Order(StringComparer.Ordinal));
        Assert.All(records, r => Assert.Equal(("eu-1", Probe.Vantage.VantageStatus.Healthy), (r.VantageId, r.Vantage!.Status)));
        string today = DateTimeOffset.UtcNow.ToString("yyyy/MM/dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains("expired.probe.test", Workbench.Shell(Runner.Origin, $"git show audit-history:{today}.jsonl"), StringComparison.Ordinal);

        // Two failures more than a week apart: the demotion is proposed as a pull request.
        Assert.Equal("success", run.Job("decide").Result);
        Assert.Contains(bench.Api.PullRequests, pr => pr.Body.Contains("expired.probe.test", StringComparison.Ordinal) && pr.Title.Contains("demote", StringComparison.Ordinal));
        Assert.Contains(bench.Api.FileUpdates, update => update.Path == "policy/policy.json" && update.Content.Contains("\"expired.probe.test\": {\n      \"mode\": \"testing\"", StringComparison.Ordinal));

        // Opened with the token that starts the pr workflow on them, not the workflow's own.
        Assert.Contains(bench.Api.Requests, r => r.Method == "POST" && r.PathAndQuery.EndsWith("/repos/owner/list/pulls", StringComparison.Ordinal) && r.Authorization?.Contains("audit-pr-token", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void TheAuditPlansEveryShardFromEveryConfiguredVantage()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(TestFiles.Root, ".github", "workflows", "audit.yml"))));
        var jobs = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["jobs"];
        var steps = (YamlSequenceNode)((YamlMappingNode)jobs["plan"])["steps"];
        string script = ((YamlScalarNode)((YamlMappingNode)steps.Children[0])["run"]).Value!;
        string output = Path.Combine(bench.Scratch("plan"), "github-output");
        File.WriteAllText(output, string.Empty);

        var (code, log) = Runner.Shell(script, new Dictionary<string, string>
        {
            ["SHARDS"] = "3",
            ["AUDIT_VANTAGES"] = """[{"id": "eu-1", "runs_on": ["self-hosted", "eu"], "ehlo": "eu.probe.example"}, {"id": "us-1", "runs_on": ["self-hosted", "us"]}]""",
            ["PROBE_VANTAGE"] = "github-hosted",
            ["PROBE_RUNS_ON"] = "\"ubuntu-24.04\"",
            ["PROBE_EHLO_NAME"] = string.Empty,
            ["GITHUB_OUTPUT"] = output,
        }, TimeSpan.FromSeconds(30));

        Assert.True(code == 0, log);
        var legs = JsonNode.Parse(File.ReadAllText(output).Trim()["matrix=".Length..])!["include"]!.AsArray();
        Assert.Equal(
            ["1 eu-1 [\"self-hosted\",\"eu\"] eu.probe.example", "2 eu-1 [\"self-hosted\",\"eu\"] eu.probe.example", "3 eu-1 [\"self-hosted\",\"eu\"] eu.probe.example",
             "1 us-1 [\"self-hosted\",\"us\"] ", "2 us-1 [\"self-hosted\",\"us\"] ", "3 us-1 [\"self-hosted\",\"us\"] "],
            legs.Select(l => $"{l!["shard"]} {l["vantage"]} {l["runs_on"]!.ToJsonString()} {l["ehlo"]}"));
    }

    [Fact]
    public void CiValidatesTheListAndRunsTheTestCommand()
    {
        Runner.StandIns["bash tools/test.sh"] = "this is the command running now: .ci/run runs it on a fresh clone";

        var run = Runner.Play("ci.yml", new WorkflowTrigger("push", new JsonObject { ["ref"] = "refs/heads/main" }, "refs/heads/main", bench.MainCommit));

        Assert.True(run.Conclusion == "success", run.Describe());
        Assert.Equal("success", run.Job("list").Step("policyctl validate").Outcome);
        Assert.Equal("success", run.Job("list").Step("policyctl fmt --check").Outcome);
        Assert.Contains("exec bash tools/test.sh", File.ReadAllText(Path.Combine(TestFiles.Root, ".ci", "run")), StringComparison.Ordinal);
        Assert.Equal("success", run.Job("test").Step("tools/test.sh").Outcome);
    }

    [Theory]
    [InlineData("      - uses: actions/cache@0c45773b623bea8c8e75f6c82b208c3cf94ea4f9\n        with:\n          path: x\n          key: y\n", "the action actions/cache")]
    [InlineData("      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683\n        with:\n          submodules: true\n", "actions/checkout's input submodules")]
    [InlineData("      - run: echo ${{ hashFiles('x') }}\n", "the function hashFiles")]
    [InlineData("      - run: echo hi\n        shell: pwsh\n", "the key shell")]
    public void AWorkflowTheRehearsalCannotPlayFailsNamingWhat(string step, string named)
    {
        string branch = "unplayable-" + Guid.NewGuid().ToString("N")[..8];
        string sha = bench.PushBranch(branch, ".github/workflows/unplayable.yml", $"name: unplayable\non: workflow_dispatch\njobs:\n  one:\n    runs-on: ubuntu-24.04\n    steps:\n{step}");

        var refused = Assert.Throws<NotSupportedException>(() => Runner.Play("unplayable.yml", new WorkflowTrigger("workflow_dispatch", [], $"refs/heads/{branch}", sha)));

        Assert.Contains(named, refused.Message, StringComparison.Ordinal);
    }

    /// <summary>Opens (or force-pushes) PR <paramref name="number"/>, as the API will report it.</summary>
    private string Open(int number, Func<string, string> edit, Action<string>? alsoChange = null, string message = "pull request")
    {
        string head = bench.PushPullRequest(number, edit, alsoChange, message);
        bench.Api.HeadShas[number] = head;
        bench.Api.BaseShas[number] = bench.MainCommit;
        return head;
    }

    /// <summary>The list with valid.probe.test added in its canonical place, before wildcard.probe.test.</summary>
    private static string AddValid(string list) => list.Replace(
        "    \"wildcard.probe.test\": {",
        "    \"valid.probe.test\": {\n      \"mode\": \"testing\",\n      \"mxs\": [\n        \"mx.valid.probe.test\",\n        \"mx2.valid.probe.test\"\n      ]\n    },\n    \"wildcard.probe.test\": {",
        StringComparison.Ordinal);

    /// <summary>A pr.yml that checks nothing, passes, and uploads <paramref name="claimed"/> as the PR's number.</summary>
    private static string ForgedPrWorkflow(int claimed) => $$"""
        name: pr
        on:
          pull_request:
        permissions:
          contents: read
        jobs:
          check:
            runs-on: ubuntu-24.04
            steps:
              - name: claim
                run: mkdir -p report && echo {{claimed}} > report/pr-number
              - uses: actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02 # v4.6.2
                with:
                  name: pr-report
                  path: report
              - name: verdict
                run: "true"
        """;

    private List<(string Sha, string State)> StatusesOf(string sha) =>
        [.. bench.Api.Statuses.Where(s => s.Sha == sha && s.Context == "list-check").Select(s => (s.Sha, s.State))];

    private WorkflowTrigger PullRequest(int number, string head, string[]? changed = null, string action = "synchronize") => new(
        "pull_request",
        new JsonObject
        {
            ["action"] = action,
            ["number"] = number,
            ["pull_request"] = new JsonObject
            {
                ["number"] = number,
                ["head"] = new JsonObject { ["sha"] = head, ["ref"] = "topic" },
                ["base"] = new JsonObject { ["sha"] = bench.MainCommit, ["ref"] = "main" },
            },
        },
        $"refs/pull/{number}/merge",
        head,
        changed ?? ["policy/policy.json"]);

    private WorkflowTrigger WorkflowRunCompleted(WorkflowRun run, string head) => new(
        "workflow_run",
        new JsonObject
        {
            ["workflow_run"] = new JsonObject
            {
                ["id"] = run.Id,
                ["name"] = "pr",
                ["event"] = "pull_request",
                ["head_sha"] = head,
                ["head_branch"] = "topic",
                ["head_repository"] = new JsonObject { ["full_name"] = "contributor/list" },
                ["conclusion"] = run.Conclusion,
            },
            ["repository"] = new JsonObject { ["full_name"] = "owner/list", ["default_branch"] = "main" },
        },
        "refs/heads/main",
        bench.MainCommit);

    private WorkflowTrigger ReleaseCompleted(string conclusion, string branch, string repository = "owner/list") => new(
        "workflow_run",
        new JsonObject
        {
            ["workflow_run"] = new JsonObject
            {
                ["id"] = 77,
                ["name"] = "release",
                ["event"] = "schedule",
                ["head_branch"] = branch,
                ["head_repository"] = new JsonObject { ["full_name"] = repository },
                ["head_sha"] = bench.MainCommit,
                ["conclusion"] = conclusion,
            },
        },
        "refs/heads/main",
        bench.MainCommit);

    /// <summary>Puts on origin's audit-history what audits <paramref name="daysAgo"/> days ago recorded: today's results, dated then.</summary>
    private void SeedAuditHistory(params int[] daysAgo)
    {
        string clone = bench.Scratch("audit-seed");
        Workbench.Shell(clone, $"rm -rf repo && git clone -q {Workbench.Quote(Runner.Origin)} repo && git -C repo config user.name seed && git -C repo config user.email seed@localhost");
        string repo = Path.Combine(clone, "repo"), today = Path.Combine(clone, "today.jsonl"), then = Path.Combine(clone, "then.jsonl");
        var audit = PolicyCtlRunner.Run(["audit", "--list", Path.Combine(repo, "policy", "policy.json"), "--out", today, "--vantage", "eu-1", .. ProbeFixtures.CommandLine()]);
        Assert.True(audit.ExitCode == 0, audit.Error);
        File.WriteAllLines(then, daysAgo.SelectMany(days => File.ReadAllLines(today).Select(AuditRecord.Parse).Select(r => (r with { Time = r.Time.AddDays(-days) }).ToJsonLine())));
        var merge = PolicyCtlRunner.Run("audit", "merge", then, "--history", repo);
        Assert.True(merge.ExitCode == 0, merge.Error);
        Workbench.Shell(repo, "git push -q -f origin audit-history");
    }

    private static List<string> Files(string directory) =>
        [.. Directory.GetFiles(directory, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(directory, f)).Order(StringComparer.Ordinal)];
}
