using System.Text.Json;
using LibGit2Sharp;
using PolicyCuration.Testing;
using static PolicyCuration.Cli.Tests.PolicyCtlRunner;

namespace PolicyCuration.Cli.Tests;

public sealed class DiffCommandTests : IDisposable
{
    private const string Header = "{\"timestamp\": \"2026-11-28T00:00:00+00:00\", \"expires\": \"2026-12-12T00:00:00+00:00\", \"version\": \"0.1\",";
    private readonly TemporaryDirectory _dir = new();
    private readonly string _base;
    private readonly string _head;

    public DiffCommandTests()
    {
        Repository.Init(_dir.Path);
        _base = Commit("""
            "policy-aliases": {"g": {"mode": "testing", "mxs": ["mx.g.example"]}},
            "policies": {"a.example": {"policy-alias": "g"}, "b.example": {"mode": "testing", "mxs": ["mx.b.example"]}, "gone.example": {"mode": "testing", "mxs": ["mx.gone.example"]}}}
            """);
        _head = Commit("""
            "policy-aliases": {"g": {"mode": "testing", "mxs": ["mx.g.example", ".g.example"]}},
            "policies": {"a.example": {"policy-alias": "g"}, "b.example": {"mode": "enforce", "mxs": ["mx.b.example"]}, "new.example": {"mode": "testing", "mxs": ["mx.new.example"]}}}
            """);
    }

    [Fact]
    public void TextListsEveryChangeAndTheAliasWithTheDomainsItAffects()
    {
        var (code, output, _) = Run("diff", "--repo", _dir.Path, "--base", _base, "--head", _head);

        Assert.Equal(0, code);
        string[] lines = output.TrimEnd().Split('\n');
        Assert.Equal("changed  a.example: through alias g", lines[0]);
        Assert.Equal("changed  b.example: testing [mx.b.example] -> enforce [mx.b.example]", lines[1]);
        Assert.Equal("removed  gone.example: was testing [mx.gone.example]", lines[2]);
        Assert.Equal("added    new.example: testing [mx.new.example]", lines[3]);
        Assert.StartsWith("alias    g changed:", lines[4], StringComparison.Ordinal);
        Assert.EndsWith("affects a.example", lines[4], StringComparison.Ordinal);
        Assert.Equal("1 added, 1 removed, 2 changed domains; 1 changed aliases", lines[5]);
    }

    [Fact]
    public void JsonHasDomainsAndAliases()
    {
        var (code, output, _) = Run("diff", "--repo", _dir.Path, "--base", _base, "--head", "HEAD", "--format", "json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        var changes = json.RootElement.GetProperty("domains").EnumerateArray()
            .Select(d => (d.GetProperty("domain").GetString(), d.GetProperty("change").GetString())).ToList();
        Assert.Equal([("a.example", "alias_changed"), ("b.example", "changed"), ("gone.example", "removed"), ("new.example", "added")], changes);
        var alias = json.RootElement.GetProperty("aliases")[0];
        Assert.Equal(["a.example"], alias.GetProperty("affected_domains").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(2, alias.GetProperty("after").GetProperty("mxs").GetArrayLength());
    }

    [Fact]
    public void AnUnknownRevisionIsAUsageError()
    {
        var (code, _, error) = Run("diff", "--repo", _dir.Path, "--base", "no-such-branch");

        Assert.Equal(2, code);
        Assert.Contains("no-such-branch: no such revision", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ARevisionWithBrokenJsonExitsOne()
    {
        string broken = Commit("\"policies\": {");

        var (code, output, _) = Run("diff", "--repo", _dir.Path, "--base", _base, "--head", broken);

        Assert.Equal(1, code);
        Assert.Contains("json.syntax", output, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();

    private string Commit(string body)
    {
        using var repository = new Repository(_dir.Path);
        Directory.CreateDirectory(Path.Combine(_dir.Path, "policy"));
        File.WriteAllText(Path.Combine(_dir.Path, "policy", "policy.json"), Header + body);
        LibGit2Sharp.Commands.Stage(repository, "policy/policy.json");
        var signature = new Signature("Test", "test@example.invalid", DateTimeOffset.UnixEpoch);
        return repository.Commit("change", signature, signature).Sha;
    }
}
