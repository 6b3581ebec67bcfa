using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace PolicyCuration.Cli.Tests.Rehearsal;

/// <summary>
/// Plays GitHub workflows as a self-hosted runner would: each job's <c>run:</c> steps in order, in bash with the
/// environment and files GitHub gives them, and the few actions the workflows use played locally. The workflow is
/// read from the commit the run is for, so a change to a workflow changes what is played. What it cannot play
/// (an unknown action, input, key or expression) fails the run's test.
/// </summary>
/// <remarks>
/// Like a self-hosted runner, it keeps one workspace from job to job: checkout fetches into it, resets it and
/// removes every untracked file, as actions/checkout does, except build output (<c>bin/</c>, <c>obj/</c>), which is
/// kept as a build cache so that each job's <c>dotnet build</c> compiles only what changed.
/// </remarks>
internal sealed partial class WorkflowRunner
{
    private static readonly HashSet<string> JobKeys = ["name", "needs", "if", "runs-on", "timeout-minutes", "strategy", "outputs", "steps", "permissions", "environment", "env", "concurrency"];
    private static readonly HashSet<string> StepKeys = ["id", "name", "if", "uses", "with", "run", "env", "timeout-minutes"];
    private readonly string root;
    private long nextRunId = 1000;

    /// <param name="root">A directory of the runner's own: its workspace, temporary files and artifacts.</param>
    /// <param name="origin">The bare repository that plays GitHub's copy of the repository.</param>
    public WorkflowRunner(string root, string origin)
    {
        this.root = root;
        Origin = origin;
        Directory.CreateDirectory(Workspace);
        Directory.CreateDirectory(Path.Combine(root, "_artifacts"));
        File.WriteAllText(EmptyGitConfig, string.Empty);
    }

    /// <summary>The bare repository that stands for GitHub's.</summary>
    public string Origin { get; }

    /// <summary>The repository's name, OWNER/NAME.</summary>
    public string Repository { get; init; } = "owner/list";

    /// <summary>The GitHub API the runner's steps are given (GITHUB_API_URL).</summary>
    public required string ApiUrl { get; init; }

    /// <summary>The token <c>github.token</c> stands for.</summary>
    public string Token { get; init; } = "rehearsal-token";

    /// <summary>Repository secrets.</summary>
    public Dictionary<string, string> Secrets { get; } = new(StringComparer.Ordinal);

    /// <summary>Secrets of deployment environments, by environment: a job sees them only when it names its environment.</summary>
    public Dictionary<string, Dictionary<string, string>> EnvironmentSecrets { get; } = new(StringComparer.Ordinal);

    /// <summary>Scripts not run, by their text, each with why; their steps succeed and their log says so.</summary>
    public Dictionary<string, string> StandIns { get; } = new(StringComparer.Ordinal);

    /// <summary>Repository variables, as <c>vars</c>; an unset one is the empty string, as on GitHub.</summary>
    public Dictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The organisation's runner groups. When any is set, a job that asks for self-hosted runners (by label or by group)
    /// runs only where a group holds runners with its labels and admits the workflow at the ref it runs from, as GitHub's
    /// "selected workflows" policy does; otherwise it waits for a runner, which GitHub shows as queued.
    /// </summary>
    public List<RunnerGroup> RunnerGroups { get; } = [];

    /// <summary>The runner machine's own environment variables, set for every step (a vantage's resolver, say).</summary>
    public Dictionary<string, string> MachineEnvironment { get; } = new(StringComparer.Ordinal);

    /// <summary>The job's working directory, as GitHub lays it out: _work/NAME/NAME.</summary>
    public string Workspace => Path.Combine(root, "_work", Repository.Split('/')[1], Repository.Split('/')[1]);

    private string Temp => Path.Combine(root, "_work", "_temp");

    private string EmptyGitConfig => Path.Combine(root, "gitconfig");

    private string OriginUrl => "file://" + Origin;

    /// <summary>Plays <paramref name="workflow"/> (a file name under .github/workflows) as the commit <paramref name="trigger"/> names holds it.</summary>
    public WorkflowRun Play(string workflow, WorkflowTrigger trigger)
    {
        var document = LoadWorkflow(workflow, trigger.Sha);
        string name = Scalar(document, "name") ?? workflow;
        var run = new WorkflowRun(Interlocked.Increment(ref nextRunId), workflow, IsTriggered(document, trigger));
        if (!run.Triggered)
        {
            return run;
        }

        var github = GitHubContext(name, trigger, run.Id);
        var workflowEnv = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in Mapping(document, "env"))
        {
            workflowEnv[key] = Interpolate(value, Contexts(github, workflowEnv, null, null, null, null), _ => true);
        }

