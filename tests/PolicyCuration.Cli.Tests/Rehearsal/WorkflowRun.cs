using System.Text.Json.Nodes;

namespace PolicyCuration.Cli.Tests.Rehearsal;

/// <summary>What starts a workflow run: the event and the values GitHub derives from it.</summary>
/// <param name="EventName">The trigger: pull_request, workflow_run, schedule, workflow_dispatch, push.</param>
/// <param name="Event">The event's payload, as <c>github.event</c>.</param>
/// <param name="Ref">GITHUB_REF.</param>
/// <param name="Sha">GITHUB_SHA: the commit the run is for, and whose copy of the workflow runs.</param>
/// <param name="ChangedFiles">For a pull request, the paths it changes (for the trigger's <c>paths</c> filter).</param>
internal sealed record WorkflowTrigger(string EventName, JsonObject Event, string Ref, string Sha, IReadOnlyList<string>? ChangedFiles = null);

/// <summary>One step as it ran.</summary>
internal sealed class StepRun(string name)
{
    public string Name { get; } = name;

    /// <summary>success, failure or skipped.</summary>
    public string Outcome { get; set; } = "skipped";

    /// <summary>What the step printed, standard output and error together, as a runner's log shows it.</summary>
    public string Log { get; set; } = string.Empty;

    /// <summary>The workflow commands for annotations (<c>::error …::</c>, <c>::warning</c>, <c>::notice</c>) the step printed.</summary>
    public List<string> Annotations { get; } = [];

    public override string ToString() => $"{Name}: {Outcome}";
}

/// <summary>One job (one leg of a matrix) as it ran.</summary>
internal sealed class JobRun(string id, string name)
{
    public string Id { get; } = id;

    public string Name { get; } = name;

    /// <summary>success, failure or skipped.</summary>
    public string Result { get; set; } = "skipped";

    /// <summary>The runner labels the job asked for, as JSON (<c>"ubuntu-24.04"</c>, <c>["self-hosted","port25"]</c>).</summary>
    public string RunsOn { get; init; } = string.Empty;

    public Dictionary<string, string> Outputs { get; } = new(StringComparer.Ordinal);

    public List<StepRun> Steps { get; } = [];

    /// <summary>The job summary: what the steps appended to GITHUB_STEP_SUMMARY.</summary>
    public string Summary { get; set; } = string.Empty;

    public StepRun Step(string name) =>
        Steps.SingleOrDefault(s => s.Name == name) ?? throw new InvalidOperationException($"job {Name} has no step named \"{name}\": {string.Join(", ", Steps)}");

    /// <summary>Every step's name, outcome and log, for a failed assertion's message.</summary>
    public string Describe() =>
        $"job {Name}: {Result}\n" + string.Join('\n', Steps.Select(s => $"--- step {s.Name}: {s.Outcome}\n{Tail(s.Log)}"));

    private static string Tail(string log) => log.Length > 6000 ? "…" + log[^6000..] : log;
}

/// <summary>A workflow run: its jobs and the artifacts it uploaded.</summary>
internal sealed class WorkflowRun(long id, string workflow, bool triggered)
{
    public long Id { get; } = id;

    public string Workflow { get; } = workflow;

    /// <summary>False when the trigger's filters (event, paths, workflows) did not start the workflow at all.</summary>
    public bool Triggered { get; } = triggered;

    public List<JobRun> Jobs { get; } = [];

    /// <summary>Each artifact's name and the directory holding its files.</summary>
    public Dictionary<string, string> Artifacts { get; } = new(StringComparer.Ordinal);

    /// <summary>Where actions/deploy-pages published the site, when a job deployed one.</summary>
    public string? Pages { get; set; }

    /// <summary>success when every job that ran succeeded.</summary>
    public string Conclusion => Jobs.Any(j => j.Result == "failure") ? "failure" : "success";

    public JobRun Job(string id) =>
        Jobs.SingleOrDefault(j => j.Id == id) ?? throw new InvalidOperationException($"{Workflow} has no single job {id}: {string.Join(", ", Jobs.Select(j => j.Name))}");

    public string Describe() => $"{Workflow} run {Id}: {Conclusion}\n" + string.Join('\n', Jobs.Select(j => j.Describe()));
}

/// <summary>An organisation's runner group: the labels its runners carry and the workflows (OWNER/NAME/.github/workflows/FILE@REF) it admits.</summary>
internal sealed record RunnerGroup(string Name, IReadOnlyList<string> Labels, IReadOnlyList<string> Workflows);
