using System.Text;
using PolicyCuration.Format.Findings;
using PolicyCuration.Testing;

namespace PolicyCuration.Validation.Tests;

public class HostileCorpusTests
{
    public static TheoryData<string, string, string> Expectations()
    {
        var data = new TheoryData<string, string, string>();
        foreach (string line in File.ReadLines(Path.Combine(TestFiles.HostileCorpus, "EXPECTED")))
        {
            if (line.StartsWith('#') || line.Length == 0)
            {
                continue;
            }

            string[] parts = line.Split('\t');
            data.Add(parts[0], parts[1], parts[2]);
        }

        return data;
    }

    public static IReadOnlySet<string> ExpectedCodes() =>
        Expectations().Select(row => (string)row[1]).ToHashSet();

    [Theory]
    [MemberData(nameof(Expectations))]
    public void EachHostileFileIsRefusedWithItsCodeAndPosition(string file, string code, string position)
    {
        var report = Validation.OfFile(Path.Combine(TestFiles.HostileCorpus, file));

        var matching = report.Findings.Where(f => f.Code == code && f.Severity == Severity.Error).ToList();
        string got = string.Join(" | ", report.Findings.Select(f => $"{f.Location} {f.Code}"));
        Assert.True(matching.Count > 0, $"{file}: no {code}; got {got}");
        Assert.False(report.IsValid);
        if (position != "-")
        {
            Assert.True(matching.Exists(f => $"{f.Location!.Line}:{f.Location.Column}" == position), $"{file}: no {code} at {position}; got {got}");
        }

        Assert.All(report.Findings, f => Assert.False(string.IsNullOrWhiteSpace(f.Message)));
    }

    [Fact]
    public void TheCorpusHasAtLeastFortyFilesAndEveryOneIsListed()
    {
        var files = Directory.GetFiles(TestFiles.HostileCorpus, "*.json").Select(Path.GetFileName).ToHashSet();
        var listed = Expectations().Select(row => (string)row[0]).ToHashSet();

        Assert.True(files.Count >= 40, $"{files.Count} files");
        Assert.Equal(files.Order(), listed.Order());
    }

    [Fact]
    public void TenThousandLevelsOfNestingAreRefusedAtTheLimit()
    {
        using var dir = new TemporaryDirectory();
        string path = dir.File("deep.json");
        File.WriteAllText(path, "{\"policies\": " + new string('[', 10_000) + new string(']', 10_000) + "}");

        var finding = Assert.Single(Validation.OfFile(path).Findings);

        Assert.Equal("json.too_deep", finding.Code);
        Assert.Equal(1, finding.Location!.Line);
    }

    [Fact]
    public void AFiftyMegabyteStringIsRefusedWithBoundedMemory()
    {
        using var dir = new TemporaryDirectory();
        string path = dir.File("long-string.json");
        using (var writer = new StreamWriter(path, false, new UTF8Encoding(false)))
        {
            writer.Write("{\n  \"timestamp\": \"2026-11-28T00:00:00+00:00\",\n  \"expires\": \"2026-12-12T00:00:00+00:00\",\n  \"version\": \"0.1\",\n  \"author\": \"");
            writer.Write(new string('a', 50 * 1024 * 1024));
            writer.Write("\",\n  \"policies\": {}\n}\n");
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        var report = Validation.OfFile(path);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var finding = Assert.Single(report.Findings);
        Assert.Equal("json.token_too_long", finding.Code);
        Assert.Equal((5, 13), (finding.Location!.Line, finding.Location.Column));

        // The file is read once; nothing proportional to the string is allocated beyond that.
        Assert.True(allocated < 60L * 1024 * 1024, $"{allocated} bytes allocated for a 50 MB file");
    }

    [Fact]
    public void APolicyWithTwoHundredThousandMembersGetsAShortMessage()
    {
        using var dir = new TemporaryDirectory();
        string path = dir.File("wide-policy.json");
        string members = string.Join(", ", Enumerable.Range(0, 200_000).Select(i => $"\"k{i}\": 1"));
        File.WriteAllText(path, Validation.List($"{{\"example.org\": {{\"mode\": \"enforce\", \"mxs\": [\"mx.example.org\"], {members}}}}}"));

        var finding = Assert.Single(Validation.OfFile(path).Findings);

        Assert.Equal("schema.policy_shape", finding.Code);
        Assert.Contains("and 199995 more", finding.Message, StringComparison.Ordinal);
        Assert.True(finding.Message.Length < 1000, $"{finding.Message.Length} characters");
    }

    [Fact]
    public void AMillionMxPatternsAreRefusedByTheSchema()
    {
        using var dir = new TemporaryDirectory();
        string path = dir.File("many-mxs.json");
        string mxs = string.Join(", ", Enumerable.Repeat("\"mx.example.org\"", 1_000_000));
        File.WriteAllText(path, Validation.OneDomain("example.org", mxs));

        var report = Validation.OfFile(path);

        Assert.Contains(report.Findings, f => f.Code == "schema.violation" && f.Message.Contains("at most 256", StringComparison.Ordinal));
    }
}
