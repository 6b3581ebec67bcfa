using LibGit2Sharp;
using PolicyCuration.Format;

namespace PolicyCuration.Git;

/// <summary>One version of the list in a branch's history: the commit that made it and its text.</summary>
/// <param name="Sha">The commit.</param>
/// <param name="When">The commit's committer time.</param>
/// <param name="Text">The list as that commit left it.</param>
public sealed record ListVersion(string Sha, DateTimeOffset When, SourceText Text);

/// <summary>The versions of the list along a branch's first-parent history, read without a checkout.</summary>
public static class ListHistory
{
    /// <summary>
    /// The versions of <paramref name="path"/> reachable from <paramref name="revision"/> by first parents, newest first:
    /// one per commit that changed the file, at most <paramref name="maxVersions"/>, walking at most <paramref name="maxCommits"/>.
    /// </summary>
    public static IReadOnlyList<ListVersion> Read(string repositoryPath, string revision, string path, int maxVersions = 200, int maxCommits = 20_000)
    {
        string? root = Repository.Discover(repositoryPath) ?? throw new RevisionException($"{repositoryPath}: not inside a git repository");
        using var repository = new Repository(root);
        var commit = repository.Lookup(revision)?.Peel<Commit>() ?? throw new RevisionException($"{revision}: no such revision");
        string file = path.Replace('\\', '/');
        var versions = new List<ListVersion>();
        for (int walked = 0; commit is not null && versions.Count < maxVersions && walked < maxCommits; walked++)
        {
            var parent = commit.Parents.FirstOrDefault();
            if (commit[file]?.Target is Blob blob)
            {
                if (parent?[file]?.Target.Id != blob.Id)
                {
                    using var content = blob.GetContentStream();
                    var bytes = new byte[blob.Size];
                    content.ReadExactly(bytes);
                    versions.Add(new ListVersion(commit.Sha, commit.Committer.When, new SourceText($"{file}@{commit.Sha[..12]}", bytes)));
                }
            }
            else
            {
                break;
            }

            commit = parent;
        }

        return versions;
    }
}
