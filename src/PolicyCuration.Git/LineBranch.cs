using System.Text;
using LibGit2Sharp;

namespace PolicyCuration.Git;

/// <summary>
/// A branch of JSON-lines files that is only ever appended to, read and written with libgit2 without a checkout:
/// the audit's history. Each commit adds lines; a line already in its file is not added twice.
/// </summary>
public sealed class LineBranch(string repositoryPath, string branch)
{
    /// <summary>The branch's name.</summary>
    public string Name { get; } = branch;

    /// <summary>Every non-empty line of every <c>.jsonl</c> file at the branch's tip; none when the branch does not exist.</summary>
    /// <exception cref="ArgumentException">The path is not inside a git repository.</exception>
    public IReadOnlyList<string> ReadLines()
    {
        using var repository = Open();
        var lines = new List<string>();
        if (repository.Branches[Name]?.Tip is { } tip)
        {
            Collect(tip.Tree, lines);
        }

        return lines;
    }

    /// <summary>
    /// Appends each file's lines to it (creating files and the branch as needed), in one commit with
    /// <paramref name="message"/>; returns how many lines were new. No commit when none was.
    /// </summary>
    public int Append(IEnumerable<(string Path, IEnumerable<string> Lines)> files, string message)
    {
        using var repository = Open();
        var tip = repository.Branches[Name]?.Tip;
        var tree = tip is null ? new TreeDefinition() : TreeDefinition.From(tip.Tree);
        int added = 0;
        foreach (var (path, newLines) in files)
        {
            string existing = tip?[path]?.Target is Blob blob ? blob.GetContentText() : string.Empty;
            var lines = existing.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
            var text = new StringBuilder(existing);
            foreach (string line in newLines.Where(lines.Add))
            {
                text.Append(line).Append('\n');
                added++;
            }

            var content = repository.ObjectDatabase.CreateBlob(new MemoryStream(Encoding.UTF8.GetBytes(text.ToString())));
            tree.Add(path, content, Mode.NonExecutableFile);
        }

        if (added == 0)
        {
            return 0;
        }

        var signature = repository.Config.BuildSignature(DateTimeOffset.Now) ?? new Signature("policyctl audit", "audit@localhost", DateTimeOffset.Now);
        var commit = repository.ObjectDatabase.CreateCommit(
            signature, signature, message, repository.ObjectDatabase.CreateTree(tree), tip is null ? [] : [tip], prettifyMessage: true);
        repository.Refs.UpdateTarget(repository.Refs.Add($"refs/heads/{Name}", commit.Id, allowOverwrite: true), commit.Id);
        return added;
    }

    private static void Collect(Tree tree, List<string> lines)
    {
        foreach (var entry in tree)
        {
            switch (entry.Target)
            {
                case Tree subtree:
                    Collect(subtree, lines);
                    break;
                case Blob blob when entry.Name.EndsWith(".jsonl", StringComparison.Ordinal):
                    lines.AddRange(blob.GetContentText().Split('\n', StringSplitOptions.RemoveEmptyEntries));
                    break;
            }
        }
    }

    private Repository Open() =>
        Repository.Discover(Path.GetFullPath(repositoryPath)) is { } found ? new Repository(found) : throw new ArgumentException($"{repositoryPath} is not inside a git repository");
}
