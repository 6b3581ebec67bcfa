using System.Text.Json;
using LibGit2Sharp;

namespace PolicyCuration.Cli.Tests;

/// <summary>A git repository whose commits each rewrite <c>policy/policy.json</c>, for the commands that read the list from git.</summary>
internal sealed class ListRepository
{
    public ListRepository(string path)
    {
        Path = path;
        Repository.Init(path);
    }

    public string Path { get; }

    public string ListFile => System.IO.Path.Combine(Path, "policy", "policy.json");

    /// <summary>A list valid from yesterday for ten days, its domains in testing; names are written as JSON strings, so any text can be one.</summary>
    public static string List(params (string Domain, string Mx)[] entries)
    {
        var now = DateTimeOffset.UtcNow;
        string Time(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", System.Globalization.CultureInfo.InvariantCulture);
        var policies = entries.Select(e => $"    {JsonSerializer.Serialize(e.Domain)}: {{\n      \"mode\": \"testing\",\n      \"mxs\": [\n        {JsonSerializer.Serialize(e.Mx)}\n      ]\n    }}");
        return $"{{\n  \"timestamp\": \"{Time(now.AddDays(-1))}\",\n  \"expires\": \"{Time(now.AddDays(10))}\",\n  \"version\": \"0.1\",\n  \"policies\": {{\n{string.Join(",\n", policies)}\n  }}\n}}\n";
    }

    /// <summary>Commits <paramref name="list"/> as the list on top of <paramref name="parent"/>, leaving HEAD where it is (another branch's tip); returns the commit's SHA.</summary>
    public string CommitOn(string parent, string list, string message)
    {
        using var repository = new Repository(Path);
        var blob = repository.ObjectDatabase.CreateBlob(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(list)));
        var parentCommit = repository.Lookup<LibGit2Sharp.Commit>(parent);
        var tree = TreeDefinition.From(parentCommit.Tree);
        tree.Add("policy/policy.json", blob, Mode.NonExecutableFile);
        var author = new Signature("test", "test@example.org", DateTimeOffset.UtcNow);
        return repository.ObjectDatabase.CreateCommit(author, author, message, repository.ObjectDatabase.CreateTree(tree), [parentCommit], prettifyMessage: false).Sha;
    }

    /// <summary>Commits <paramref name="list"/> as the list; returns the commit's SHA.</summary>
    public string Commit(string list, string message)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(ListFile)!);
        File.WriteAllText(ListFile, list);
        using var repository = new Repository(Path);
        LibGit2Sharp.Commands.Stage(repository, "*");
        var author = new Signature("test", "test@example.org", DateTimeOffset.UtcNow);
        return repository.Commit(message, author, author).Sha;
    }
}
