using LibGit2Sharp;

namespace PolicyCuration.Git;

/// <summary>The files a pull request changes: between the merge base of its base and head, and its head (as GitHub's "Files changed").</summary>
public static class ChangedPaths
{
    /// <summary>The paths, with forward slashes, that differ between the merge base of the two revisions and <paramref name="headRevision"/>.</summary>
    /// <exception cref="RevisionException">The repository or a revision cannot be found, or the two share no history.</exception>
    public static IReadOnlyList<string> Between(string repositoryPath, string baseRevision, string headRevision)
    {
        string? root = Repository.Discover(repositoryPath)
            ?? throw new RevisionException($"{repositoryPath}: not inside a git repository");
        using var repository = new Repository(root);
        var head = Commit(repository, headRevision);
        var mergeBase = repository.ObjectDatabase.FindMergeBase(Commit(repository, baseRevision), head)
            ?? throw new RevisionException($"{baseRevision} and {headRevision} share no history");
        using var changes = repository.Diff.Compare<TreeChanges>(mergeBase.Tree, head.Tree);
        return [.. changes.SelectMany(c => new[] { c.OldPath, c.Path }).Where(p => p is { Length: > 0 }).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    private static Commit Commit(Repository repository, string revision) =>
        repository.Lookup(revision)?.Peel<Commit>() ?? throw new RevisionException($"{revision}: no such revision");
}
