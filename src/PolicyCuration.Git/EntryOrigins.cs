using System.Text;
using LibGit2Sharp;

namespace PolicyCuration.Git;

/// <summary>Where domains entered the list: the commit, on the branch's first-parent history, since which each has been in it.</summary>
public static class EntryOrigins
{
    /// <summary>
    /// For each of <paramref name="domains"/> in <paramref name="path"/> at <paramref name="revision"/>, the oldest commit
    /// of the unbroken run of versions, back from there, whose text names it; walking at most <paramref name="maxCommits"/>.
    /// One version's text is held at a time.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Find(string repositoryPath, string revision, string path, IReadOnlyCollection<string> domains, int maxCommits = 20_000)
    {
        string? root = Repository.Discover(repositoryPath) ?? throw new RevisionException($"{repositoryPath}: not inside a git repository");
        using var repository = new Repository(root);
        var commit = repository.Lookup(revision)?.Peel<Commit>() ?? throw new RevisionException($"{revision}: no such revision");
        string file = path.Replace('\\', '/');
        var origins = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var present = domains.Distinct(StringComparer.OrdinalIgnoreCase).ToHashSet(StringComparer.OrdinalIgnoreCase);
        for (int walked = 0; commit is not null && present.Count > 0 && walked < maxCommits; walked++)
        {
            var parent = commit.Parents.FirstOrDefault();
            if (commit[file]?.Target is not Blob blob)
            {
                break;
            }

            if (parent?[file]?.Target.Id != blob.Id)
            {
                string text = blob.GetContentText(Encoding.UTF8);
                foreach (string domain in present.ToList())
                {
                    if (text.Contains($"\"{domain}\"", StringComparison.OrdinalIgnoreCase))
                    {
                        origins[domain] = commit.Sha;
                    }
                    else
                    {
                        present.Remove(domain);
                    }
                }
            }

            commit = parent;
        }

        return origins;
    }
}
