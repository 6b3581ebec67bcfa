using System.Text;
using PolicyCuration.Format;
using PolicyCuration.Format.Model;
using PolicyCuration.Testing;

namespace PolicyCuration.Consumer.Tests;

/// <summary>The Postfix map of a list: what each entry becomes, what refuses the whole map, and the admin's overrides.</summary>
public sealed class PostfixMapTests : IDisposable
{
    private const string Head = "{\"timestamp\": \"2026-11-28T00:00:00+00:00\", \"expires\": \"2026-12-12T00:00:00+00:00\", \"version\": \"0.1\", ";
    private readonly TemporaryDirectory dir = new();

    public void Dispose() => dir.Dispose();

    /// <summary>Policies, early adoption, SNI, and the map's lines.</summary>
    public static TheoryData<string, bool, bool, string> Maps { get; } = new()
    {
        { "{\"a.example\": {\"mode\": \"enforce\", \"mxs\": [\"mx.a.example\", \".mail.a.example\"]}}", false, true, "a.example\tsecure match=mx.a.example:.mail.a.example servername=hostname\n" },
        { "{\"a.example\": {\"mode\": \"enforce\", \"mxs\": [\"mx.a.example\"]}}", false, false, "a.example\tsecure match=mx.a.example\n" },
        { "{\"b.example\": {\"mode\": \"testing\", \"mxs\": [\"mx.b.example\"]}}", false, true, "# testing: b.example\tsecure match=mx.b.example servername=hostname\n" },
        { "{\"b.example\": {\"mode\": \"testing\", \"mxs\": [\"mx.b.example\"]}}", true, true, "b.example\tsecure match=mx.b.example servername=hostname\n" },
        { "{\"C.Example\": {\"mode\": \"enforce\", \"mxs\": [\"MX.C.Example\"]}}", false, false, "c.example\tsecure match=mx.c.example\n" },
        { "{\"z.example\": {\"mode\": \"enforce\", \"mxs\": [\"mx.z.example\"]}, \"a.example\": {\"mode\": \"enforce\", \"mxs\": [\"mx.a.example\"]}}", false, false, "z.example\tsecure match=mx.z.example\na.example\tsecure match=mx.a.example\n" },
    };

    [Theory]
    [MemberData(nameof(Maps))]
    public void EachEntryBecomesOneLine(string policies, bool earlyAdopter, bool serverName, string expected) =>
        Assert.Equal(expected, Lines(Head + $"\"policies\": {policies}}}", new PostfixMapOptions(earlyAdopter, serverName)));

    [Fact]
    public void AnAliasIsWrittenIntoEachDomainThatUsesIt()
    {
        string list = Head + "\"policy-aliases\": {\"provider\": {\"mode\": \"enforce\", \"mxs\": [\".mx.provider.net\"]}}, " +
            "\"policies\": {\"a.example\": {\"policy-alias\": \"provider\"}, \"b.example\": {\"policy-alias\": \"provider\"}}}";

        Assert.Equal(
            "a.example\tsecure match=.mx.provider.net servername=hostname\nb.example\tsecure match=.mx.provider.net servername=hostname\n",
            Lines(list, new PostfixMapOptions()));
    }

