using LibGit2Sharp;
using PolicyCuration.Format;

namespace PolicyCuration.Git;

/// <summary>The list a pull request would leave on its base branch: the merge of its head into the branch's tip, made in memory.</summary>
public static class MergedList
{
    /// <summary>
    /// The file <paramref name="path"/> as merging <paramref name="headRevision"/> into <paramref name="baseRevision"/> would leave
    /// it, named <paramref name="path"/> so that findings point at the file a contributor edits; null when the merge conflicts.
    /// </summary>
    /// <exception cref="RevisionException">The repository or a revision cannot be found, the two share no history, or the merge has no such file.</exception>
    public static SourceText? Read(string repositoryPath, string baseRevision, string headRevision, string path, long maxBytes = PolicyListReader.DefaultMaxFileBytes)
    {
        string? root = Repository.Discover(repositoryPath)
            ?? throw new RevisionException($"{repositoryPath}: not inside a git repository");
        using var repository = new Repository(root);
        var baseCommit = Commit(repository, baseRevision);
        var head = Commit(repository, headRevision);
        var mergeBase = repository.ObjectDatabase.FindMergeBase(baseCommit, head)
            ?? throw new RevisionException($"{baseRevision} and {headRevision} share no history");
        path = path.Replace('\\', '/');

        // A head that already holds the tip is its own merge result.
        if (mergeBase.Sha == baseCommit.Sha)
        {
            return ListRevision.Blob(head.Tree, path, headRevision, path, maxBytes);
        }

        var merge = repository.ObjectDatabase.MergeCommits(baseCommit, head, new MergeTreeOptions { FailOnConflict = false, SkipReuc = true });
        if (merge.Status == MergeTreeStatus.Conflicts)
        {
            return null;
        }

        var tree = merge.Tree ?? throw new RevisionException($"{headRevision} does not merge into {baseRevision}");
        return ListRevision.Blob(tree, path, $"{headRevision} merged into {baseRevision}", path, maxBytes);
    }

    private static Commit Commit(Repository repository, string revision) =>
        repository.Lookup(revision)?.Peel<Commit>() ?? throw new RevisionException($"{revision}: no such revision");
}
