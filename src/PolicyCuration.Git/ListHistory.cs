using LibGit2Sharp;
using PolicyCuration.Format;

namespace PolicyCuration.Git;

/// <summary>One version of the list in a branch's history: the commit that made it and its text.</summary>
/// <param name="Sha">The commit.</param>
/// <param name="When">The commit's committer time.</param>
/// <param name="Text">The list as that commit left it.</param>
public sealed record ListVersion(string Sha, DateTimeOffset When, SourceText Text)
{
    /// <summary>Whether this commit created the file: no older version exists.</summary>
    public bool IsFirst { get; init; }
}

/// <summary>The versions of the list along a branch's first-parent history, read without a checkout.</summary>
public static class ListHistory
{
    /// <summary>
    /// The versions of <paramref name="path"/> reachable from <paramref name="revision"/> by first parents, newest first:
    /// one per commit that changed the file, at most <paramref name="maxVersions"/>, walking at most <paramref name="maxCommits"/>.
    /// </summary>
    public static IReadOnlyList<ListVersion> Read(string repositoryPath, string revision, string path, int maxVersions = 200, int maxCommits = 20_000) =>
        [.. Walk(repositoryPath, revision, path, maxVersions, maxCommits)];

    /// <summary>
    /// The work tree of the non-bare repository that holds <paramref name="filePath"/>, with a commit, and the file's
    /// path in it; null when the file is not in one.
    /// </summary>
    public static (string WorkTree, string Path)? Locate(string filePath)
    {
        string full = System.IO.Path.GetFullPath(filePath);
        if (Repository.Discover(System.IO.Path.GetDirectoryName(full)) is not { } gitDirectory)
        {
            return null;
        }

        using var repository = new Repository(gitDirectory);
        if (repository.Info.IsBare || repository.Head.Tip is null)
        {
            return null;
        }

        string workTree = repository.Info.WorkingDirectory;
        return (workTree, System.IO.Path.GetRelativePath(workTree, full).Replace('\\', '/'));
    }

    /// <summary>
    /// The same versions, read one at a time as they are asked for, so that a caller holds only those it keeps.
    /// The last one is the file's first version when the walk reached it (<see cref="ListVersion.IsFirst"/>).
    /// </summary>
    /// <exception cref="RevisionException">Not in a repository, or no such revision (when the walk starts).</exception>
    public static IEnumerable<ListVersion> Walk(string repositoryPath, string revision, string path, int maxVersions = 200, int maxCommits = 20_000)
    {
        string? root = Repository.Discover(repositoryPath) ?? throw new RevisionException($"{repositoryPath}: not inside a git repository");
        using var repository = new Repository(root);
        var commit = repository.Lookup(revision)?.Peel<Commit>() ?? throw new RevisionException($"{revision}: no such revision");
        string file = path.Replace('\\', '/');
        int versions = 0;
        for (int walked = 0; commit is not null && versions < maxVersions && walked < maxCommits; walked++)
        {
            var parent = commit.Parents.FirstOrDefault();
            if (commit[file]?.Target is not Blob blob)
            {
                break;
            }

            var before = parent?[file]?.Target;
            if (before?.Id != blob.Id)
            {
                using var content = blob.GetContentStream();
                var bytes = new byte[blob.Size];
                content.ReadExactly(bytes);
                versions++;
                yield return new ListVersion(commit.Sha, commit.Committer.When, new SourceText($"{file}@{commit.Sha[..12]}", bytes)) { IsFirst = before is null };
            }

            commit = parent;
        }
    }
}
