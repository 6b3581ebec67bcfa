using System.Text.RegularExpressions;
using PolicyCuration.Testing;
using YamlDotNet.RepresentationModel;

namespace PolicyCuration.Cli.Tests;

/// <summary>The GitHub workflows, parsed, against the properties that keep a PR from reaching secrets or the checker.</summary>
public sealed partial class WorkflowTests
{
    private static readonly string Directory = Path.Combine(TestFiles.Root, ".github", "workflows");

    public static TheoryData<string> Workflows { get; } =
        [.. System.IO.Directory.GetFiles(Path.Combine(TestFiles.Root, ".github", "workflows"), "*.yml").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    [Fact]
    public void TheExpectedWorkflowsExist()
    {
        var present = ((IEnumerable<object[]>)Workflows).Select(w => (string)w[0]).ToList();

        Assert.Subset(present.ToHashSet(), new HashSet<string> { "audit.yml", "ci.yml", "pr-report.yml", "pr.yml", "release.yml", "site.yml" });
    }

    [Theory]
    [MemberData(nameof(Workflows))]
    public void EveryActionIsPinnedByFullCommitSha(string workflow)
    {
        foreach (string uses in Scalars(Load(workflow)).Where(p => p.Key == "uses").Select(p => p.Value))
        {
            Assert.Matches(PinnedAction(), uses);
        }
    }

    [Theory]
    [MemberData(nameof(Workflows))]
    public void NoWorkflowRunsOnPullRequestTargetOrInterpolatesEventDataIntoShell(string workflow)
    {
        var root = Load(workflow);

        Assert.False(Triggers(root).Contains("pull_request_target"), $"{workflow} runs on pull_request_target");
        foreach (string run in Scalars(root).Where(p => p.Key == "run").Select(p => p.Value))
        {
            Assert.DoesNotMatch(EventExpression(), run);
        }
    }

    [Fact]
    public void ThePullRequestJobIsReadOnlyWithoutSecretsAndBuildsTheCheckerFromTheBase()
    {
        var root = Load("pr.yml");
        string text = File.ReadAllText(Path.Combine(Directory, "pr.yml"));

        Assert.Equal(["pull_request"], Triggers(root));
        Assert.Equal(["contents: read"], Permissions(root));
        Assert.DoesNotContain("secrets.", text);
        var checkout = Steps(root).First(s => Scalar(s, "uses")?.StartsWith("actions/checkout@", StringComparison.Ordinal) == true);
        Assert.Equal("${{ github.event.pull_request.base.sha }}", Scalar((YamlMappingNode)checkout["with"], "ref"));
        Assert.Contains(Steps(root), s => Scalar(s, "run")?.Contains("policyctl.dll check-pr", StringComparison.Ordinal) == true);
        Assert.Contains(Steps(root), s => Scalar(s, "uses")?.StartsWith("actions/upload-artifact@", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void TheReportJobRunsOnWorkflowRunAndNeverChecksOutThePullRequest()
    {
        var root = Load("pr-report.yml");

        Assert.Equal(["workflow_run"], Triggers(root));
        Assert.Contains("pull-requests: write", Permissions(root));
        foreach (var step in Steps(root).Where(s => Scalar(s, "uses")?.StartsWith("actions/checkout@", StringComparison.Ordinal) == true))
        {
            string? reference = step.Children.TryGetValue("with", out var with) ? Scalar((YamlMappingNode)with, "ref") : null;
            Assert.Null(reference);
        }

        Assert.Contains(Steps(root), s => Scalar(s, "run")?.Contains("policyctl.dll pr-report", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void CiRunsTheTestCommandOnPushesAndPullRequests()
    {
        var root = Load("ci.yml");

        Assert.Equal(["pull_request", "push"], Triggers(root).Order());
        Assert.Contains(Steps(root), s => Scalar(s, "run") == "bash tools/test.sh");
    }

    [Fact]
    public void ReleasesAreWeeklyAndSignedInAProtectedEnvironmentWhileThePackagesAreBuiltWithoutTheKey()
    {
        var root = Load("release.yml");
        var jobs = (YamlMappingNode)root["jobs"];
        var release = (YamlMappingNode)jobs["release"];
        var consumer = (YamlMappingNode)jobs["consumer"];

        Assert.Equal(["schedule", "workflow_dispatch"], Triggers(root).Order());
        Assert.Equal(["consumer", "release"], jobs.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).Order());
        Assert.Equal("release", Scalar(release, "environment"));
        Assert.Equal("consumer", Scalar(release, "needs"));
        Assert.Null(Scalar(consumer, "environment"));
        Assert.Equal("read", Scalar((YamlMappingNode)consumer["permissions"], "contents"));
        Assert.DoesNotContain(Scalars(consumer), p => p.Value.Contains("secrets.", StringComparison.Ordinal));
    }

    [Fact]
    public void TheSiteIsBuiltReadOnlyAfterReleasesAndAuditsAndOnlyTheDeployJobMayWritePages()
    {
        var root = Load("site.yml");
        var jobs = (YamlMappingNode)root["jobs"];
        var deploy = (YamlMappingNode)jobs["deploy"];
        var trigger = (YamlMappingNode)((YamlMappingNode)root["on"])["workflow_run"];

        Assert.Equal(["workflow_dispatch", "workflow_run"], Triggers(root).Order());
        Assert.Equal(["audit", "release"], ((YamlSequenceNode)trigger["workflows"]).Children.Select(n => ((YamlScalarNode)n).Value!).Order());
        Assert.Equal(["contents: read"], Permissions(root));
        Assert.False(((YamlMappingNode)jobs["build"]).Children.ContainsKey(new YamlScalarNode("permissions")));
        Assert.Equal(["pages: write", "id-token: write"], Permissions(deploy));
        Assert.Equal("github-pages", Scalar(deploy, "environment"));
        Assert.Equal("build", Scalar(deploy, "needs"));
    }

    [Fact]
    public void TheAuditRunsDailyOnShardsSetInOnePlaceThenMergesAndProposes()
    {
        var root = Load("audit.yml");
        var jobs = (YamlMappingNode)root["jobs"];
        var probe = (YamlMappingNode)jobs["probe"];

        Assert.Equal(["schedule", "workflow_dispatch"], Triggers(root).Order());
        Assert.Equal(["contents: read"], Permissions(root));
        Assert.Matches(@"^\d+$", Scalar((YamlMappingNode)root["env"], "SHARDS"));
        Assert.Equal("${{ fromJSON(needs.plan.outputs.matrix) }}", ((YamlScalarNode)((YamlMappingNode)probe["strategy"])["matrix"]).Value);
        Assert.Equal("${{ matrix.runs_on }}", Scalar(probe, "runs-on"));
        Assert.Contains(Steps(root), s => Scalar(s, "run")?.Contains("--shard \"${SHARD}/${SHARDS}\"", StringComparison.Ordinal) == true);
        Assert.Contains(Steps(root), s => Scalar(s, "run")?.Contains("audit merge results/*.jsonl --history .", StringComparison.Ordinal) == true);
        Assert.Contains(Steps(root), s => Scalar(s, "run")?.Contains("audit propose --history .", StringComparison.Ordinal) == true);
    }

    private static YamlMappingNode Load(string workflow)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Directory, workflow));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static List<string> Triggers(YamlMappingNode root) => root["on"] switch
    {
        YamlMappingNode map => [.. map.Children.Keys.Select(k => ((YamlScalarNode)k).Value!)],
        YamlSequenceNode list => [.. list.Children.Select(k => ((YamlScalarNode)k).Value!)],
        YamlScalarNode one => [one.Value!],
        _ => [],
    };

    private static List<string> Permissions(YamlMappingNode root) =>
        [.. ((YamlMappingNode)root["permissions"]).Children.Select(p => $"{((YamlScalarNode)p.Key).Value}: {((YamlScalarNode)p.Value).Value}")];

    private static IEnumerable<YamlMappingNode> Steps(YamlMappingNode root) =>
        ((YamlMappingNode)root["jobs"]).Children.Values.Cast<YamlMappingNode>().SelectMany(job => ((YamlSequenceNode)job["steps"]).Children.Cast<YamlMappingNode>());

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar ? scalar.Value : null;

    private static IEnumerable<KeyValuePair<string, string>> Scalars(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                {
                    if (value is YamlScalarNode scalar)
                    {
                        yield return new(((YamlScalarNode)key).Value!, scalar.Value ?? string.Empty);
                    }

                    foreach (var inner in Scalars(value))
                    {
                        yield return inner;
                    }
                }

                break;
            case YamlSequenceNode list:
                foreach (var inner in list.Children.SelectMany(Scalars))
                {
                    yield return inner;
                }

                break;
        }
    }

    [GeneratedRegex(@"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")]
    private static partial Regex PinnedAction();

    [GeneratedRegex(@"\$\{\{[^}]*github\.(event|head_ref)")]
    private static partial Regex EventExpression();
}