    [Theory]
    [InlineData("{\"Example.org\": {\"mode\": \"enforce\", \"mxs\": [\"mx.example.org\"]}, \"example.org\": {\"mode\": \"testing\", \"mxs\": [\"mx.example.org\"]}}", "example.org is listed twice (list.map)")]
    [InlineData("{\"a.example\": {\"mode\": \"enforce\", \"mxs\": [\"mx.a\"]}, \"c.example\": {\"mode\": \"enforce\", \"mxs\": [\"mx.c\"]}, \"C.Example\": {\"mode\": \"enforce\", \"mxs\": [\"mx.c\"]}}", "c.example is listed twice (list.map)")]
    [InlineData("{\"a.example\": {\"mode\": \"enforce\", \"mxs\": [\"mx.a\"]}, \"b.example\": {\"mode\": \"enforce\", \"mxs\": [\"mx.b\"]}, \"c.example\": {\"mode\": \"none\", \"mxs\": [\"mx.c\"]}}", "at line 1, column 231: \"mode\" of \"c.example\" is not a valid policy member (list.shape)")]
    [InlineData("{\"a.example\": {\"policy-alias\": \"nowhere\"}}", "a.example uses the unknown alias nowhere")]
    [InlineData("{\"a.example\": {\"mode\": \"enforce\", \"mxs\": []}}", "a.example has no MX pattern (list.map)")]
    [InlineData("{\"a.example\": {\"mode\": \"enforce\"}}", "a.example has no MX pattern (list.map)")]
    [InlineData("{\"a.example\": {\"mode\": \"enforce\", \"mxs\": [\"mx a.example\"]}}", "an MX pattern of a.example holds a character map syntaxes reserve")]
    [InlineData("{\"a.example\": {\"mode\": \"enforce\", \"mxs\": [\"mx.a.example:25\"]}}", "reserve")]
    [InlineData("{\"a.example\": {\"mode\": \"enforce\", \"mxs\": [\"mx.a.example#\"]}}", "reserve")]
    [InlineData("{\"a.example\": {\"mode\": \"enforce\", \"mxs\": [\"mx.a\\u0001example\"]}}", "or a control character")]
    [InlineData("{\"a.example\\tsecure\": {\"mode\": \"enforce\", \"mxs\": [\"mx.a.example\"]}}", "the domain a.example\tsecure holds a character")]
    [InlineData("{\".a.example\": {\"mode\": \"enforce\", \"mxs\": [\"mx.a.example\"]}}", "the domain .a.example is not a host name")]
    [InlineData("{\"a\\\"b.example\": {\"mode\": \"enforce\", \"mxs\": [\"mx.a.example\"]}}", "is not a host name")]
    [InlineData("{\"a\\\\b.example\": {\"mode\": \"enforce\", \"mxs\": [\"mx.a.example\"]}}", "is not a host name")]
    [InlineData("{\"a\u2028b.example\": {\"mode\": \"enforce\", \"mxs\": [\"mx.a.example\"]}}", "is not a host name")]
    [InlineData("{\"a.example\": {\"mode\": \"enforce\", \"mxs\": [\"..a.example\"]}}", "an MX pattern of a.example is neither a host name nor a dot and one")]
    [InlineData("{\"a.example\": {\"mode\": \"enforce\", \"mxs\": [\"mx.-a.example\"]}}", "is neither a host name")]
    [InlineData("{\"a.example\": {\"mode\": \"none\", \"mxs\": [\"mx.a.example\"]}}", "(list.shape)")]
    [InlineData("{\"a.example\": {\"mode\": \"enforce\", \"mxs\": [1]}}", "(list.shape)")]
    [InlineData("{\"a.example\": {\"mode\": \"enforce\", \"mxs\": [\"mx.a.example\"], \"extra\": 1}}", "(list.shape)")]
    [InlineData("{\"a.example\": {\"mode\": \"enforce\", \"mode\": \"testing\", \"mxs\": [\"mx.a.example\"]}}", "(json.duplicate_key)")]
    [InlineData("{\"a.example\": [\"mx.a.example\"]}", "(list.shape)")]
    [InlineData("{\"a.example\": {\"mode\": \"enforce\", \"mxs\": [\"mx.a.example\"]},}", "(json.syntax)")]
    public void RefusesAMapThatWouldBeWrong(string policies, string message)
    {
        string list = Head + $"\"policies\": {policies}}}";

        var refused = Assert.Throws<MapRefusedException>(() => PostfixMap.Render(Encoding.UTF8.GetBytes(list), new PostfixMapOptions()));
        Assert.Contains(message, refused.Message);
        Assert.StartsWith("at line 1, column ", refused.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF, (byte)'{', (byte)'}' }, "json.encoding.bom")]
    [InlineData(new byte[] { (byte)'{', (byte)'"', 0xC0, 0xAF, (byte)'"', (byte)':', (byte)'1', (byte)'}' }, "json.encoding.invalid_utf8")]
    [InlineData(new byte[] { (byte)'[', (byte)']' }, "list.shape")]
    [InlineData(new byte[] { }, "json.syntax")]
    public void RefusesWhatIsNotAList(byte[] bytes, string code)
    {
        var refused = Assert.Throws<MapRefusedException>(() => PostfixMap.Render(bytes, new PostfixMapOptions()));
        Assert.Contains($"({code})", refused.Message);
    }

    [Fact]
    public void ABrokenEntryDeepInALargeListIsRefusedWithItsLine()
    {
        var entries = Enumerable.Range(0, 5000).Select(i => ($"d{i:00000}.example", PolicyMode.Enforce, new[] { $"mx.d{i:00000}.example" })).ToArray();
        string list = CanonicalWriter.Write(Releases.PolicyList(entries));
        int at = list.IndexOf("\"mx.d03000.example\"", StringComparison.Ordinal);
        string broken = list[..at] + "\"mx.d03000.example:25\"" + list[(at + "\"mx.d03000.example\"".Length)..];
        int line = list[..at].Count(c => c == '\n') + 1;

        var refused = Assert.Throws<MapRefusedException>(() => PostfixMap.Render(Encoding.UTF8.GetBytes(broken), new PostfixMapOptions()));

        Assert.Contains("d03000.example", refused.Message);
        Assert.Matches(@"^at line (\d+), column \d+: ", refused.Message);
        Assert.InRange(int.Parse(System.Text.RegularExpressions.Regex.Match(refused.Message, @"line (\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), line - 6, line);
    }

    [Fact]
    public void EffsListGivesOneLinePerDomainEnforcedOrCommented()
    {
        var read = PolicyListReader.ReadFile(TestFiles.EffList);
        var list = read.List!;

        string map = Lines(File.ReadAllText(TestFiles.EffList), new PostfixMapOptions());

        var lines = map.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(list.Policies.Count, lines.Length);
        foreach (var entry in list.Policies)
        {
            var policy = list.Resolve(entry.Policy)!;
            string line = $"{entry.Name.ToLowerInvariant()}\tsecure match={string.Join(':', policy.Mxs!.Select(m => m.Text.ToLowerInvariant()))} servername=hostname";
            Assert.Contains(policy.Mode == PolicyMode.Enforce ? line : "# testing: " + line, lines);
        }
    }

    [Fact]
    public void EveryFileOfTheHostileCorpusIsRefusedOrGivesAMap()
    {
        var files = Directory.GetFiles(TestFiles.HostileCorpus, "*.json");
        Assert.True(files.Length > 40);
        int refused = 0;
        foreach (string file in files)
        {
            try
            {
                PostfixMap.Render(File.ReadAllBytes(file), new PostfixMapOptions());
            }
            catch (MapRefusedException e)
            {
                Assert.Matches(@"\([a-z0-9_]+(\.[a-z0-9_]+)+\)$", e.Message);
                refused++;
            }
        }

        Assert.True(refused > files.Length / 2, $"only {refused} of {files.Length} hostile files were refused");
    }

    [Fact]
    public void OverridesDropReplaceAndAddDomainsAfterTheList()
    {
        string list = Head + "\"policies\": {\"a.example\": {\"mode\": \"enforce\", \"mxs\": [\"mx.a.example\"]}, \"b.example\": {\"mode\": \"enforce\", \"mxs\": [\"mx.b.example\"]}, " +
            "\"c.example\": {\"mode\": \"enforce\", \"mxs\": [\"mx.c.example\"]}}}";
        File.WriteAllText(dir.File("overrides"), """
            # broke today, the provider is on it
            A.example none
            b.example   dane-only
            new.example secure match=.mail.new.example servername=hostname   # our partner
            """);

        string map = Lines(list, new PostfixMapOptions(Overrides: MapOverrides.Read(dir.File("overrides"))));

        Assert.Equal(
            "# overridden below: a.example\n# overridden below: b.example\nc.example\tsecure match=mx.c.example servername=hostname\n" +
            $"# local overrides ({dir.File("overrides")})\n# none: a.example\nb.example\tdane-only\nnew.example\tsecure match=.mail.new.example servername=hostname\n",
            map);
    }

    [Theory]
    [InlineData("example", 1, 1, "is not a mail domain")]
    [InlineData("a.example", 1, 10, "say what to do")]
    [InlineData("a.example strict", 1, 11, "is not none or a Postfix security level")]
    [InlineData("a.example none extra", 1, 11, "takes nothing after it")]
    [InlineData("a.example secure match", 1, 18, "is not a policy attribute")]
    [InlineData("a.example secure match=a,b", 1, 18, "is not a policy attribute")]
    [InlineData("a.example none\n\n  A.EXAMPLE secure", 3, 3, "is overridden twice")]
    [InlineData("mx:25.example none", 1, 1, "is not a mail domain")]
    public void ABadOverrideIsRefusedWithItsPlace(string text, int line, int column, string message)
    {
        File.WriteAllText(dir.File("overrides"), text);

        var refused = Assert.Throws<MapRefusedException>(() => MapOverrides.Read(dir.File("overrides")));

        Assert.StartsWith($"{dir.File("overrides")}:{line}:{column}: ", refused.Message);
        Assert.Contains(message, refused.Message);
        Assert.EndsWith("(override.invalid)", refused.Message);
    }

    private static string Lines(string list, PostfixMapOptions options) =>
        Encoding.UTF8.GetString(PostfixMap.Render(Encoding.UTF8.GetBytes(list), options).Body.Span);
}
