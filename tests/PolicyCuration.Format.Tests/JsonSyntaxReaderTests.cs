using System.Text;
using PolicyCuration.Format;
using PolicyCuration.Format.Json;
using PolicyCuration.Testing;

namespace PolicyCuration.Format.Tests;

public class JsonSyntaxReaderTests
{
    private static JsonReadResult Read(string json) => JsonSyntaxReader.Read(new SourceText("t.json", Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void KeepsThePositionOfEveryKeyAndValue()
    {
        var source = new SourceText("t.json", Encoding.UTF8.GetBytes("{\n  \"a\": [1, \"é\", \"x\"],\n  \"b\": {\"c\": null}\n}"));
        var root = (JsonObjectSyntax)JsonSyntaxReader.Read(source).Root!;

        var a = root.Properties[0];
        Assert.Equal((2, 3), Position(source, a.NameOffset));
        var items = ((JsonArraySyntax)a.Value).Items;
        Assert.Equal((2, 9), Position(source, items[0].Offset));
        Assert.Equal((2, 12), Position(source, items[1].Offset));
        Assert.Equal((2, 17), Position(source, items[2].Offset)); // columns count characters, not bytes
        var c = ((JsonObjectSyntax)root.Properties[1].Value).Properties[0];
        Assert.Equal((3, 9), Position(source, c.NameOffset));
        Assert.Equal(JsonKind.Null, c.Value.Kind);
    }

    [Theory]
    [InlineData("{\"a\": [1, 2,]}", "a comma after the last member or element")]
    [InlineData("{\"a\": 1,}", "a comma after the last member or element")]
    [InlineData("{\"a\": 1 // note\n}", "a comment: JSON has none")]
    [InlineData("{'a': 1}", "a string in single quotes: JSON strings take double quotes")]
    [InlineData("{\"a\": 1, 2: 3}", "a member's name must be a string in double quotes")]
    [InlineData("{\"a\": 'b'}", "a string in single quotes")]
    [InlineData("{\"a\": [1, 2", "the file ends inside an object or an array")]
    [InlineData("{\"a\": 1 \"b\": 2}", "a comma is missing between two members")]
    [InlineData("{\"a\": \"x\\qy\"}", "a backslash that starts no valid escape")]
    [InlineData("{\"a\": \"tab\there\"}", "a control character")]
    [InlineData("{\"a\": enforce}", "a value cannot start here")]
    public void SyntaxErrorsAreToldInTheListsTermsNotTheReadersOwn(string json, string said)
    {
        string message = Read(json).Failure!.Message;

        Assert.Contains(said, message, StringComparison.Ordinal);
        foreach (string dotnet in new[] { "reader options", "JsonReaderOptions", "LineNumber", "BytePosition", "payload", "Utf8JsonReader" })
        {
            Assert.DoesNotContain(dotnet, message, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void KeepsNumbersAsWritten()
    {
        var root = (JsonObjectSyntax)Read("{\"n\": 1.50e3, \"m\": -0}").Root!;
        Assert.Equal("1.50e3", ((JsonScalarSyntax)root.Properties[0].Value).Text);
        Assert.Equal("-0", ((JsonScalarSyntax)root.Properties[1].Value).Text);
    }

    [Theory]
    [InlineData("{\"a\": 1, \"a\": 2}", 1, 10)]
    [InlineData("{\"x\": {\"a\": 1, \"b\": 2, \"a\": 3}}", 1, 24)]
    [InlineData("[{\"k\": 1}, {\"k\": 1, \"k\": 2}]", 1, 21)]
    [InlineData("{\"a\": 1, \"\\u0061\": 2}", 1, 10)]
    public void RefusesDuplicateKeysAtAnyDepth(string json, int line, int column)
    {
        var failure = Read(json).Failure!;
        Assert.Equal("json.duplicate_key", failure.Code);
        Assert.Equal((line, column), (failure.Location!.Line, failure.Location.Column));
    }

    [Fact]
    public void FindsDuplicatesInLargeObjects()
    {
        var json = new StringBuilder("{");
        for (int i = 0; i < 1000; i++)
        {
            json.Append($"\"k{i}\": {i}, ");
        }

        json.Append("\"k500\": 0}");
        int firstColumn = json.ToString().IndexOf("\"k500\"", StringComparison.Ordinal) + 1;
        var failure = Read(json.ToString()).Failure!;
        Assert.Equal("json.duplicate_key", failure.Code);
        Assert.Contains($"\"k500\" appears twice in the same object (first at line 1, column {firstColumn})", failure.Message);
    }

    [Theory]
    [InlineData("a\nbb\n\nccc", new[] { 0, 2, 5, 6, 9 }, new[] { 1, 2, 3, 4, 4 }, new[] { 1, 1, 1, 1, 4 })]
    [InlineData("x\n", new[] { 0, 1, 2 }, new[] { 1, 1, 2 }, new[] { 1, 2, 1 })]
    [InlineData("\r\n{}", new[] { 0, 2, 3 }, new[] { 1, 2, 2 }, new[] { 1, 1, 2 })]
    public void LinesAndColumnsCountFromOne(string text, int[] offsets, int[] lines, int[] columns)
    {
        var source = new SourceText("t.json", Encoding.UTF8.GetBytes(text));
        Assert.Equal(lines.Zip(columns), offsets.Select(o => source.LocationOf(o)).Select(l => (l.Line, l.Column)));
    }

    [Fact]
    public void ALargeMapKeepsEveryMemberWhileTheReaderGoesOn()
    {
        var json = new StringBuilder("{\"large\": {");
        for (int i = 0; i < 5000; i++)
        {
            json.Append(i == 0 ? "" : ", ").Append($"\"k{i:D5}\": [{i}]");
        }

        json.Append("}, \"small\": {\"a\": [1], \"b\": {\"c\": 2}}}");
        var root = (JsonObjectSyntax)Read(json.ToString()).Root!;

        var large = (JsonObjectSyntax)root.Properties[0].Value;
        var small = (JsonObjectSyntax)root.Properties[1].Value;
        Assert.Equal(Enumerable.Range(0, 5000).Select(i => $"k{i:D5}"), large.Properties.Select(p => p.Name));
        Assert.Equal(["a", "b"], small.Properties.Select(p => p.Name));
    }

    [Theory]
    [InlineData("{\"a\": 1,}", "json.syntax")]
    [InlineData("[1, 2,]", "json.syntax")]
    [InlineData("{\"a\": 1} // c", "json.syntax")]
    [InlineData("{\"a\": NaN}", "json.syntax")]
    [InlineData("{\"a\": 1", "json.syntax")]
    [InlineData("", "json.syntax")]
    [InlineData("{} {}", "json.syntax")]
    [InlineData("\uFEFF{}", "json.encoding.bom")]
    public void RefusesWhatStrictJsonRefuses(string json, string code) => Assert.Equal(code, Read(json).Failure!.Code);

    [Fact]
    public void RefusesDeepNestingWithoutRecursing()
    {
        var failure = Read(new string('[', 10_000) + new string(']', 10_000)).Failure!;
        Assert.Equal("json.too_deep", failure.Code);
        Assert.Equal(JsonSyntaxReader.MaxDepth + 1, failure.Location!.Column);
    }

    [Fact]
    public void RefusesOverlongStrings()
    {
        var failure = Read("{\"a\": \"" + new string('x', JsonSyntaxReader.MaxTokenBytes + 1) + "\"}").Failure!;
        Assert.Equal("json.token_too_long", failure.Code);
        Assert.Equal(7, failure.Location!.Column);
    }

    [Fact]
    public void PointsAtTheFirstInvalidUtf8Byte()
    {
        byte[] bytes = [.. "{\n \"a\": \""u8, 0xC3, 0x28, .. "\"}"u8];
        var failure = JsonSyntaxReader.Read(new SourceText("t.json", bytes)).Failure!;
        Assert.Equal("json.encoding.invalid_utf8", failure.Code);
        Assert.Equal((2, 8), (failure.Location!.Line, failure.Location.Column));
    }

    [Theory]
    [InlineData("{\"p\": {\"a.example\": {\"mode\": \"x\", \"mode\": \"y\"}}}", "json.duplicate_key")]
    [InlineData("{\"p\": {\"a.example\": {\"mxs\": [\"\\ud800\"]}}}", "json.syntax")]
    [InlineData("{\"p\": {\"a.example\": {\"\\udc00\": 1}}}", "json.syntax")]
    [InlineData("{\"p\": {\"a.example\": {\"mxs\": [1,]}}}", "json.syntax")]
    [InlineData("{\"p\": {\"a.example\": {\"mxs\": [01]}}}", "json.syntax")]
    [InlineData("{\"p\": {\"a.example\": {\"mxs\": [\"a\tb\"]}}}", "json.syntax")]
    public void ValuesDeepInTheListAreCheckedAsStrictlyWhenDeferred(string json, string code)
    {
        var source = new SourceText("t.json", Encoding.UTF8.GetBytes(json));

        var whole = JsonSyntaxReader.Read(source).Failure!;
        var deferred = JsonSyntaxReader.Read(source, deferFromDepth: 2).Failure!;

        Assert.Equal(code, whole.Code);
        Assert.Equal(whole, deferred);
    }

    [Theory]
    [InlineData("{\"p\": {\"a.example\": {\"mxs\": [\"x\"], \"mode\": \"testing\", \"m\\u006fde\": \"enforce\"}}}", 54)]
    [InlineData("{\"p\": {\"a.example\": {\"mode\": {\"k\": 1, \"k\": 2}}}}", 38)]
    [InlineData("{\"p\": {\"a\": [{\"x\": 1}], \"b\": [{}, {\"y\": 1, \"y\": 2}]}}", 43)]
    [InlineData("{\"p\": {\"a\": {\"k\": 1}, \"b\": {\"k\": 1, \"k\": 1}, \"c\": [1,]}}", 36)]
    public void ADuplicateKeyDeepInTheListIsFoundAtItsPosition(string json, int offset)
    {
        var source = new SourceText("t.json", Encoding.UTF8.GetBytes(json));

        var failure = JsonSyntaxReader.Read(source).Failure!;

        Assert.Equal("json.duplicate_key", failure.Code);
        Assert.Equal(source.LocationOf(offset), failure.Location);
        Assert.Equal(failure, JsonSyntaxReader.Read(source, deferFromDepth: 2).Failure);
    }

    [Fact]
    public void ADeferredValueBuildsToWhatAFullReadGives()
    {
        var source = new SourceText("t.json", Encoding.UTF8.GetBytes("{\"p\": {\"a.example\": {\"mode\": \"testing\",\n \"mxs\": [\"mx.a.example\", 7, {\"k\": null}]}, \"b\": 1}}"));
        var full = (JsonObjectSyntax)((JsonObjectSyntax)JsonSyntaxReader.Read(source).Root!).Properties[0].Value;
        var lazy = (JsonObjectSyntax)((JsonObjectSyntax)JsonSyntaxReader.Read(source, deferFromDepth: 2).Root!).Properties[0].Value;

        Assert.IsType<JsonDeferredSyntax>(lazy.Properties[0].Value);
        Assert.IsType<JsonScalarSyntax>(lazy.Properties[1].Value);
        Assert.Equal(Describe(full.Properties[0].Value), Describe(lazy.Properties[0].Value.Built(source)));
    }

    private static string Describe(JsonSyntax node) => node switch
    {
        JsonObjectSyntax o => "{" + string.Join(",", o.Properties.Select(p => $"{p.Name}@{p.NameOffset}:{Describe(p.Value)}")) + "}",
        JsonArraySyntax a => "[" + string.Join(",", a.Items.Select(Describe)) + "]",
        JsonScalarSyntax s => $"{s.Kind}:{s.Text}@{s.Offset}",
        _ => "?",
    };

    [Theory]
    [InlineData(7, false)]
    [InlineData(8, true)]
    [InlineData(9, true)]
    [InlineData(40, false)]
    [InlineData(40, true)]
    public void AnObjectWithManyKeysIsCheckedWhole(int keys, bool duplicate)
    {
        var names = Enumerable.Range(0, keys).Select(i => $"\"k{i}\": {i}").ToList();
        if (duplicate)
        {
            names.Add("\"k6\": 0");
        }

        var read = Read($"{{\"p\": {{\"a\": {{{string.Join(", ", names)}}}}}}}");

        Assert.Equal(duplicate ? "json.duplicate_key" : null, read.Failure?.Code);
        if (!duplicate)
        {
            var entry = (JsonObjectSyntax)((JsonObjectSyntax)((JsonObjectSyntax)read.Root!).Properties[0].Value).Properties[0].Value;
            Assert.Equal(keys, entry.Properties.Count);
        }
    }

    [Theory]
    [InlineData("k06", 1)]
    [InlineData("k06", 2)]
    [InlineData("k06", int.MaxValue)]
    [InlineData("k\\u0030\\u0036", 1)]
    [InlineData("k\\u0030\\u0036", int.MaxValue)]
    public void ADuplicateAfterManyKeysInOrderIsFoundWithTheFirst(string again, int deferFromDepth)
    {
        string json = $"{{\"p\": {{{string.Join(", ", Enumerable.Range(0, 40).Select(i => $"\"k{i:D2}\": {{\"v\": {i}}}"))}, \"{again}\": {{}}}}}}";
        var source = new SourceText("t.json", Encoding.UTF8.GetBytes(json));

        var failure = JsonSyntaxReader.Read(source, deferFromDepth).Failure!;

        Assert.Equal("json.duplicate_key", failure.Code);
        Assert.Equal(source.LocationOf(json.LastIndexOf($"\"{again}\"", StringComparison.Ordinal)), failure.Location);
        Assert.Contains($"(first at line 1, column {json.IndexOf("\"k06\"", StringComparison.Ordinal) + 1})", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ASyntaxErrorIsReportedWhereTheReaderStopped()
    {
        var failure = Read("{\n  \"a\": 1\n  \"b\": 2\n}").Failure!;

        Assert.Equal("json.syntax", failure.Code);
        Assert.Equal((3, 3), (failure.Location!.Line, failure.Location.Column));
        Assert.DoesNotContain("LineNumber", failure.Message, StringComparison.Ordinal);
    }

    private static (int, int) Position(SourceText source, long offset)
    {
        var location = source.LocationOf(offset);
        return (location.Line, location.Column);
    }
}
