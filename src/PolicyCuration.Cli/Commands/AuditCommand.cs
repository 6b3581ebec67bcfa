using System.CommandLine;
using System.Text;
using PolicyCuration.Audit;
using PolicyCuration.Cli.Rendering;
using PolicyCuration.Validation;
using PolicyCuration.Format;
using PolicyCuration.Format.Findings;
using PolicyCuration.Format.Model;
using PolicyCuration.Probe;

namespace PolicyCuration.Cli.Commands;

/// <summary><c>policyctl audit</c>: probe the whole list (or a shard of it) and keep the results; <c>merge</c> and <c>propose</c>.</summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var list = new Option<string>("--list") { Description = $"The list to audit (default: {CommonOptions.DefaultList})", DefaultValueFactory = _ => CommonOptions.DefaultList };
        var shard = new Option<string>("--shard") { Description = "Audit shard K of N (a stable partition by a hash of the domain)", DefaultValueFactory = _ => "1/1" };
        var @out = new Option<string?>("--out") { Description = "Write one JSON line per domain to this file (default: standard output)" };
        var probe = new ProbeCommandOptions();
        var command = new Command("audit", """
            Probe every domain of the list, or of one shard of it, against its entry, and write one JSON line per domain:
            its entry, the time, whether it passed, its error codes, its MTA-STS policy, and the vantage's health (its
            canaries greeted first; a run that cannot reach them is marked unhealthy and never held against a domain).
            'audit merge' adds shard results to the history branch; 'audit propose' says what the history supports:
            demotions, removals, updates.

            Examples:
              policyctl audit --shard 3/8 --out results-3.jsonl
              policyctl audit merge results-*.jsonl --history .
              policyctl audit propose --history .
            """)
        { list, shard, @out };
        probe.AddTo(command);
        command.SetAction(async (parsed, cancellation) =>
        {
            var error = parsed.InvocationConfiguration.Error;
            try
            {
                var part = AuditShard.Parse(parsed.GetValue(shard)!);
                var targets = Targets(parsed.GetValue(list)!, part);
                var options = probe.Read(parsed);
                if (options.Canaries.Count == 0)
                {
                    throw new ArgumentException($"the audit needs canaries to tell its own outage from the list's: give --canaries FILE, or run from the repository ({ProbeCommandOptions.DefaultCanaries})");
                }

                using var prober = new DomainProber(options);
                var reports = await prober.ProbeAllAsync(targets, null, cancellation).ConfigureAwait(false);
                var vantage = await prober.VantageAsync().ConfigureAwait(false);
                var now = DateTimeOffset.UtcNow;
                var text = new StringBuilder();
                foreach (var report in reports)
                {
                    text.Append(AuditRecord.From(report, now, vantage).ToJsonLine()).Append('\n');
                }

                if (parsed.GetValue(@out) is { } file)
                {
                    AtomicFile.Write(file, Encoding.UTF8.GetBytes(text.ToString()));
                }
                else
                {
                    parsed.InvocationConfiguration.Output.Write(text.ToString());
                }

                error.WriteLine($"audited {reports.Count} domains (shard {part}): {reports.Count(r => r.Passed)} passed, {reports.Count(r => !r.Passed)} failed");
                VantageReport.Write(error, vantage, prober.Statistics, "these results are recorded as such and count toward no demotion or removal");
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or System.Security.Cryptography.CryptographicException)
            {
                error.WriteLine($"policyctl audit: {e.Message}");
                return ExitCodes.Usage;
            }
        });
        command.Subcommands.Add(Merge());
        command.Subcommands.Add(Propose());
        return command;
    }

    private static Command Merge()
    {
        var results = new Argument<string[]>("RESULTS") { Description = "Shard results written by 'policyctl audit --out'", Arity = ArgumentArity.OneOrMore };
        var history = new Option<string>("--history") { Description = "A directory inside the repository whose audit-history branch keeps the history", Required = true };
        var command = new Command("merge", "Append shard results to the audit-history branch (one file per day, append-only), in one commit.") { results, history };
        command.SetAction(parsed =>
        {
            try
            {
                var records = parsed.GetValue(results)!.SelectMany(path => File.ReadAllLines(path).Where(l => l.Length > 0).Select(AuditRecord.Parse)).ToList();
                int added = new AuditHistory(parsed.GetValue(history)!).Append(records, $"audit: {records.Count} results of {records.Select(r => r.Domain).Distinct().Count()} domains");
                parsed.InvocationConfiguration.Output.WriteLine($"{added} new records on {AuditHistory.DefaultBranch} ({records.Count - added} already there)");
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is ArgumentException or IOException or FormatException or LibGit2Sharp.LibGit2SharpException)
            {
                parsed.InvocationConfiguration.Error.WriteLine($"policyctl audit merge: {e.Message}");
                return ExitCodes.Usage;
            }
        });
        return command;
    }

    private static Command Propose()
    {
        var history = new Option<string>("--history") { Description = "A directory inside the repository whose audit-history branch keeps the history", Required = true };
        var list = new Option<string?>("--write") { Description = "Apply the proposals to this list file (canonical, atomic)" };
        var openPrs = new Option<bool>("--open-prs") { Description = "Open one pull request per kind of proposal through the GitHub API (token from GITHUB_TOKEN)" };
        var repo = new Option<string?>("--repo") { Description = "The GitHub repository, OWNER/NAME, for --open-prs" };
        var baseBranch = new Option<string>("--base") { Description = "The branch the pull requests go to", DefaultValueFactory = _ => "main" };
        var listPath = new Option<string>("--list") { Description = $"The list the pull requests edit, as checked out from --base (default: {CommonOptions.DefaultList})", DefaultValueFactory = _ => CommonOptions.DefaultList };
        var api = CommonOptions.ApiUrl();
        var repoPath = new Option<string>("--path-in-repo") { Description = $"The list's path in the GitHub repository (default: {CommonOptions.DefaultList})", DefaultValueFactory = _ => CommonOptions.DefaultList };
        var maxChange = new Option<double>("--max-change") { Description = "The largest share of the list demoted or removed in one run (default 0.05; at least one domain)", DefaultValueFactory = _ => AuditDecisions.DefaultMaxChange };
        var allowMass = new Option<bool>("--allow-mass-change") { Description = "Demote and remove beyond --max-change (after a maintainer has checked the vantage)" };
        var command = new Command("propose", """
            Say what the history supports, with its evidence: demote an enforced domain failing audits at least 7 days
            apart, remove one failing every audit for 30 days, publishing MTA-STS mode none, or whose MX stopped resolving,
            update one whose MTA-STS mx set changed. One failure changes nothing; a domain that recovers is dropped; runs
            from an unhealthy vantage do not count, and with two vantages a failure counts only when both saw it within a
            day. More demotions and removals than --max-change of the list are held back, and reported in one issue.
            """)
        { history, list, openPrs, repo, baseBranch, listPath, api, repoPath, maxChange, allowMass };
        command.SetAction(async (parsed, cancellation) =>
        {
            try
            {
                var proposals = AuditDecisions.Decide(new AuditHistory(parsed.GetValue(history)!).Read());
                var output = parsed.InvocationConfiguration.Output;
                foreach (var proposal in proposals)
                {
                    output.WriteLine($"{proposal.Kind.ToString().ToLowerInvariant()} {proposal.Domain}: {proposal.Reason}");
                    foreach (var audit in proposal.Evidence)
                    {
                        output.WriteLine($"  {audit.Time:yyyy-MM-dd} {(audit.Passed ? "passed" : string.Join(", ", audit.ErrorCodes))}");
                    }
                }

                output.WriteLine($"{proposals.Count} proposals");
                string? file = parsed.GetValue(list);
                string checkedList = file ?? parsed.GetValue(listPath)!;
                double share = parsed.GetValue(maxChange);
                if (!(share is > 0 and <= 1))
                {
                    throw new ArgumentException("--max-change: give a share of the list from 0 to 1, such as 0.05");
                }

                IReadOnlyList<Proposal> held = [];
                if (file is not null || parsed.GetValue(openPrs))
                {
                    int size = Read(checkedList).Policies.Count;
                    int allowance = AuditDecisions.MassChangeAllowance(size, share);
                    var cuts = proposals.Where(p => p.Kind is ProposalKind.Demote or ProposalKind.Remove).ToList();
                    if (cuts.Count > allowance && !parsed.GetValue(allowMass))
                    {
                        held = cuts;
                        proposals = [.. proposals.Except(cuts)];
                        output.WriteLine(
                            $"held back: {cuts.Count} demotions and removals exceed the {allowance} allowed in one run ({ProposalText.Percent(share)} of {size} domains); " +
                            "a failure that wide is more likely the vantage's: check it, then re-run with --allow-mass-change");
                    }

                    var (kept, refused) = ProposalEdits.Vet(checkedList, File.ReadAllBytes(checkedList), proposals, new ListValidator(CommonOptions.LoadSchema(null)), DateTimeOffset.UtcNow);
                    foreach (var (proposal, finding) in refused)
                    {
                        output.WriteLine($"not proposed: {proposal.Kind.ToString().ToLowerInvariant()} {proposal.Domain} would break the list ({finding.Code}: {finding.Message})");
                    }

                    proposals = kept;
                }

                if (file is not null)
                {
                    AtomicFile.Write(file, ProposalEdits.Apply(Read(file), proposals));
                }

                if (parsed.GetValue(openPrs))
                {
                    string repository = parsed.GetValue(repo) ?? throw new ArgumentException("--open-prs needs --repo OWNER/NAME");
                    string token = Environment.GetEnvironmentVariable("GITHUB_TOKEN") is { Length: > 0 } value ? value : throw new ArgumentException("--open-prs needs GITHUB_TOKEN in the environment");
                    var github = new PolicyCuration.GitHub.GitHubProposals(new Uri(parsed.GetValue(api)!), token);
                    string path = parsed.GetValue(listPath)!;
                    var openers = await OpenersAsync(github, parsed.GetValue(history)!, repository, parsed.GetValue(repoPath)!, [.. proposals, .. held]).ConfigureAwait(false);
                    if (held.Count > 0)
                    {
                        var (issueTitle, issueBody) = ProposalText.Held(held, share, openers);
                        output.WriteLine($"opened {await github.OpenIssueAsync(repository, issueTitle, issueBody).ConfigureAwait(false)}: {issueTitle}");
                    }

                    foreach (var kind in proposals.GroupBy(p => p.Kind))
                    {
                        cancellation.ThrowIfCancellationRequested();
                        var (title, body) = ProposalText.PullRequest(kind.Key, [.. kind], openers);
                        string branch = $"audit/{kind.Key.ToString().ToLowerInvariant()}-{DateTimeOffset.UtcNow:yyyy-MM-dd}";
                        string url = await github.OpenAsync(repository, parsed.GetValue(baseBranch)!, branch, parsed.GetValue(repoPath)!, ProposalEdits.Apply(Read(path), [.. kind]), title, body).ConfigureAwait(false);
                        output.WriteLine($"opened {url}: {title}");
                    }
                }

                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is ArgumentException or IOException or FormatException or InvalidDataException or LibGit2Sharp.LibGit2SharpException or Octokit.ApiException or HttpRequestException)
            {
                parsed.InvocationConfiguration.Error.WriteLine($"policyctl audit propose: {e.Message}");
                return ExitCodes.Usage;
            }
        });
        return command;
    }

    /// <summary>The account that brought each proposal's domain into the list, by domain, where git and the API know it.</summary>
    private static async Task<IReadOnlyDictionary<string, string>> OpenersAsync(
        PolicyCuration.GitHub.GitHubProposals github, string repositoryPath, string repository, string listPath, IReadOnlyList<Proposal> proposals)
    {
        var domains = proposals.Where(p => p.Kind is ProposalKind.Demote or ProposalKind.Remove).Select(p => p.Domain).ToList();
        if (domains.Count == 0)
        {
            return new Dictionary<string, string>();
        }

        IReadOnlyDictionary<string, string> origins;
        try
        {
            origins = PolicyCuration.Git.EntryOrigins.Find(repositoryPath, "HEAD", listPath, domains);
        }
        catch (PolicyCuration.Git.RevisionException)
        {
            // A checkout without the list's history (a shallow clone, a history-only repository): nobody to name.
            return new Dictionary<string, string>();
        }

        var logins = await github.OpenersAsync(repository, origins.Values).ConfigureAwait(false);
        return origins.Where(o => logins.ContainsKey(o.Value)).ToDictionary(o => o.Key, o => logins[o.Value], StringComparer.OrdinalIgnoreCase);
    }

    private static IReadOnlyList<ProbeTarget> Targets(string path, AuditShard shard)
    {
        var list = Read(path);
        return [.. list.Policies
            .Where(p => shard.Contains(p.Name))
            .Select(p => list.Resolve(p.Policy) is { } policy ? new ProbeTarget(p.Name.ToLowerInvariant(), policy.Mode, policy.Mxs ?? []) : null)
            .OfType<ProbeTarget>()];
    }

    private static PolicyList Read(string path)
    {
        var read = PolicyListReader.ReadFile(path);
        var problem = read.Problems.FirstOrDefault(p => p.Severity == Severity.Error);
        return read.List is { } list && problem is null
            ? list
            : throw new InvalidDataException($"{path} cannot be read ({problem?.Code}: {problem?.Message})");
    }
}
