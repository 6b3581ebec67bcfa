using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PolicyCuration.Format;
using PolicyCuration.Format.Findings;
using PolicyCuration.Format.Model;
using PolicyCuration.Testing;

namespace PolicyCuration.Consumer.Tests;

/// <summary>
/// The map is written straight from the list's bytes, the fast way for entries in canonical layout (in parts side by
/// side on a large list) and the careful way for the rest. Whatever the layout, it must be the map the list's model
/// gives: <see cref="ModelMap"/> builds that from the curation tools' reader, and every test compares the two.
/// </summary>
public sealed class PostfixMapTests
{
    // Large enough to be cut into parts (a policies object of more than 1 MB).
    private const int LargeCount = 12_000;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ACanonicalLargeListGivesTheModelsMap(bool earlyAdopter)
    {
        string list = CanonicalWriter.Write(Generated(LargeCount));
        Assert.True(list.Length > 1_500_000);

        AssertSameMap(list, earlyAdopter);
        Assert.True(PostfixMap.Render(Encoding.UTF8.GetBytes(list), earlyAdopter).Parts.Count > 2, "rendered in parts side by side");
    }

    [Theory]
    [InlineData("minified")]
    [InlineData("policies before aliases")]
    [InlineData("tabs")]
    [InlineData("one entry reordered")]
    [InlineData("one entry escaped")]
    [InlineData("entries unsorted")]
    [InlineData("upper-case names and patterns")]
    public void EveryOtherLayoutGivesTheSameMap(string layout)
    {
        string canonical = CanonicalWriter.Write(Generated(LargeCount));
        string list = layout switch
        {
            "minified" => JsonNode.Parse(canonical)!.ToJsonString(),
            "policies before aliases" => PoliciesFirst(canonical),
            "tabs" => canonical.Replace("\n      \"mode\"", "\n\t\"mode\"", StringComparison.Ordinal),
            "one entry reordered" => ReorderOne(canonical, LargeCount / 3),
            "one entry escaped" => EscapeOne(canonical, LargeCount / 2),
            "entries unsorted" => Reversed(canonical),
            "upper-case names and patterns" => UpperCase(canonical),
            _ => throw new ArgumentOutOfRangeException(nameof(layout)),
        };
        Assert.NotEqual(canonical, list);

        AssertSameMap(list, earlyAdopter: false);
        var lines = Lines(list, earlyAdopter: false).Split('\n');
        var expected = Lines(canonical, earlyAdopter: false).Split('\n');
        bool anyOrder = layout == "entries unsorted";
        Assert.Equal<string>(anyOrder ? [.. expected.Order()] : expected, anyOrder ? [.. lines.Order()] : lines);
    }

    [Fact]
    public void EffsListGivesTheModelsMap()
    {
        AssertSameMap(File.ReadAllText(TestFiles.EffList), earlyAdopter: false);
        AssertSameMap(File.ReadAllText(TestFiles.EffList), earlyAdopter: true);
    }

