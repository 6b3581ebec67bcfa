using System.Globalization;
using LibGit2Sharp;

namespace PolicyCuration.Git;

/// <summary>The release tags <c>list-v&lt;serial&gt;</c> of the repository: the last serial, and the tag of a new release.</summary>
public static class ReleaseTags
{
    /// <summary>The prefix of release tags.</summary>
    public const string Prefix = "list-v";

    /// <summary>The highest serial among the repository's release tags, or 0 when there is none.</summary>
    public static long LastSerial(string repositoryPath)
    {
        using var repository = Open(repositoryPath);
        return repository.Tags
            .Select(tag => tag.FriendlyName)
            .Where(name => name.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(name => long.TryParse(name.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long serial) ? serial : 0)
            .DefaultIfEmpty(0)
            .Max();
    }

    /// <summary>Whether <paramref name="listPath"/> at HEAD holds exactly <paramref name="content"/> (the released list is committed).</summary>
    public static bool HeadHolds(string repositoryPath, string listPath, byte[] content)
    {
        using var repository = Open(repositoryPath);
        string relative = Path.GetRelativePath(repository.Info.WorkingDirectory, Path.GetFullPath(listPath)).Replace('\\', '/');
        return repository.Head.Tip?[relative]?.Target is Blob blob && blob.GetContentStream().ReadAllBytes().AsSpan().SequenceEqual(content);
    }

    /// <summary>Creates the annotated tag <c>list-v&lt;serial&gt;</c> at HEAD; returns its name.</summary>
    public static string Create(string repositoryPath, long serial, string message)
    {
        using var repository = Open(repositoryPath);
        string name = Prefix + serial.ToString(CultureInfo.InvariantCulture);
        if (repository.Tags[name] is not null)
        {
            throw new RevisionException($"tag {name} already exists; give another --serial");
        }

        var tagger = repository.Config.BuildSignature(DateTimeOffset.Now) ?? new Signature("policyctl", "policyctl@localhost", DateTimeOffset.Now);
        repository.ApplyTag(name, repository.Head.Tip.Sha, tagger, message);
        return name;
    }

    private static Repository Open(string path) =>
        Repository.Discover(Path.GetFullPath(path)) is { } found ? new Repository(found) : throw new RevisionException($"{path} is not inside a git repository");

    private static byte[] ReadAllBytes(this Stream stream)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
