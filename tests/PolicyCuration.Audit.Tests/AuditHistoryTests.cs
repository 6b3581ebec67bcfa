using LibGit2Sharp;
using PolicyCuration.Format.Model;
using PolicyCuration.Testing;

namespace PolicyCuration.Audit.Tests;

public sealed class AuditHistoryTests : IDisposable
{
    private readonly TemporaryDirectory dir = new();

    public AuditHistoryTests()
    {
        Repository.Init(dir.Path);
        using var repository = new Repository(dir.Path);
        File.WriteAllText(dir.File("README"), "main branch\n");
        Commands.Stage(repository, "README");
        var author = new Signature("test", "test@example.org", DateTimeOffset.UtcNow);
        repository.Commit("main", author, author);
    }

    public void Dispose() => dir.Dispose();

    [Fact]
    public void TheHistoryIsAppendOnlyOneFilePerDayOnItsOwnBranch()
    {
        var history = new AuditHistory(dir.Path);
        var day1 = Record("a.example", new DateTimeOffset(2026, 11, 1, 6, 0, 0, TimeSpan.Zero));
        var day2 = Record("a.example", new DateTimeOffset(2026, 11, 2, 6, 0, 0, TimeSpan.Zero));

        int first = history.Append([day1, Record("b.example", day1.Time)], "day 1");
        int again = history.Append([day1], "day 1 again");
        int second = history.Append([day2], "day 2");

        Assert.Equal((2, 0, 1), (first, again, second));
        using var repository = new Repository(dir.Path);
        var tip = repository.Branches[AuditHistory.DefaultBranch].Tip;
        Assert.NotNull(tip["2026/11/01.jsonl"]);
        Assert.NotNull(tip["2026/11/02.jsonl"]);
        Assert.Equal(2, tip.Parents.Single().Tree["2026/11/01.jsonl"].Target.Peel<Blob>().GetContentText().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal("main", repository.Head.Tip.MessageShort);
        Assert.Equal("main branch\n", File.ReadAllText(dir.File("README")));
        Assert.Equal(3, history.Read().Count);
    }

    private static AuditRecord Record(string domain, DateTimeOffset time) =>
        new(domain, time, PolicyMode.Enforce, ["mx." + domain], [], "enforce", ["mx." + domain]);
}
