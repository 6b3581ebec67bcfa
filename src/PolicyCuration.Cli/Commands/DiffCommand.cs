using System.CommandLine;
using System.Text;
using System.Text.Json;
using PolicyCuration.Validation.Diff;
using PolicyCuration.Validation.Rendering;
using PolicyCuration.Format;
using PolicyCuration.Format.Model;
using PolicyCuration.Git;

namespace PolicyCuration.Cli.Commands;

/// <summary><c>policyctl diff</c>: what changed in the list between two git revisions.</summary>
internal static class DiffCommand
{
    public static Command Create()
    {
        var @base = new Option<string>("--base") { Description = "The revision to compare from (branch, tag, SHA)", Required = true };
        var head = new Option<string>("--head") { Description = "The revision to compare to", DefaultValueFactory = _ => "HEAD" };
        var list = new Option<string>("--list") { Description = $"The list's path in the repository (default: {CommonOptions.DefaultList})", DefaultValueFactory = _ => CommonOptions.DefaultList };
        var repo = new Option<string>("--repo") { Description = "A directory inside the git repository (default: the current one)", DefaultValueFactory = _ => "." };
        var format = CommonOptions.Format("text", "json");
        var command = new Command("diff", """
            Show the domains added, removed and changed between two revisions, read from git without a
            checkout. A changed alias counts as a change to every domain that uses it.
            Exit 0 on success (whether or not anything changed), 1 when a revision's list is not valid JSON, 2 for usage.

            Examples:
              policyctl diff --base origin/main --head HEAD
              policyctl diff --base list-v41 --head list-v42 --format json
            """)
        { @base, head, list, repo, format };
        command.SetAction(parsed =>
        {
            var output = parsed.InvocationConfiguration.Output;
            var error = parsed.InvocationConfiguration.Error;
            try
            {
                string repository = parsed.GetValue(repo)!, path = parsed.GetValue(list)!;
                var before = PolicyListReader.Read(ListRevision.Read(repository, parsed.GetValue(@base)!, path));
                var after = PolicyListReader.Read(ListRevision.Read(repository, parsed.GetValue(head)!, path));
                if (before.List is null || after.List is null)
                {
                    var problems = before.Problems.Concat(after.Problems).Where(p => p.Severity == Format.Findings.Severity.Error).ToList();
                    FindingRenderer.Write(output, problems, FindingFormat.Text, "diff: a revision's list cannot be read");
                    return ExitCodes.Findings;
                }

                var diff = ListDiff.Compare(before.List, after.List);
                output.Write(parsed.GetValue(format) == "json" ? ListDiffJson.Write(diff) : ToText(diff));
                return ExitCodes.Ok;
            }
            catch (Exception ex) when (ex is RevisionException or IOException or LibGit2Sharp.LibGit2SharpException)
            {
                error.WriteLine($"policyctl diff: {ex.Message}");
                return ExitCodes.Usage;
            }
        });
        return command;
    }

    private static string ToText(ListDiff diff)
    {
        var text = new StringBuilder();
        foreach (var change in diff.Domains)
        {
            string line = change.Kind switch
            {
                ChangeKind.Added => $"added    {change.Domain}: {Describe(change.After)}",
                ChangeKind.Removed => $"removed  {change.Domain}: was {Describe(change.Before)}",
                ChangeKind.Changed => $"changed  {change.Domain}: {Describe(change.Before)} -> {Describe(change.After)}",
                _ => $"changed  {change.Domain}: through alias {change.Alias}",
            };
            text.AppendLine(line);
        }

        foreach (var alias in diff.Aliases)
        {
            string what = alias.Before is null ? "added" : alias.After is null ? "removed" : "changed";
            text.AppendLine($"alias    {alias.Alias} {what}: {Describe(alias.Before)} -> {Describe(alias.After)}; affects {(alias.AffectedDomains.Count == 0 ? "no domain" : string.Join(", ", alias.AffectedDomains))}");
        }

        int Count(ChangeKind kind) => diff.Domains.Count(d => d.Kind == kind);
        text.AppendLine($"{Count(ChangeKind.Added)} added, {Count(ChangeKind.Removed)} removed, {Count(ChangeKind.Changed) + Count(ChangeKind.AliasChanged)} changed domains; {diff.Aliases.Count} changed aliases");
        return text.ToString();
    }

    private static string Describe(Policy? policy) => policy switch
    {
        null => "(none)",
        { Alias: { } alias } => $"alias {alias}",
        _ => $"{policy.Mode?.ToJson() ?? "?"} [{string.Join(", ", policy.Mxs?.Select(m => m.Text) ?? [])}]",
    };
}
