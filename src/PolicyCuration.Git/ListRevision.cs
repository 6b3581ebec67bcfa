using LibGit2Sharp;
using PolicyCuration.Format;

namespace PolicyCuration.Git;

/// <summary>Reads the list as it stands at a revision of a git repository, without a checkout.</summary>
public static class ListRevision
{
    /// <summary>The file <paramref name="path"/> at <paramref name="revision"/> (a branch, tag, SHA or <c>HEAD~1</c>).</summary>
    /// <param name="repositoryPath">Any directory inside the repository.</param>
    /// <param name="revision">What <c>git rev-parse</c> would accept.</param>
    /// <param name="path">The file's path from the repository's root, with forward slashes.</param>
    /// <param name="maxBytes">Larger blobs are refused before being read.</param>
    /// <exception cref="RevisionException">The repository, the revision or the file cannot be found.</exception>
    public static SourceText Read(string repositoryPath, string revision, string path, long maxBytes = PolicyListReader.DefaultMaxFileBytes)
    {
        string? root = Repository.Discover(repositoryPath)
            ?? throw new RevisionException($"{repositoryPath}: not inside a git repository");
        using var repository = new Repository(root);
        // Peeling lets an annotated tag such as list-v42 name the commit it points at.
        var commit = repository.Lookup(revision)?.Peel<Commit>()
            ?? throw new RevisionException($"{revision}: no such revision in {repository.Info.WorkingDirectory ?? root}");
        return Blob(commit.Tree, path.Replace('\\', '/'), $"{revision} ({commit.Sha[..12]})", $"{path}@{revision}", maxBytes);
    }

    /// <summary>The file <paramref name="path"/> of <paramref name="tree"/>, named <paramref name="name"/>, refused over <paramref name="maxBytes"/> before being read.</summary>
    /// <exception cref="RevisionException">The tree has no such file, or it is too large.</exception>
    internal static SourceText Blob(Tree tree, string path, string revision, string name, long maxBytes)
    {
        if (tree[path]?.Target is not Blob blob)
        {
            throw new RevisionException($"{path}: no such file at {revision}");
        }

        if (blob.Size > maxBytes)
        {
            throw new RevisionException($"{path} at {revision}: {blob.Size} bytes is more than the {maxBytes}-byte limit");
        }

        using var content = blob.GetContentStream();
        var bytes = new byte[blob.Size];
        content.ReadExactly(bytes);
        return new SourceText(name, bytes);
    }
}

/// <summary>Whether a repository holds a revision.</summary>
public static class Revisions
{
    /// <summary>Whether the working tree's <paramref name="path"/> differs from what HEAD holds (edited, staged, new or deleted).</summary>
    public static bool HasUncommittedChanges(string repositoryPath, string path)
    {
        string? root = Repository.Discover(repositoryPath)
            ?? throw new RevisionException($"{repositoryPath}: not inside a git repository");
        using var repository = new Repository(root);
        return !repository.Info.IsBare && repository.RetrieveStatus(path.Replace('\\', '/')) is not (FileStatus.Unaltered or FileStatus.Ignored);
    }

    /// <summary>Whether the repository around <paramref name="repositoryPath"/> holds the commit <paramref name="revision"/> names.</summary>
    public static bool Holds(string repositoryPath, string revision)
    {
        string? root = Repository.Discover(repositoryPath)
            ?? throw new RevisionException($"{repositoryPath}: not inside a git repository");
        using var repository = new Repository(root);
        return repository.Lookup(revision)?.Peel<Commit>() is not null;
    }
}

/// <summary>The repository's remotes.</summary>
public static class Remotes
{
    /// <summary>OWNER/NAME of the GitHub repository <paramref name="remote"/> points at, or null when it is not on github.com or there is no such remote.</summary>
    public static string? GitHubRepository(string repositoryPath, string remote)
    {
        string? root = Repository.Discover(repositoryPath);
        if (root is null)
        {
            return null;
        }

        using var repository = new Repository(root);
        string? url = repository.Network.Remotes[remote]?.Url;
        if (url is null)
        {
            return null;
        }

        foreach (string prefix in new[] { "https://github.com/", "git@github.com:", "ssh://git@github.com/" })
        {
            if (url.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                string path = url[prefix.Length..].TrimEnd('/');
                path = path.EndsWith(".git", StringComparison.Ordinal) ? path[..^4] : path;
                return path.Split('/') is [{ Length: > 0 } owner, { Length: > 0 } name] ? $"{owner}/{name}" : null;
            }
        }

        return null;
    }
}

/// <summary>A revision or a file in it could not be found.</summary>
public sealed class RevisionException(string message) : Exception(message);
