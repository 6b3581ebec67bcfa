using System.Globalization;
using System.Text;
using LibGit2Sharp;

namespace PolicyCuration.Audit;

/// <summary>
/// The audit's history on its own branch of the repository (<c>audit-history</c>): one JSON-lines file per day,
/// <c>YYYY/MM/DD.jsonl</c>, only ever appended to, written with libgit2 without touching the working tree.
/// </summary>
public sealed class AuditHistory(string repositoryPath, string branch = AuditHistory.DefaultBranch)
{
    /// <summary>The branch the history lives on.</summary>
    public const string DefaultBranch = "audit-history";

    /// <summary>The file of the day of <paramref name="time"/>.</summary>
    public static string DayFile(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy'/'MM'/'dd'.jsonl'", CultureInfo.InvariantCulture);

    /// <summary>Every record of the history.</summary>
    public IReadOnlyList<AuditRecord> Read()
    {
        using var repository = Open();
        var tip = repository.Branches[branch]?.Tip;
        var records = new List<AuditRecord>();
        if (tip is not null)
        {
            Collect(tip.Tree, records);
        }

        return records;
    }

    /// <summary>Appends <paramref name="records"/> to their days' files in one commit; returns how many were new.</summary>
    public int Append(IEnumerable<AuditRecord> records, string message)
    {
        using var repository = Open();
        var tip = repository.Branches[branch]?.Tip;
        var tree = tip is null ? new TreeDefinition() : TreeDefinition.From(tip.Tree);
        int added = 0;
        foreach (var day in records.GroupBy(r => DayFile(r.Time)))
        {
            string existing = tip?[day.Key]?.Target is Blob blob ? blob.GetContentText() : string.Empty;
            var lines = existing.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
            var text = new StringBuilder(existing);
            foreach (string line in day.Select(r => r.ToJsonLine()).Where(lines.Add))
            {
                text.Append(line).Append('\n');
                added++;
            }

            var content = repository.ObjectDatabase.CreateBlob(new MemoryStream(Encoding.UTF8.GetBytes(text.ToString())));
            tree.Add(day.Key, content, Mode.NonExecutableFile);
        }

        if (added == 0)
        {
            return 0;
        }

        var signature = repository.Config.BuildSignature(DateTimeOffset.Now) ?? new Signature("policyctl audit", "audit@localhost", DateTimeOffset.Now);
        var commit = repository.ObjectDatabase.CreateCommit(
            signature, signature, message, repository.ObjectDatabase.CreateTree(tree), tip is null ? [] : [tip], prettifyMessage: true);
        repository.Refs.UpdateTarget(repository.Refs.Add($"refs/heads/{branch}", commit.Id, allowOverwrite: true), commit.Id);
        return added;
    }

    private static void Collect(Tree tree, List<AuditRecord> records)
    {
        foreach (var entry in tree)
        {
            switch (entry.Target)
            {
                case Tree subtree:
                    Collect(subtree, records);
                    break;
                case Blob blob when entry.Name.EndsWith(".jsonl", StringComparison.Ordinal):
                    records.AddRange(blob.GetContentText().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(AuditRecord.Parse));
                    break;
            }
        }
    }

    private Repository Open() =>
        Repository.Discover(Path.GetFullPath(repositoryPath)) is { } found ? new Repository(found) : throw new ArgumentException($"{repositoryPath} is not inside a git repository");
}
