using PolicyCuration.Cli.Rendering;
using System.CommandLine;
using System.Text;
using PolicyCuration.Validation;
using PolicyCuration.Validation.Rendering;
using PolicyCuration.Format;
using PolicyCuration.Format.Findings;
using PolicyCuration.Format.Model;
using PolicyCuration.Probe;
using PolicyCuration.Probe.Vantage;
using PolicyCuration.Review;
using PolicyCuration.Git;
using PolicyCuration.Validation.Diff;

namespace PolicyCuration.Cli.Commands;

/// <summary><c>policyctl add</c> and <c>remove</c>: a contributor's edit of the list, checked the way the PR will be.</summary>
internal static class EditCommands
{
    public static Command Add()
    {
        var domain = new Argument<string>("DOMAIN") { Description = "The mail domain to add" };
        var list = new Option<string>("--list") { Description = $"The list to edit (default: {CommonOptions.DefaultList})", DefaultValueFactory = _ => CommonOptions.DefaultList };
        var fromMtaSts = new Option<bool>("--from-mta-sts") { Description = "Take the MX patterns (and enforce, when it qualifies) from the domain's MTA-STS policy" };
        var mode = new Option<string?>("--mode") { Description = "testing or enforce (default: testing, or enforce from a qualifying MTA-STS policy)" };
        mode.AcceptOnlyFromAmong("testing", "enforce");
        var mxs = new Option<string[]>("--mx") { Description = "An MX pattern (repeat): mx.example.org or .example.org", AllowMultipleArgumentsPerToken = true };
        var noProbe = new Option<bool>("--no-probe") { Description = "Do not probe (then give --mx)" };
        var probe = new ProbeCommandOptions();
        var command = new Command("add", """
            Add a domain: probe it, build its entry (from its MTA-STS policy when asked: *.x becomes .x), insert it in
            canonical place, and say what to publish and do next. Refuses a domain that fails the probe.

            Examples:
              policyctl add example.org
              policyctl add example.org --from-mta-sts
              policyctl add example.org --mx mx1.example.org --mx .mail.example.org
            """)
        { domain, list, fromMtaSts, mode, mxs, noProbe };
        probe.AddTo(command);
        command.SetAction(async (parsed, cancellation) =>
        {
            var output = parsed.InvocationConfiguration.Output;
            var error = parsed.InvocationConfiguration.Error;
            try
            {
                string path = parsed.GetValue(list)!, name = CommonOptions.DomainName(parsed.GetValue(domain)!);
                var current = ReadValid(path);
                if (current.Policies.Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)))
                {
                    throw new ArgumentException($"{name} is already in {path}; edit its entry instead");
                }

                string[] given = parsed.GetValue(mxs) ?? [];
                PolicyMode entryMode;
                IReadOnlyList<string> patterns;
                if (!parsed.GetValue(noProbe))
                {
                    // The domain is probed to learn its MX hosts and MTA-STS policy, then the entry about to be written is
                    // judged as the pull request check judges it: its patterns must cover every MX, its mode must be allowed.
                    using var prober = new DomainProber(probe.Read(parsed));
                    var found = await prober.ProbeAsync(new ProbeTarget(name), cancellation).ConfigureAwait(false);
                    (entryMode, patterns) = Entry(name, found, parsed.GetValue(fromMtaSts), parsed.GetValue(mode), given);
                    var entry = Policy.Direct(entryMode, patterns);
                    var report = await prober.ProbeAsync(new ProbeTarget(name, entryMode, entry.Mxs), cancellation).ConfigureAwait(false);
                    var judged = report.Findings
                        .Concat(EligibilityRules.Judge(new DomainChange(name, ChangeKind.Added, null, entry), entry, null, report, null, DateTimeOffset.UtcNow))
                        .Where(f => f.Severity != Severity.Info)
                        .ToList();
                    foreach (var finding in judged)
                    {
                        error.WriteLine($"  {FindingJson.SeverityName(finding.Severity)} {finding.Code}: {finding.Message}");
                    }

                    var vantage = await prober.VantageAsync().ConfigureAwait(false);
                    bool refused = judged.Any(f => f.Severity == Severity.Error);
                    if (refused && vantage.Status is VantageStatus.Unhealthy or VantageStatus.Suspect)
                    {
                        VantageReport.Write(error, vantage, prober.Statistics, $"it cannot tell whether {name} works; add it from a host that reaches port 25, or with --no-probe --mx");
                        return ExitCodes.Inconclusive;
                    }

                    if (refused)
                    {
                        error.WriteLine($"policyctl add: the pull request check would refuse this entry for {name} (mode {entryMode.ToJson()}, mxs {string.Join(", ", patterns)}); fix the errors above first. Nothing was written");
                        return ExitCodes.Findings;
                    }
                }
                else if (given.Length == 0)
                {
                    throw new ArgumentException("--no-probe needs --mx: without a probe nothing says which MX hosts to cover");
                }
                else
                {
                    (entryMode, patterns) = Entry(name, null, parsed.GetValue(fromMtaSts), parsed.GetValue(mode), given);
                    error.WriteLine($"policyctl add: not probed: the pull request check will probe {name} against this entry");
                }

                var edited = current with { Policies = [.. current.Policies, new NamedPolicy(name, Policy.Direct(entryMode, patterns))] };
                Write(path, edited, name);
                output.WriteLine($"added {name}: mode {entryMode.ToJson()}, mxs [{string.Join(", ", patterns.Select(p => $"\"{p}\""))}] to {path}");
                NextSteps(output, name, "adds");
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or System.Security.Cryptography.CryptographicException)
            {
                error.WriteLine($"policyctl add: {e.Message}");
                return ExitCodes.Usage;
            }
        });
        return command;
    }

    public static Command Remove()
    {
        var domain = new Argument<string>("DOMAIN") { Description = "The mail domain to remove" };
        var list = new Option<string>("--list") { Description = $"The list to edit (default: {CommonOptions.DefaultList})", DefaultValueFactory = _ => CommonOptions.DefaultList };
        var command = new Command("remove", """
            Remove a domain from the list, in canonical form, and say what proves the removal is wanted.

            Example:
              policyctl remove example.org
            """)
        { domain, list };
        command.SetAction(parsed =>
        {
            try
            {
                string path = parsed.GetValue(list)!, name = CommonOptions.DomainName(parsed.GetValue(domain)!);
                var current = ReadValid(path);
                var kept = current.Policies.Where(p => !string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).ToList();
                if (kept.Count == current.Policies.Count)
                {
                    throw new ArgumentException($"{name} is not in {path}");
                }

                Write(path, current with { Policies = kept }, name);
                parsed.InvocationConfiguration.Output.WriteLine($"removed {name} from {path}");
                NextSteps(parsed.InvocationConfiguration.Output, name, "removes");
                parsed.InvocationConfiguration.Output.WriteLine($"  (or, instead of the TXT record, publish an MTA-STS policy in mode none for {name})");
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException)
            {
                parsed.InvocationConfiguration.Error.WriteLine($"policyctl remove: {e.Message}");
                return ExitCodes.Usage;
            }
        });
        return command;
    }

    private static (PolicyMode Mode, IReadOnlyList<string> Mxs) Entry(string name, DomainReport? report, bool fromMtaSts, string? mode, string[] given)
    {
        PolicyMode? chosen = mode is null ? null : PolicyModeNames.Parse(mode);
        if (fromMtaSts)
        {
            var policy = report?.MtaStsPolicy is { Mode: not "none" } found
                ? found
                : throw new ArgumentException($"{name} publishes no usable MTA-STS policy (mode enforce or testing); give --mx instead");
            var patterns = policy.ListPatterns.Select(p => p.Text).Distinct().ToList();
            var qualifies = report.Suggested is { Mode: PolicyMode.Enforce };
            return (chosen ?? (qualifies ? PolicyMode.Enforce : PolicyMode.Testing), patterns);
        }

        var mxs = given.Length > 0 ? given.Select(m => m.Trim().ToLowerInvariant()).ToList() : report?.Suggested?.Mxs.ToList() ?? [];
        return (chosen ?? PolicyMode.Testing, mxs);
    }

    private static PolicyList ReadValid(string path)
    {
        var read = PolicyListReader.ReadFile(path);
        var problem = read.Problems.FirstOrDefault(p => p.Severity == Severity.Error);
        return read.List is { } list && problem is null
            ? list
            : throw new InvalidDataException($"{path} cannot be read ({problem?.Code}: {problem?.Message}); run 'policyctl validate {path}'");
    }

    /// <summary>Writes the edited list in canonical form, unless the edit brings errors about <paramref name="domain"/>.</summary>
    private static void Write(string path, PolicyList edited, string domain)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(CanonicalWriter.Write(edited));
        var check = new ListValidator(CommonOptions.LoadSchema(null)).Validate(PolicyListReader.Read(new SourceText(path, bytes)), DateTimeOffset.UtcNow);
        var introduced = check.Findings.Where(f => f.Severity == Severity.Error && f.Subject.Contains(domain, StringComparison.OrdinalIgnoreCase)).ToList();
        if (introduced.Count > 0)
        {
            throw new ArgumentException($"the entry would not validate: {string.Join("; ", introduced.Select(FindingRenderer.ToLine))}");
        }

        AtomicFile.Write(path, bytes);
    }

    /// <summary>The repository pull requests go to: $GITHUB_REPOSITORY, else the origin remote's GitHub name, else a placeholder to fill in.</summary>
    private static string Repository()
    {
        if (CommonOptions.Setting("GITHUB_REPOSITORY") is { } named)
        {
            return named;
        }

        try
        {
            return Remotes.GitHubRepository(".", "origin") ?? "OWNER/NAME";
        }
        catch (Exception e) when (e is RevisionException or LibGit2Sharp.LibGit2SharpException)
        {
            return "OWNER/NAME";
        }
    }

    private static void NextSteps(TextWriter output, string domain, string verb)
    {
        output.WriteLine("next:");
        output.WriteLine($"  1. commit the list, and see what the pull request check will say:  policyctl check-pr --base origin/main --head HEAD");
        output.WriteLine($"  2. open a pull request that {verb} {domain}");
        output.WriteLine($"  3. publish its URL in DNS:  {OwnershipCheck.RecordName(domain)}. IN TXT \"https://github.com/{Repository()}/pull/N\" (N: the pull request's number)");
        output.WriteLine("  4. the pull request check looks for that record first, then probes the domain; it runs again on every push, or ask a maintainer once the record is live");
    }
}