    [Fact]
    public void EveryFileOfTheHostileCorpusIsRefusedOrGivesTheModelsMap()
    {
        var files = Directory.GetFiles(TestFiles.HostileCorpus, "*.json");
        Assert.True(files.Length > 40);
        foreach (string file in files)
        {
            AssertSameMap(File.ReadAllBytes(file), earlyAdopter: false, Path.GetFileName(file));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void ADomainTwiceIsRefusedWhereverItIs(int eighth)
    {
        var list = Generated(LargeCount);
        int at = Math.Min(list.Policies.Count - 1, list.Policies.Count * eighth / 8);
        var twice = list with { Policies = [.. list.Policies.Take(at + 1), list.Policies[at], .. list.Policies.Skip(at + 1)] };
        string text = CanonicalWriter.Write(twice);

        var refused = Assert.Throws<MapRefusedException>(() => PostfixMap.Render(Encoding.UTF8.GetBytes(text), false));
        Assert.Contains($"{list.Policies[at].Name} is listed twice", refused.Message);
    }

    [Theory]
    [InlineData("{\"Example.org\": {\"mode\": \"enforce\", \"mxs\": [\"mx.example.org\"]}, \"example.org\": {\"mode\": \"testing\", \"mxs\": [\"mx.example.org\"]}}", "example.org is listed twice")]
    [InlineData("{\"a.example\": {\"policy-alias\": \"nowhere\"}}", "uses the unknown alias nowhere")]
    [InlineData("{\"a.example\": {\"mode\": \"enforce\", \"mxs\": []}}", "has no MX pattern")]
    [InlineData("{\"a.example\": {\"mode\": \"enforce\"}}", "has no MX pattern")]
    [InlineData("{\"a.example\": {\"mode\": \"enforce\", \"mxs\": [\"mx a.example\"]}}", "an MX pattern of a.example holds a character Postfix's map syntax reserves")]
    [InlineData("{\"a.example\": {\"mode\": \"enforce\", \"mxs\": [\"mx.a.example:25\"]}}", "reserves")]
    [InlineData("{\"a.example\": {\"mode\": \"enforce\", \"mxs\": [\"mx.a.example#\"]}}", "reserves")]
    [InlineData("{\"a.example\": {\"mode\": \"enforce\", \"mxs\": [\"mx.a\\u0001example\"]}}", "or a control character")]
    [InlineData("{\"a.example\\tsecure\": {\"mode\": \"enforce\", \"mxs\": [\"mx.a.example\"]}}", "the domain a.example\tsecure holds a character")]
    [InlineData("{\"a.example\": {\"mode\": \"none\", \"mxs\": [\"mx.a.example\"]}}", "a mode is \"enforce\" or \"testing\"")]
    [InlineData("{\"a.example\": {\"mode\": \"enforce\", \"mxs\": [1]}}", "must be a string")]
    [InlineData("{\"a.example\": {\"mode\": \"enforce\", \"mxs\": [\"mx.a.example\"], \"extra\": 1}}", "is not a valid policy member")]
    [InlineData("{\"a.example\": {\"mode\": \"enforce\", \"mode\": \"testing\", \"mxs\": [\"mx.a.example\"]}}", "is not a valid policy member (or appears twice")]
    [InlineData("{\"a.example\": [\"mx.a.example\"]}", "must be an object")]
    [InlineData("{\"a.example\": {\"mode\": \"enforce\", \"mxs\": [\"mx.a.example\"]},}", "(json.syntax)")]
    public void RefusesAMapThatWouldBeWrong(string policies, string message)
    {
        string list = $"{{\"timestamp\": \"2026-11-28T00:00:00+00:00\", \"expires\": \"2026-12-12T00:00:00+00:00\", \"version\": \"0.1\", \"policies\": {policies}}}";

        var refused = Assert.Throws<MapRefusedException>(() => PostfixMap.Render(Encoding.UTF8.GetBytes(list), false));
        Assert.Contains(message, refused.Message);
    }

    [Fact]
    public void ABrokenEntryDeepInALargeCanonicalListIsRefusedWithItsLine()
    {
        string canonical = CanonicalWriter.Write(Generated(LargeCount));
        int cut = canonical.IndexOf("\n    },\n", canonical.Length * 2 / 3, StringComparison.Ordinal);
        string broken = canonical[..(cut + 7)] + "," + canonical[(cut + 7)..];
        int line = broken[..(cut + 7)].Count(c => c == '\n') + 1;

        var refused = Assert.Throws<MapRefusedException>(() => PostfixMap.Render(Encoding.UTF8.GetBytes(broken), false));
        Assert.Contains($"at line {line}", refused.Message);
        Assert.Contains("(json.syntax)", refused.Message);
    }

    [Theory]
    [InlineData("\n    \"d", "a domain name")]
    [InlineData("\n        \"mx", "an MX pattern")]
    [InlineData("\"policy-alias\": \"provider", "an alias used")]
    [InlineData("\n    \"provider", "an alias defined")]
    [InlineData("\"mode\": \"", "a mode")]
    public void ARawControlCharacterInAStringOfACanonicalListIsRefused(string before, string where)
    {
        string canonical = CanonicalWriter.Write(Generated(LargeCount));
        int at = canonical.IndexOf(before, canonical.Length / 2, StringComparison.Ordinal);
        if (where == "an alias defined")
        {
            at = canonical.IndexOf(before, StringComparison.Ordinal);
        }

        at += before.Length;
        string broken = canonical[..at] + "\u0001" + canonical[at..];

        var refused = Assert.Throws<MapRefusedException>(() => PostfixMap.Render(Encoding.UTF8.GetBytes(broken), false));
        Assert.True(refused.Message.Contains("control character", StringComparison.Ordinal), $"{where}: {refused.Message}");
    }

    [Theory]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF, (byte)'{', (byte)'}' }, "json.encoding.bom")]
    [InlineData(new byte[] { (byte)'{', (byte)'"', 0xC0, 0xAF, (byte)'"', (byte)':', (byte)'1', (byte)'}' }, "json.encoding.invalid_utf8")]
    [InlineData(new byte[] { (byte)'[', (byte)']' }, "list.shape")]
    [InlineData(new byte[] { }, "json.syntax")]
    public void RefusesWhatIsNotAList(byte[] bytes, string code)
    {
        var refused = Assert.Throws<MapRefusedException>(() => PostfixMap.Render(bytes, false));
        Assert.Contains(code, refused.Message);
    }

    /// <summary>A list in EFF's shape: a few aliases, one domain in ten on an alias, the others with one to three MX patterns.</summary>
    private static PolicyList Generated(int count)
    {
        var random = new Random(20261128);
        var aliases = Enumerable.Range(0, 40)
            .Select(i => new NamedPolicy($"provider{i}", Policy.Direct(i % 3 == 0 ? PolicyMode.Enforce : PolicyMode.Testing, [$"mx1.provider{i}.net", $".mail.provider{i}.net"])))
            .ToList();
        var policies = new List<NamedPolicy>(count);
        for (int i = 0; i < count; i++)
        {
            string name = $"d{random.Next(10_000_000)}-{i}.example";
            policies.Add(random.Next(10) == 0
                ? new NamedPolicy(name, Policy.UsingAlias($"provider{random.Next(aliases.Count)}"))
                : new NamedPolicy(name, Policy.Direct(random.Next(2) == 0 ? PolicyMode.Enforce : PolicyMode.Testing, Enumerable.Range(1, 1 + random.Next(3)).Select(m => m == 3 ? $".{name}" : $"mx{m}.{name}"))));
        }

        return new PolicyList
        {
            Timestamp = ListTime.FromInstant(Releases.Now),
            Expires = ListTime.FromInstant(Releases.Now.AddDays(14)),
            Version = "0.1",
            Author = "tests",
            HasAliasSection = true,
            Aliases = aliases,
            Policies = [.. policies.OrderBy(p => p.Name, StringComparer.Ordinal)],
        };
    }

    private static string PoliciesFirst(string canonical)
    {
        var root = JsonNode.Parse(canonical)!.AsObject();
        var aliases = root["policy-aliases"]!;
        root.Remove("policy-aliases");
        root.Add("policy-aliases", aliases);
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static string Reversed(string canonical)
    {
        var root = JsonNode.Parse(canonical)!.AsObject();
        var policies = root["policies"]!.AsObject().ToList();
        var reversed = new JsonObject();
        foreach (var (name, value) in Enumerable.Reverse(policies))
        {
            reversed.Add(name, value!.DeepClone());
        }

        root["policies"] = reversed;
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    // The entry after the n-th "mode" member gets "mxs" before "mode": valid, not canonical.
    private static string ReorderOne(string canonical, int n)
    {
        int at = -1;
        for (int i = 0; i < n; i++)
        {
            at = canonical.IndexOf("\"mode\": ", at + 1, StringComparison.Ordinal);
        }

        int lineEnd = canonical.IndexOf('\n', at);
        string mode = canonical[at..lineEnd].TrimEnd(',');
        int close = canonical.IndexOf("\n      ]", lineEnd, StringComparison.Ordinal) + 8;
        string mxs = canonical[(lineEnd + 1)..close].TrimStart();
        return canonical[..at] + mxs + ",\n      " + mode + canonical[close..];
    }

    // The n-th domain name written with \u escapes for its letters: the same name, read the careful way.
    private static string EscapeOne(string canonical, int n)
    {
        int at = canonical.IndexOf("\"policies\": {", StringComparison.Ordinal);
        for (int i = 0; i < n; i++)
        {
            at = canonical.IndexOf("\n    \"", at + 1, StringComparison.Ordinal);
        }

        int start = at + 6;
        int end = canonical.IndexOf('"', start);
        string escaped = string.Concat(canonical[start..end].Select(c => char.IsAsciiLetter(c) ? $"\\u{(int)c:x4}" : c.ToString()));
        return canonical[..start] + escaped + canonical[end..];
    }

    private static string UpperCase(string canonical)
    {
        var root = JsonNode.Parse(canonical)!.AsObject();
        var upper = new JsonObject();
        foreach (var (name, value) in root["policies"]!.AsObject().ToList())
        {
            var policy = value!.DeepClone().AsObject();
            if (policy["mxs"] is JsonArray mxs)
            {
                policy["mxs"] = new JsonArray([.. mxs.Select(m => JsonValue.Create(m!.GetValue<string>().ToUpperInvariant()))]);
            }

            upper.Add(name.ToUpperInvariant(), policy);
        }

        root["policies"] = upper;
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static string Lines(string list, bool earlyAdopter) =>
        string.Concat(PostfixMap.Render(Encoding.UTF8.GetBytes(list), earlyAdopter).Parts.Select(p => Encoding.UTF8.GetString(p.Span)));

    private static void AssertSameMap(string list, bool earlyAdopter) => AssertSameMap(Encoding.UTF8.GetBytes(list), earlyAdopter, "list");

    private static void AssertSameMap(byte[] list, bool earlyAdopter, string what)
    {
        string? expected = ModelMap(list, earlyAdopter, out string? why);
        string? actual;
        string? refusal = null;
        try
        {
            actual = string.Concat(PostfixMap.Render(list, earlyAdopter).Parts.Select(p => Encoding.UTF8.GetString(p.Span)));
        }
        catch (MapRefusedException e)
        {
            actual = null;
            refusal = e.Message;
        }

        Assert.True(expected == actual, $"{what}: the model {(expected is null ? $"refuses ({why})" : "gives a map")}, the renderer {(actual is null ? $"refuses ({refusal})" : "gives " + (expected is null ? "a map" : "a different map"))}");
    }

    /// <summary>
    /// The map a list must give, worked out from the curation tools' reader: null (with why) where the list must be
    /// refused — it does not read without error, a name or pattern holds a byte Postfix's syntax reserves, a domain
    /// is listed twice ignoring case, a policy has no pattern or an unknown alias.
    /// </summary>
    private static string? ModelMap(byte[] bytes, bool earlyAdopter, out string? why)
    {
        var read = PolicyListReader.Read(new SourceText("list.json", bytes));
        if (read.List is not { } list || read.Problems.FirstOrDefault(p => p.Severity == Severity.Error) is { } problem)
        {
            why = read.Problems.FirstOrDefault()?.Code ?? "unreadable";
            return null;
        }

        static bool Reserved(string text) => text.ToLowerInvariant().AsSpan() is var lower && (lower.ContainsAny(":, \t\r\n#") || lower.ContainsAnyInRange('\0', '\u001f'));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var map = new StringBuilder();
        foreach (var entry in list.Policies)
        {
            var policy = entry.Policy.Alias is { } alias ? list.Aliases.FirstOrDefault(a => a.Name == alias)?.Policy : entry.Policy;
            string name = entry.Name.ToLowerInvariant();
            why = policy is null ? "unknown alias"
                : (policy.Mxs ?? []).Count == 0 ? "no pattern"
                : Reserved(entry.Name) || policy.Mxs!.Any(m => Reserved(m.Text)) ? "reserved character"
                : !seen.Add(name) ? "listed twice"
                : null;
            if (why is not null)
            {
                return null;
            }

            bool enforced = policy!.Mode == PolicyMode.Enforce || (earlyAdopter && policy.Mode == PolicyMode.Testing);
            map.Append(enforced ? "" : "# testing: ").Append(name).Append("\tsecure match=")
                .AppendJoin(':', policy.Mxs!.Select(m => m.Text.ToLowerInvariant())).Append('\n');
        }

        why = null;
        return map.ToString();
    }
}