        var jobs = (YamlMappingNode)document["jobs"];
        var results = new Dictionary<string, List<JobRun>>(StringComparer.Ordinal);
        foreach (var (id, job) in Ordered(jobs))
        {
            foreach (var key in job.Children.Keys.Select(k => ((YamlScalarNode)k).Value!))
            {
                if (!JobKeys.Contains(key))
                {
                    throw new NotSupportedException($"{workflow}: job {id}: the rehearsal cannot play the key {key}");
                }
            }

            var needs = Needs(job);
            var needsContext = new JsonObject();
            foreach (string need in needs)
            {
                var legs = results[need];
                var outputs = new JsonObject();
                foreach (var (k, v) in legs.SelectMany(l => l.Outputs))
                {
                    outputs[k] = v;
                }

                needsContext[need] = new JsonObject { ["result"] = Combined(legs), ["outputs"] = outputs };
            }

            bool NeedsStatus(string function) => function switch
            {
                "always" => true,
                "failure" => needs.Any(n => Combined(results[n]) == "failure"),
                "cancelled" => false,
                _ => needs.All(n => Combined(results[n]) == "success"),
            };

            var legsRun = new List<JobRun>();
            results[id] = legsRun;
            var jobContexts = Contexts(github, workflowEnv, needsContext, null, null, null);
            if (!Condition(Scalar(job, "if"), jobContexts, NeedsStatus))
            {
                legsRun.Add(new JobRun(id, Scalar(job, "name") ?? id));
                run.Jobs.Add(legsRun[^1]);
                continue;
            }

            foreach (var matrix in Matrix(job, jobContexts))
            {
                var leg = RunJob(workflow, id, job, github, workflowEnv, needsContext, matrix, run);
                legsRun.Add(leg);
                run.Jobs.Add(leg);
            }
        }

