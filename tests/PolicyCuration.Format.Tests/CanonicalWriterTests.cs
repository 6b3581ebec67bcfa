using System.Text;
using PolicyCuration.Format.Model;
using PolicyCuration.Testing;

namespace PolicyCuration.Format.Tests;

public class CanonicalWriterTests
{
    private const string Canonical = """
        {
          "timestamp": "2026-11-28T00:00:00+00:00",
          "expires": 1796000000,
          "version": "0.1",
          "author": "caf\u00e9 \"quoted\"",
          "policy-aliases": {
            "a": {
              "mode": "testing",
              "mxs": [
                "mx.example.net"
              ]
            }
          },
          "policies": {
            "a.example": {
              "policy-alias": "a"
            },
            "b.example": {
              "mode": "enforce",
              "mxs": [
                "z.b.example",
                ".b.example"
              ]
            }
          }
        }

        """;

    [Fact]
    public void ACanonicalFileIsWrittenBackByteForByte()
    {
        var list = Read(Canonical);
        Assert.Equal(Canonical, CanonicalWriter.Write(list));
    }

    [Theory]
    [InlineData("\"z.b.example\"", "\"Z.b.example\"", 1)]
    [InlineData("\"mode\": \"enforce\"", "\"mode\":  \"enforce\"", 8)]
    [InlineData("\"a.example\": {", "\"a.example\":{", 12)]
    [InlineData("caf\\u00e9", "caf\u00e9", 3)]
    public void TheFirstDifferenceIsWhereTheFileLeavesTheCanonicalForm(string canonicalPart, string written, int offsetInPart)
    {
        var list = Read(Canonical);
        string text = Canonical.Replace(canonicalPart, written, StringComparison.Ordinal);
        long expected = Encoding.UTF8.GetByteCount(Canonical[..Canonical.IndexOf(canonicalPart, StringComparison.Ordinal)]) + offsetInPart;

        Assert.Equal(expected, CanonicalWriter.FirstDifference(list, Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void ACanonicalFileHasNoDifferenceAndAShortOrLongOneDiffersAtTheEnd()
    {
        var list = Read(Canonical);
        byte[] bytes = Encoding.UTF8.GetBytes(Canonical);

        Assert.Null(CanonicalWriter.FirstDifference(list, bytes));
        Assert.Equal(bytes.Length - 1, CanonicalWriter.FirstDifference(list, bytes[..^1]));
        Assert.Equal(bytes.Length, CanonicalWriter.FirstDifference(list, bytes.Append((byte)'\n').ToArray()));
    }

    [Fact]
    public void SortsDomainsAndAliasesButKeepsTheAuthorsMxOrderInLowerCase()
    {
        var list = new PolicyList
        {
            Timestamp = new ListTime("2026-11-28T00:00:00+00:00", false),
            Expires = new ListTime("2026-12-12T00:00:00+00:00", false),
            Version = "0.1",
            Policies =
            [
                new NamedPolicy("z.example", Policy.Direct(PolicyMode.Testing, ["B.z.example", "a.z.example"])),
                new NamedPolicy("a.example", Policy.UsingAlias("p")),
            ],
            Aliases = [new NamedPolicy("q", Policy.Direct(PolicyMode.Enforce, ["mx.q.example"])), new NamedPolicy("p", Policy.Direct(PolicyMode.Enforce, ["mx.p.example"]))],
        };

        string text = CanonicalWriter.Write(list);

        Assert.True(text.IndexOf("a.example", StringComparison.Ordinal) < text.IndexOf("z.example", StringComparison.Ordinal));
        Assert.True(text.IndexOf("\"p\"", StringComparison.Ordinal) < text.IndexOf("\"q\"", StringComparison.Ordinal));
        Assert.Contains("\"b.z.example\",\n        \"a.z.example\"", text);
        Assert.EndsWith("}\n", text);
        Assert.Equal(text, CanonicalWriter.Write(Read(text)));
    }

    [Fact]
    public void EffsListComesOutAsPythonsJsonDumpsWroteItOnceSorted()
    {
        // EFF wrote its list with json.dumps(indent=2); only the order of keys and the case of a few MX patterns differ.
        var effBytes = File.ReadAllBytes(TestFiles.EffList);
        var list = PolicyListReader.Read(new SourceText("eff.json", effBytes)).List!;
        string written = CanonicalWriter.Write(list);

        Assert.Equal(926, list.Policies.Count);
        Assert.Equal(Encoding.UTF8.GetString(effBytes).Length + 1, written.Length);
        var reread = PolicyListReader.Read(new SourceText("w.json", Encoding.UTF8.GetBytes(written))).List!;
        Assert.Equal(list.Policies.Select(p => p.Name).Order(StringComparer.Ordinal), reread.Policies.Select(p => p.Name));
        Assert.Equal(written, CanonicalWriter.Write(reread));
    }

    private static PolicyList Read(string text) => PolicyListReader.Read(new SourceText("t.json", Encoding.UTF8.GetBytes(text))).List!;
}
