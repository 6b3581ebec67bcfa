using System.Text;
using PolicyCuration.Format.Model;
using PolicyCuration.Testing;

namespace PolicyCuration.Format.Tests;

public class PolicyListReaderTests
{
    [Fact]
    public void ReadsEffsList()
    {
        var read = PolicyListReader.ReadFile(TestFiles.EffList);

        Assert.Empty(read.Problems);
        var list = read.List!;
        Assert.Equal("0.1", list.Version);
        Assert.Equal(4, list.Aliases.Count);
        Assert.Equal(926, list.Policies.Count);
        var gmail = list.Policies.Single(p => p.Name == "gmail.com").Policy;
        Assert.NotNull(gmail.Mode);
        Assert.Equal(new DateTimeOffset(2020, 6, 3, 17, 25, 12, TimeSpan.Zero).AddTicks(7_100_550), list.Expires!.Value);
        var aol = list.Policies.Single(p => p.Name == "aol.com").Policy;
        Assert.Equal("yahoo", aol.Alias);
        Assert.Equal(PolicyMode.Testing, list.Resolve(aol)!.Mode);
    }

    [Fact]
    public void NotesWhatDoesNotFitTheFormatWithoutGivingUp()
    {
        const string text = """
            {"timestamp": true, "version": "0.1", "policies": {
              "a.example": {"mode": "sometimes", "mxs": ["mx.a.example", 3], "colour": "red"},
              "b.example": []
            }}
            """;
        var read = PolicyListReader.Read(new SourceText("t.json", Encoding.UTF8.GetBytes(text)));

        Assert.All(read.Problems, p => Assert.Equal("list.shape", p.Code));
        Assert.Equal(5, read.Problems.Count);
        Assert.Equal(2, read.List!.Policies.Count);
        Assert.Null(read.List.Policies[0].Policy.Mode);
        Assert.Null(read.List.Policies[0].Policy.Mxs); // an array with a non-string item is left out whole
    }

    [Fact]
    public void RefusesAFileOverTheCapBeforeReadingIt()
    {
        using var dir = new TemporaryDirectory();
        string path = dir.File("big.json");
        File.WriteAllText(path, new string(' ', 2048));

        var read = PolicyListReader.ReadFile(path, maxBytes: 1024);

        Assert.Equal("json.file_too_large", Assert.Single(read.Problems).Code);
        Assert.Null(read.List);
    }
}