        return run;
    }

    /// <summary>Runs git in <paramref name="directory"/> with the runner's environment; throws with its output when it fails.</summary>
    public string Git(string directory, params string[] args)
    {
        var (code, output) = Execute("git", args, directory, BaseEnvironment(), TimeSpan.FromMinutes(5));
        return code == 0 ? output : throw new InvalidOperationException($"git {string.Join(' ', args)} failed ({code}): {output}");
    }

    /// <summary>A full clone of origin at <paramref name="reference"/> in the workspace, as a newcomer's clone would be; returns the workspace.</summary>
    public string CheckOut(string reference)
    {
        Checkout(reference, depth: 0, persistCredentials: true, new StringBuilder());
        return Workspace;
    }

    /// <summary>Runs <paramref name="command"/> with bash in the workspace, with the runner machine's environment and <paramref name="variables"/>.</summary>
    public (int Code, string Output) Shell(string command, IReadOnlyDictionary<string, string> variables, TimeSpan timeout)
    {
        var env = BaseEnvironment();
        foreach (var (k, v) in variables)
        {
            env[k] = v;
        }

        return Execute("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", command], Workspace, env, timeout);
    }

    private int TryGit(string directory, params string[] args) => Execute("git", args, directory, BaseEnvironment(), TimeSpan.FromMinutes(5)).Code;

    private JobRun RunJob(string workflow, string id, YamlMappingNode job, JsonObject github, Dictionary<string, string> workflowEnv, JsonObject needs, JsonObject? matrix, WorkflowRun run)
    {
        var context0 = Contexts(github, workflowEnv, needs, matrix, null, null);
        var result = new JobRun(id, Interpolate(Scalar(job, "name") ?? id, context0, _ => true)) { Result = "success", RunsOn = RunsOn(job, context0) };
        if (!RunnerAvailable(result.RunsOn, $"{Repository}/.github/workflows/{workflow}@{(string)github["ref"]!}"))
        {
            result.Result = "queued";
            return result;
        }

        string? environment = Scalar(job, "environment");
        var secrets = new JsonObject();
        foreach (var (k, v) in Secrets.Concat(environment is not null && EnvironmentSecrets.TryGetValue(environment, out var own) ? own : []))
        {
            secrets[k] = v;
        }

        var jobEnv = new Dictionary<string, string>(workflowEnv, StringComparer.Ordinal);
        foreach (var (key, value) in Mapping(job, "env"))
        {
            jobEnv[key] = Interpolate(value, Contexts(github, jobEnv, needs, matrix, null, secrets), _ => true);
        }

        var timeout = TimeSpan.FromMinutes(double.Parse(Scalar(job, "timeout-minutes") ?? "360", CultureInfo.InvariantCulture));
        var steps = new JsonObject();
        var addedEnv = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Directory.Exists(Temp))
        {
            Directory.Delete(Temp, recursive: true);
        }

        Directory.CreateDirectory(Temp);
        var summary = new StringBuilder();
        int index = 0;
        foreach (var step in ((YamlSequenceNode)job["steps"]).Children.Cast<YamlMappingNode>())
        {
            index++;
            foreach (var key in step.Children.Keys.Select(k => ((YamlScalarNode)k).Value!))
            {
                if (!StepKeys.Contains(key))
                {
                    throw new NotSupportedException($"{workflow}: job {id}, step {index}: the rehearsal cannot play the key {key}");
                }
            }

            var stepEnv = new Dictionary<string, string>(jobEnv, StringComparer.Ordinal);
            foreach (var (k, v) in addedEnv)
            {
                stepEnv[k] = v;
            }

            var contexts = Contexts(github, stepEnv, needs, matrix, steps, secrets);
            foreach (var (key, value) in Mapping(step, "env"))
            {
                stepEnv[key] = Interpolate(value, contexts, _ => true);
            }

            contexts = Contexts(github, stepEnv, needs, matrix, steps, secrets);
            string? uses = Scalar(step, "uses");
            string? script = Scalar(step, "run");
            string stepName = Scalar(step, "name") is { } named ? Interpolate(named, contexts, _ => true) : uses is not null ? $"Run {uses.Split('@')[0]}" : $"Run {script?.Split('\n')[0]}";
            var stepRun = new StepRun(stepName);
            result.Steps.Add(stepRun);
            bool anyFailed = result.Steps.Any(s => s.Outcome == "failure");
            bool StepStatus(string function) => function switch
            {
                "always" => true,
                "failure" => anyFailed,
                "cancelled" => false,
                _ => !anyFailed,
            };

            if (Condition(Scalar(step, "if"), contexts, StepStatus))
            {
                var stepTimeout = Scalar(step, "timeout-minutes") is { } minutes ? TimeSpan.FromMinutes(double.Parse(minutes, CultureInfo.InvariantCulture)) : timeout;
                var with = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var (k, v) in Mapping(step, "with"))
                {
                    with[k] = Interpolate(v, contexts, _ => true);
                }

                var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
                if (uses is not null)
                {
                    RunAction(uses, with, github, run, stepRun);
                }
                else if (script is not null && StandIns.TryGetValue(script.Trim(), out string? why))
                {
                    stepRun.Outcome = "success";
                    stepRun.Log = $"[not run by the rehearsal: {why}]";
                }
                else if (script is not null)
                {
                    // GitHub puts each expression's value into the script's text before bash sees it.
                    RunScript(Interpolate(script, contexts, StepStatus), stepEnv, github, id, stepTimeout, stepRun, outputs, addedEnv, summary);
                }
                else
                {
                    throw new NotSupportedException($"{workflow}: job {id}, step {index} has neither run nor uses");
                }

                if (Scalar(step, "id") is { } stepId)
                {
                    var outputsNode = new JsonObject();
                    foreach (var (k, v) in outputs)
                    {
                        outputsNode[k] = v;
                    }

                    steps[stepId] = new JsonObject { ["outputs"] = outputsNode, ["outcome"] = stepRun.Outcome, ["conclusion"] = stepRun.Outcome };
                }
            }
        }

        if (result.Steps.Any(s => s.Outcome == "failure"))
        {
            result.Result = "failure";
        }

        var finalContexts = Contexts(github, jobEnv, needs, matrix, steps, secrets);
        foreach (var (key, value) in Mapping(job, "outputs"))
        {
            result.Outputs[key] = Interpolate(value, finalContexts, _ => true);
        }

        result.Summary = summary.ToString();
        return result;
    }

    private void RunScript(
        string script, Dictionary<string, string> stepEnv, JsonObject github, string jobId, TimeSpan timeout, StepRun step,
        Dictionary<string, string> outputs, Dictionary<string, string> addedEnv, StringBuilder summary)
    {
        string stem = Path.Combine(Temp, Guid.NewGuid().ToString("N"));
        string scriptFile = stem + ".sh", outputFile = stem + ".output", envFile = stem + ".env", summaryFile = stem + ".summary", eventFile = Path.Combine(Temp, "event.json");
        File.WriteAllText(scriptFile, script);
        File.WriteAllText(outputFile, string.Empty);
        File.WriteAllText(envFile, string.Empty);
        File.WriteAllText(summaryFile, string.Empty);
        File.WriteAllText(eventFile, github["event"]!.ToJsonString());
        var env = BaseEnvironment();
        foreach (var (k, v) in RunnerVariables(github, jobId))
        {
            env[k] = v;
        }

        env["GITHUB_OUTPUT"] = outputFile;
        env["GITHUB_ENV"] = envFile;
        env["GITHUB_STEP_SUMMARY"] = summaryFile;
        env["GITHUB_EVENT_PATH"] = eventFile;
        foreach (var (k, v) in stepEnv)
        {
            env[k] = v;
        }

        // GitHub's default shell for run steps on Linux.
        var (code, log) = Execute("bash", ["--noprofile", "--norc", "-eo", "pipefail", scriptFile], Workspace, env, timeout);
        step.Log = log;
        step.Outcome = code == 0 ? "success" : "failure";
        step.Annotations.AddRange(log.Split('\n').Where(line => AnnotationCommand().IsMatch(line)));
        foreach (var (k, v) in ReadCommandFile(outputFile))
        {
            outputs[k] = v;
        }

        foreach (var (k, v) in ReadCommandFile(envFile))
        {
            addedEnv[k] = v;
        }

        summary.Append(File.ReadAllText(summaryFile));
    }

    private void RunAction(string uses, Dictionary<string, string> with, JsonObject github, WorkflowRun run, StepRun step)
    {
        string action = uses.Split('@')[0];
        var inputs = new Dictionary<string, string>(with, StringComparer.Ordinal);
        string Take(string name, string fallback)
        {
            bool found = inputs.Remove(name, out string? value);
            return found && value!.Length > 0 ? value : fallback;
        }

        var log = new StringBuilder();
        switch (action)
        {
            case "actions/checkout":
                Checkout(Take("ref", (string)github["sha"]!), int.Parse(Take("fetch-depth", "1"), CultureInfo.InvariantCulture), Take("persist-credentials", "true") == "true", log);
                break;
            case "actions/setup-dotnet":
                // The machine's SDK stands for the one the action would install; it must be the version asked for.
                string wanted = Take("dotnet-version", string.Empty);
                string have = Execute("dotnet", ["--version"], Workspace, BaseEnvironment(), TimeSpan.FromMinutes(1)).Output.Trim();
                if (!Regex.IsMatch(have, "^" + Regex.Escape(wanted).Replace("x", @"\d+", StringComparison.Ordinal) + "$"))
                {
                    log.Append($"dotnet {have} does not satisfy dotnet-version {wanted}");
                    step.Outcome = "failure";
                }

                break;
            case "actions/upload-artifact":
                Upload(run, Take("name", "artifact"), Take("path", string.Empty), Take("if-no-files-found", "warn"), log);
                inputs.Remove("retention-days");
                break;
            case "actions/download-artifact":
                string from = Take("run-id", run.Id.ToString(CultureInfo.InvariantCulture));
                inputs.Remove("github-token");
                Download(from, inputs.Remove("name", out string? name) ? name : null, Take("pattern", string.Empty), Take("merge-multiple", "false") == "true", Take("path", "."), log);
                break;
            case "actions/upload-pages-artifact":
                // As the composite action does: the directory as one tar (links followed, .git left out), uploaded as an artifact.
                string tar = Path.Combine(Temp, "artifact.tar");
                var (archived, said) = Execute("tar", ["--dereference", "--hard-dereference", "--directory", Path.GetFullPath(Take("path", "_site/"), Workspace), "-cf", tar, "--exclude=.git", "--exclude=.github", "."], Workspace, BaseEnvironment(), TimeSpan.FromMinutes(5));
                if (archived != 0)
                {
                    log.Append(said);
                    step.Outcome = "failure";
                    break;
                }

                Upload(run, Take("name", "github-pages"), tar, "error", log);
                inputs.Remove("retention-days");
                break;
            case "actions/deploy-pages":
                // The deployment: the Pages artifact of this run, unpacked where GitHub would serve it.
                string pages = Path.Combine(root, "_pages", run.Id.ToString(CultureInfo.InvariantCulture));
                Directory.CreateDirectory(pages);
                string artifact = Path.Combine(root, "_artifacts", run.Id.ToString(CultureInfo.InvariantCulture), Take("artifact_name", "github-pages"), "artifact.tar");
                var (unpacked, output) = Execute("tar", ["-xf", artifact, "-C", pages], Workspace, BaseEnvironment(), TimeSpan.FromMinutes(5));
                log.Append(output);
                step.Outcome = unpacked == 0 ? "success" : "failure";
                run.Pages = unpacked == 0 ? pages : null;
                break;
            default:
                throw new NotSupportedException($"the rehearsal cannot play the action {uses}");
        }

        if (inputs.Count > 0)
        {
            throw new NotSupportedException($"the rehearsal cannot play {action}'s input {string.Join(", ", inputs.Keys)}");
        }

        step.Log = log.ToString();
        if (step.Outcome == "skipped")
        {
            step.Outcome = "success";
        }
    }

    /// <summary>actions/checkout into the kept workspace: fetch, check out, clean, as the action does on a runner that has the repository already.</summary>
    private void Checkout(string reference, int depth, bool persistCredentials, StringBuilder log)
    {
        if (!Directory.Exists(Path.Combine(Workspace, ".git")))
        {
            Git(Workspace, "init", "-q");
            Git(Workspace, "remote", "add", "origin", OriginUrl);
        }
        else
        {
            Git(Workspace, "checkout", "-q", "--detach");
            foreach (string line in Git(Workspace, "for-each-ref", "--format=%(refname)", "refs/heads", "refs/remotes", "refs/tags").Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                Git(Workspace, "update-ref", "-d", line);
            }

            // A fresh runner has no identity: a workflow that commits must set its own.
            TryGit(Workspace, "config", "--unset-all", "user.name");
            TryGit(Workspace, "config", "--unset-all", "user.email");
        }

        var fetch = new List<string> { "fetch", "--no-recurse-submodules", "--prune", "origin" };
        bool shallow = File.Exists(Path.Combine(Workspace, ".git", "shallow"));
        if (depth == 0)
        {
            fetch.InsertRange(1, shallow ? ["--unshallow", "--tags"] : ["--tags"]);
            fetch.AddRange(["+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"]);
        }
        else
        {
            fetch.InsertRange(1, ["--no-tags", $"--depth={depth}"]);
        }

        bool isSha = ShaPattern().IsMatch(reference);
        string branch = reference.StartsWith("refs/heads/", StringComparison.Ordinal) ? reference["refs/heads/".Length..] : reference;
        if (depth != 0)
        {
            fetch.Add(isSha ? reference : reference.StartsWith("refs/", StringComparison.Ordinal) && !reference.StartsWith("refs/heads/", StringComparison.Ordinal)
                ? $"+{reference}:{reference}" : $"+refs/heads/{branch}:refs/remotes/origin/{branch}");
        }

        log.AppendLine(Git(Workspace, [.. fetch]));
        if (isSha || (reference.StartsWith("refs/", StringComparison.Ordinal) && !reference.StartsWith("refs/heads/", StringComparison.Ordinal)))
        {
            log.AppendLine(Git(Workspace, "checkout", "-q", "--force", reference));
        }
        else
        {
            log.AppendLine(Git(Workspace, "checkout", "-q", "--force", "-B", branch, $"refs/remotes/origin/{branch}"));
        }

        log.AppendLine(Git(Workspace, "clean", "-ffdx", "-e", "bin/", "-e", "obj/"));
        Git(Workspace, "remote", "set-url", "origin", OriginUrl);
        if (persistCredentials)
        {
            TryGit(Workspace, "config", "--unset-all", "remote.origin.pushurl");
        }
        else
        {
            // Without the persisted token a push has no credentials: it must fail, as on GitHub.
            Git(Workspace, "config", "remote.origin.pushurl", "file:///nonexistent/persist-credentials-is-false");
        }
    }

    private void Upload(WorkflowRun run, string name, string paths, string ifNoFiles, StringBuilder log)
    {
        if (run.Artifacts.ContainsKey(name))
        {
            throw new InvalidOperationException($"an artifact named {name} was already uploaded in this run");
        }

        string target = Path.Combine(root, "_artifacts", run.Id.ToString(CultureInfo.InvariantCulture), name);
        Directory.CreateDirectory(target);
        int files = 0;
        foreach (string pattern in paths.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string full = Path.GetFullPath(pattern, Workspace);
            if (Directory.Exists(full))
            {
                files += CopyTree(full, target);
                continue;
            }

            if (pattern.Contains("**", StringComparison.Ordinal) || Path.GetDirectoryName(pattern)!.Contains('*', StringComparison.Ordinal))
            {
                throw new NotSupportedException($"the rehearsal cannot play the artifact path {pattern}");
            }

            string directory = Path.GetDirectoryName(full)!;
            foreach (string file in Directory.Exists(directory) ? Directory.GetFiles(directory, Path.GetFileName(full)) : [])
            {
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
                files++;
            }
        }

        if (files == 0 && ifNoFiles == "error")
        {
            throw new InvalidOperationException($"no files for artifact {name} at {paths}");
        }

        log.AppendLine($"uploaded {files} files as {name}");
        if (files > 0)
        {
            run.Artifacts[name] = target;
        }
    }

    private void Download(string runId, string? name, string pattern, bool merge, string path, StringBuilder log)
    {
        string runDirectory = Path.Combine(root, "_artifacts", runId);
        var names = Directory.Exists(runDirectory) ? Directory.GetDirectories(runDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList() : [];
        string target = Path.GetFullPath(path, Workspace);
        if (name is not null)
        {
            if (!names.Contains(name))
            {
                throw new InvalidOperationException($"run {runId} has no artifact {name}");
            }

            log.AppendLine($"{CopyTree(Path.Combine(runDirectory, name), target)} files from {name}");
            return;
        }

        var matching = names.Where(n => Regex.IsMatch(n!, "^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal) + "$")).ToList();
        foreach (string? artifact in matching)
        {
            log.AppendLine($"{CopyTree(Path.Combine(runDirectory, artifact!), merge ? target : Path.Combine(target, artifact!))} files from {artifact}");
        }
    }

    private static int CopyTree(string from, string to)
    {
        int count = 0;
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            string destination = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination, overwrite: true);
            count++;
        }

        return count;
    }

    private YamlMappingNode LoadWorkflow(string workflow, string sha)
    {
        string text = Git(Origin, "show", $"{sha}:.github/workflows/{workflow}");
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static bool IsTriggered(YamlMappingNode document, WorkflowTrigger trigger)
    {
        var on = document.Children.First(p => ((YamlScalarNode)p.Key).Value is "on" or "true").Value;
        switch (on)
        {
            case YamlScalarNode one:
                return one.Value == trigger.EventName;
            case YamlSequenceNode list:
                return list.Children.Any(n => ((YamlScalarNode)n).Value == trigger.EventName);
        }

        var events = (YamlMappingNode)on;
        if (!events.Children.TryGetValue(new YamlScalarNode(trigger.EventName), out var filters))
        {
            return false;
        }

        if (filters is not YamlMappingNode filter)
        {
            return true;
        }

        // A pull_request run starts for the activity types listed (GitHub's default: opened, synchronize, reopened).
        if (trigger.EventName == "pull_request")
        {
            string action = (string?)trigger.Event["action"] ?? "synchronize";
            var types = filter.Children.TryGetValue(new YamlScalarNode("types"), out var listed)
                ? ((YamlSequenceNode)listed).Children.Select(t => ((YamlScalarNode)t).Value!).ToList()
                : ["opened", "synchronize", "reopened"];
            if (!types.Contains(action))
            {
                return false;
            }
        }

        if (filter.Children.TryGetValue(new YamlScalarNode("paths"), out var paths) && trigger.ChangedFiles is { } changed)
        {
            var globs = ((YamlSequenceNode)paths).Children.Select(p => Glob(((YamlScalarNode)p).Value!)).ToList();
            if (!changed.Any(file => globs.Any(g => g.IsMatch(file))))
            {
                return false;
            }
        }

        if (filter.Children.TryGetValue(new YamlScalarNode("workflows"), out var workflows))
        {
            string? from = (string?)trigger.Event["workflow_run"]?["name"];
            if (!((YamlSequenceNode)workflows).Children.Any(w => ((YamlScalarNode)w).Value == from))
            {
                return false;
            }

            // A workflow_run's branches filter names the branch the finished run ran on.
            string? branch = (string?)trigger.Event["workflow_run"]?["head_branch"];
            if (filter.Children.TryGetValue(new YamlScalarNode("branches"), out var branches)
                && !((YamlSequenceNode)branches).Children.Any(b => ((YamlScalarNode)b).Value == branch))
            {
                return false;
            }
        }

        return true;
    }

    private static Regex Glob(string pattern) =>
        new("^" + Regex.Escape(pattern).Replace(@"\*\*", "\u0001", StringComparison.Ordinal).Replace(@"\*", "[^/]*", StringComparison.Ordinal).Replace("\u0001", ".*", StringComparison.Ordinal) + "$");

    private JsonObject GitHubContext(string workflowName, WorkflowTrigger trigger, long runId) => new()
    {
        ["event_name"] = trigger.EventName,
        ["event"] = trigger.Event.DeepClone(),
        ["ref"] = trigger.Ref,
        ["sha"] = trigger.Sha,
        ["repository"] = Repository,
        ["repository_owner"] = Repository.Split('/')[0],
        ["server_url"] = "https://github.com",
        ["api_url"] = ApiUrl,
        ["token"] = Token,
        ["run_id"] = runId.ToString(CultureInfo.InvariantCulture),
        ["workflow"] = workflowName,
        ["workspace"] = Workspace,
    };

    private Dictionary<string, string> RunnerVariables(JsonObject github, string jobId) => new(StringComparer.Ordinal)
    {
        ["CI"] = "true",
        ["GITHUB_ACTIONS"] = "true",
        ["GITHUB_REPOSITORY"] = Repository,
        ["GITHUB_REPOSITORY_OWNER"] = Repository.Split('/')[0],
        ["GITHUB_SERVER_URL"] = (string)github["server_url"]!,
        ["GITHUB_API_URL"] = ApiUrl,
        ["GITHUB_SHA"] = (string)github["sha"]!,
        ["GITHUB_REF"] = (string)github["ref"]!,
        ["GITHUB_EVENT_NAME"] = (string)github["event_name"]!,
        ["GITHUB_RUN_ID"] = (string)github["run_id"]!,
        ["GITHUB_WORKFLOW"] = (string)github["workflow"]!,
        ["GITHUB_JOB"] = jobId,
        ["GITHUB_WORKSPACE"] = Workspace,
        ["RUNNER_TEMP"] = Temp,
        ["RUNNER_OS"] = "Linux",
    };

    /// <summary>What every process of the runner starts with: the machine's essentials, no global git identity, and the machine's own settings.</summary>
    private Dictionary<string, string> BaseEnvironment()
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin",
            ["HOME"] = Environment.GetEnvironmentVariable("HOME") ?? "/root",
            ["LANG"] = "C.UTF-8",
            ["GIT_CONFIG_GLOBAL"] = EmptyGitConfig,
            ["GIT_CONFIG_NOSYSTEM"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
        };
        foreach (string name in new[] { "DOTNET_ROOT", "NUGET_PACKAGES", "NUGET_CERT_REVOCATION_MODE" })
        {
            if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } value)
            {
                env[name] = value;
            }
        }

        foreach (var (k, v) in MachineEnvironment)
        {
            env[k] = v;
        }

        return env;
    }

    /// <summary>Runs a program with exactly <paramref name="env"/>, its output and error into one log file (so that a build server it leaves behind cannot hold a pipe open).</summary>
    private (int Code, string Output) Execute(string program, IEnumerable<string> args, string directory, Dictionary<string, string> env, TimeSpan timeout)
    {
        Directory.CreateDirectory(Temp);
        string log = Path.Combine(Temp, Guid.NewGuid().ToString("N") + ".log");
        var start = new ProcessStartInfo("bash") { WorkingDirectory = directory, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("log=$1; shift; exec \"$@\" >\"$log\" 2>&1 </dev/null");
        start.ArgumentList.Add("runner");
        start.ArgumentList.Add(log);
        start.ArgumentList.Add(program);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Clear();
        foreach (var (k, v) in env)
        {
            start.Environment[k] = v;
        }

        using var process = Process.Start(start)!;
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return (-1, (File.Exists(log) ? File.ReadAllText(log) : string.Empty) + $"\n[the rehearsal stopped {program} after {timeout}]");
        }

        return (process.ExitCode, File.Exists(log) ? File.ReadAllText(log) : string.Empty);
    }

    private static IEnumerable<KeyValuePair<string, string>> ReadCommandFile(string path)
    {
        var lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            int heredoc = line.IndexOf("<<", StringComparison.Ordinal);
            int equals = line.IndexOf('=', StringComparison.Ordinal);
            if (heredoc > 0 && (equals < 0 || heredoc < equals))
            {
                string delimiter = line[(heredoc + 2)..];
                var value = new List<string>();
                while (++i < lines.Length && lines[i] != delimiter)
                {
                    value.Add(lines[i]);
                }

                yield return new(line[..heredoc], string.Join('\n', value));
            }
            else if (equals > 0)
            {
                yield return new(line[..equals], line[(equals + 1)..]);
            }
        }
    }

    private Func<string, JsonNode?> Contexts(JsonObject github, Dictionary<string, string> env, JsonObject? needs, JsonObject? matrix, JsonObject? steps, JsonObject? secrets) => name =>
    {
        switch (name)
        {
            case "github":
                return github;
            case "env":
                var envNode = new JsonObject();
                foreach (var (k, v) in env)
                {
                    envNode[k] = v;
                }

                return envNode;
            case "needs":
                return needs;
            case "matrix":
                return matrix;
            case "steps":
                return steps;
            case "secrets":
                return secrets;
            case "runner":
                return new JsonObject { ["os"] = "Linux" };
            case "vars":
                var vars = new JsonObject();
                foreach (var (k, v) in Variables)
                {
                    vars[k] = v;
                }

                return vars;
            default:
                throw new NotSupportedException($"the rehearsal cannot play the context {name}");
        }
    };

    private static bool Condition(string? condition, Func<string, JsonNode?> contexts, Func<string, bool> status)
    {
        if (condition is null)
        {
            return status("success");
        }

        string expression = condition.Trim();
        if (expression.StartsWith("${{", StringComparison.Ordinal) && expression.EndsWith("}}", StringComparison.Ordinal))
        {
            expression = expression[3..^2];
        }

        bool value = WorkflowExpression.IsTruthy(WorkflowExpression.Evaluate(expression, contexts, status));
        return StatusFunction().IsMatch(expression) ? value : value && status("success");
    }

    private static string Interpolate(string value, Func<string, JsonNode?> contexts, Func<string, bool> status) =>
        WorkflowExpression.AsString(WorkflowExpression.Interpolate(value, contexts, status));

    private IEnumerable<JsonObject?> Matrix(YamlMappingNode job, Func<string, JsonNode?> contexts)
    {
        if (!job.Children.TryGetValue(new YamlScalarNode("strategy"), out var strategy)
            || !((YamlMappingNode)strategy).Children.TryGetValue(new YamlScalarNode("matrix"), out var matrixNode))
        {
            return [null];
        }

        if (matrixNode is YamlScalarNode whole)
        {
            // A matrix made by an earlier job: only a list of legs (include) is played.
            return WorkflowExpression.Interpolate(whole.Value!, contexts, _ => true) is JsonObject { Count: 1 } made && made["include"] is JsonArray include
                ? [.. include.Select(leg => leg as JsonObject ?? throw new NotSupportedException("a matrix leg that is not an object"))]
                : throw new NotSupportedException($"the rehearsal plays a computed matrix only as {{\"include\": [...]}}: {whole.Value}");
        }

        IEnumerable<JsonObject> legs = [new JsonObject()];
        foreach (var (keyNode, valueNode) in ((YamlMappingNode)matrixNode).Children)
        {
            string key = ((YamlScalarNode)keyNode).Value!;
            if (key is "include" or "exclude")
            {
                throw new NotSupportedException($"the rehearsal cannot play matrix {key}");
            }

            var values = valueNode switch
            {
                YamlSequenceNode list => list.Children.Select(n => (JsonNode?)JsonValue.Create(((YamlScalarNode)n).Value)).ToList(),
                YamlScalarNode expression => WorkflowExpression.Interpolate(expression.Value!, contexts, _ => true) as JsonArray is { } array
                    ? [.. array.Select(n => n?.DeepClone())]
                    : throw new NotSupportedException($"matrix {key} is not a list"),
                _ => throw new NotSupportedException($"matrix {key} is not a list"),
            };
            legs = [.. legs.SelectMany(leg => values.Select(v =>
            {
                var next = (JsonObject)leg.DeepClone();
                next[key] = v?.DeepClone();
                return next;
            }))];
        }

        return legs;
    }

    private static List<string> Needs(YamlMappingNode job) =>
        !job.Children.TryGetValue(new YamlScalarNode("needs"), out var needs) ? []
        : needs is YamlScalarNode one ? [one.Value!]
        : [.. ((YamlSequenceNode)needs).Children.Select(n => ((YamlScalarNode)n).Value!)];

    private static string Combined(List<JobRun> legs) =>
        legs.Any(l => l.Result == "failure") ? "failure" : legs.All(l => l.Result == "skipped") ? "skipped" : "success";

    /// <summary>The jobs in an order that runs each after those it needs.</summary>
    private static List<(string Id, YamlMappingNode Job)> Ordered(YamlMappingNode jobs)
    {
        var all = jobs.Children.Select(p => (Id: ((YamlScalarNode)p.Key).Value!, Job: (YamlMappingNode)p.Value)).ToList();
        var done = new HashSet<string>(StringComparer.Ordinal);
        var ordered = new List<(string, YamlMappingNode)>();
        while (ordered.Count < all.Count)
        {
            var ready = all.FirstOrDefault(j => !done.Contains(j.Id) && Needs(j.Job).All(done.Contains));
            if (ready.Id is null)
            {
                throw new NotSupportedException("the jobs' needs form a cycle or name a missing job");
            }

            ordered.Add(ready);
            done.Add(ready.Id);
        }

        return ordered;
    }

    /// <summary>Whether some runner takes a job that asks for <paramref name="runsOn"/> from the workflow at <paramref name="workflowRef"/> (OWNER/NAME/.github/workflows/FILE@REF).</summary>
    private bool RunnerAvailable(string runsOn, string workflowRef)
    {
        var asked = JsonNode.Parse(runsOn);
        string? group = asked is JsonObject withGroup ? (string?)withGroup["group"] : null;
        var labels = (asked is JsonObject o ? o["labels"] : asked) switch
        {
            JsonArray list => list.Select(l => (string)l!).ToList(),
            JsonValue one => [(string)one!],
            _ => [],
        };
        if (RunnerGroups.Count == 0 || (group is null && !labels.Contains("self-hosted")))
        {
            return true;
        }

        return RunnerGroups.Any(g => (group is null || g.Name == group) && labels.All(g.Labels.Contains) && g.Workflows.Contains(workflowRef));
    }

    /// <summary>The labels the job asks a runner for, as JSON: a string, a list, or a group with labels.</summary>
    private static string RunsOn(YamlMappingNode job, Func<string, JsonNode?> contexts) =>
        job.Children.TryGetValue(new YamlScalarNode("runs-on"), out var node) switch
        {
            false => throw new NotSupportedException("a job without runs-on"),
            true when node is YamlSequenceNode labels => new JsonArray([.. labels.Children.Select(l => (JsonNode?)JsonValue.Create(((YamlScalarNode)l).Value))]).ToJsonString(),
            true when node is YamlMappingNode grouped => new JsonObject(grouped.Children.Select(p => KeyValuePair.Create(
                ((YamlScalarNode)p.Key).Value!,
                p.Value is YamlSequenceNode list ? (JsonNode?)new JsonArray([.. list.Children.Select(l => (JsonNode?)JsonValue.Create(((YamlScalarNode)l).Value))]) : JsonValue.Create(((YamlScalarNode)p.Value).Value)))).ToJsonString(),
            true => WorkflowExpression.Interpolate(((YamlScalarNode)node).Value!, contexts, _ => true) switch
            {
                JsonArray labels => labels.ToJsonString(),
                JsonObject grouped when grouped["group"] is JsonValue => grouped.ToJsonString(),
                JsonValue label when label.TryGetValue(out string? text) && text.Length > 0 => JsonValue.Create(text).ToJsonString(),
                var other => throw new NotSupportedException($"runs-on is {other?.ToJsonString() ?? "null"}: GitHub would queue the job forever"),
            },
        };

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar ? scalar.Value : null;

    private static IEnumerable<KeyValuePair<string, string>> Mapping(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlMappingNode map
            ? map.Children.Select(p => new KeyValuePair<string, string>(((YamlScalarNode)p.Key).Value!, ((YamlScalarNode)p.Value).Value ?? string.Empty))
            : [];

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex ShaPattern();

    [GeneratedRegex(@"^::(error|warning|notice)( [^:]*)?::")]
    private static partial Regex AnnotationCommand();

    [GeneratedRegex(@"\b(always|success|failure|cancelled)\s*\(")]
    private static partial Regex StatusFunction();
}
