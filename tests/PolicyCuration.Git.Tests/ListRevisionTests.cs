using System.Text;
using LibGit2Sharp;
using PolicyCuration.Testing;

namespace PolicyCuration.Git.Tests;

public sealed class ListRevisionTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new();

    [Fact]
    public void ReadsTheListAsItStoodAtEachRevision()
    {
        string first = Commit("policy/policy.json", "{\"v\": 1}\n", "first");
        Commit("policy/policy.json", "{\"v\": 2}\n", "second");
        File.WriteAllText(Path.Combine(_dir.Path, "policy", "policy.json"), "uncommitted");

        Assert.Equal("{\"v\": 1}\n", Text(ListRevision.Read(_dir.Path, first, "policy/policy.json")));
        Assert.Equal("{\"v\": 2}\n", Text(ListRevision.Read(_dir.Path, "HEAD", "policy/policy.json")));
        Assert.Equal("{\"v\": 1}\n", Text(ListRevision.Read(Path.Combine(_dir.Path, "policy"), "HEAD~1", "policy/policy.json")));
        Assert.Equal($"policy/policy.json@{first}", ListRevision.Read(_dir.Path, first, "policy/policy.json").Path);
    }

    [Fact]
    public void ReadsAtTagsAndBranches()
    {
        Commit("policy/policy.json", "{}\n", "first");
        using (var repository = new Repository(_dir.Path))
        {
            repository.ApplyTag("list-v1", Signature(), "release 1");
            repository.CreateBranch("base");
        }

        Commit("policy/policy.json", "{\"changed\": true}\n", "second");

        Assert.Equal("{}\n", Text(ListRevision.Read(_dir.Path, "list-v1", "policy/policy.json")));
        Assert.Equal("{}\n", Text(ListRevision.Read(_dir.Path, "base", "policy/policy.json")));
    }

    [Fact]
    public void SaysWhatIsMissing()
    {
        Commit("policy/policy.json", "{}\n", "first");

        Assert.Contains("no such revision", Assert.Throws<RevisionException>(() => ListRevision.Read(_dir.Path, "nope", "policy/policy.json")).Message, StringComparison.Ordinal);
        Assert.Contains("no such file", Assert.Throws<RevisionException>(() => ListRevision.Read(_dir.Path, "HEAD", "policy/other.json")).Message, StringComparison.Ordinal);
        Assert.Contains("no such file", Assert.Throws<RevisionException>(() => ListRevision.Read(_dir.Path, "HEAD", "policy")).Message, StringComparison.Ordinal);
        using var outside = new TemporaryDirectory();
        Assert.Contains("not inside a git repository", Assert.Throws<RevisionException>(() => ListRevision.Read(outside.Path, "HEAD", "policy/policy.json")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesABlobOverTheCap()
    {
        Commit("policy/policy.json", new string(' ', 4096), "big");

        Assert.Contains("limit", Assert.Throws<RevisionException>(() => ListRevision.Read(_dir.Path, "HEAD", "policy/policy.json", maxBytes: 1024)).Message, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();

    private static string Text(Format.SourceText source) => Encoding.UTF8.GetString(source.Bytes.Span);

    private static Signature Signature() => new("Test", "test@example.invalid", new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero));

    private string Commit(string path, string content, string message)
    {
        if (!Repository.IsValid(_dir.Path))
        {
            Repository.Init(_dir.Path);
        }

        using var repository = new Repository(_dir.Path);
        string full = Path.Combine(_dir.Path, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        Commands.Stage(repository, path);
        return repository.Commit(message, Signature(), Signature()).Sha;
    }
}
