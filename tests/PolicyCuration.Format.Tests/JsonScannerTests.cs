using System.Text;
using System.Text.Unicode;
using PolicyCuration.Format.Json;
using PolicyCuration.Testing;

namespace PolicyCuration.Format.Tests;

public class JsonScannerTests
{
    [Fact]
    public void ReadsEveryTokenWithItsOffsetAndValue()
    {
        byte[] json = Encoding.UTF8.GetBytes("{\"a\": [1, -2.5e3, \"x\\n\"], \"b\": {\"c\": null}, \"d\": true, \"e\": false, \"f\": []}");
        var scanner = new JsonScanner(json, 32, 1024);
        var tokens = new List<string>();
        while (scanner.Read())
        {
            tokens.Add($"{scanner.Token}@{scanner.TokenStart}" + (scanner.Token is JsonToken.PropertyName or JsonToken.String or JsonToken.Number ? $"={scanner.GetStringOrNumber()}" : ""));
        }

        Assert.Equal(JsonScanError.None, scanner.Error);
        Assert.Equal(
            [
                "StartObject@0", "PropertyName@1=a", "StartArray@6", "Number@7=1", "Number@10=-2.5e3", "String@18=x\n", "EndArray@23",
                "PropertyName@26=b", "StartObject@31", "PropertyName@32=c", "Null@37", "EndObject@41", "PropertyName@44=d", "True@49",
                "PropertyName@55=e", "False@60", "PropertyName@67=f", "StartArray@72", "EndArray@73", "EndObject@74",
            ],
            tokens);
    }

    [Theory]
    [InlineData("{\"a\": 1,}", 8, "expected a member name")]
    [InlineData("[1, 2,]", 6, "expected a value")]
    [InlineData("{\"a\": 1 // note\n}", 8, "comments are not JSON")]
    [InlineData("{/* note */}", 1, "comments are not JSON")]
    [InlineData("{\"a\" 1}", 5, "expected ':'")]
    [InlineData("{\"a\": 1 \"b\": 2}", 8, "expected ',' or '}'")]
    [InlineData("[1 2]", 3, "expected ',' or ']'")]
    [InlineData("{a: 1}", 1, "member name in double quotes")]
    [InlineData("{'a': 1}", 1, "member name in double quotes")]
    [InlineData("[01]", 1, "leading zero")]
    [InlineData("[-]", 2, "digit after '-'")]
    [InlineData("[1.]", 3, "decimal point")]
    [InlineData("[1e]", 3, "exponent")]
    [InlineData("[1x]", 2, "in a number")]
    [InlineData("[NaN]", 1, "NaN and Infinity are not JSON")]
    [InlineData("[Infinity]", 1, "NaN and Infinity are not JSON")]
    [InlineData("[True]", 1, "lower case")]
    [InlineData("[nul]", 1, "expected a value")]
    [InlineData("[\"a\tb\"]", 3, "control character 0x09")]
    [InlineData("[\"\\x41\"]", 2, "not a JSON escape")]
    [InlineData("[\"\\u12\"]", 2, "four hexadecimal digits")]
    [InlineData("[\"\\uDC00\"]", 2, "unpaired UTF-16 surrogate")]
    [InlineData("[\"\\uD800\"]", 2, "unpaired UTF-16 surrogate")]
    [InlineData("[\"\\uD800\\u0041\"]", 2, "unpaired UTF-16 surrogate")]
    [InlineData("{\"a\": 1} {}", 9, "after the end of the JSON value")]
    [InlineData("[1] x", 4, "after the end of the JSON value")]
    [InlineData("", 0, "ends before the JSON value")]
    [InlineData("   ", 3, "ends before the JSON value")]
    [InlineData("{\"a\": [1, 2", 11, "ends before the JSON value")]
    [InlineData("{\"a", 3, "ends inside a string")]
    [InlineData("[\"a\\", 4, "ends inside a string")]
    public void RefusesWhatRfc8259Refuses(string json, int offset, string message)
    {
        var (error, at, text) = Fail(Encoding.UTF8.GetBytes(json));

        Assert.Equal(JsonScanError.Syntax, error);
        Assert.Equal(offset, at);
        Assert.Contains(message, text);
    }

    [Fact]
    public void StopsAtTheDepthLimit()
    {
        var (error, at, _) = Fail(Encoding.UTF8.GetBytes(new string('[', 40) + new string(']', 40)), maxDepth: 32);

        Assert.Equal(JsonScanError.TooDeep, error);
        Assert.Equal(32, at);
    }

    [Fact]
    public void StopsAtTenThousandLevelsWithoutRecursing()
    {
        var (error, _, _) = Fail(Encoding.UTF8.GetBytes(new string('[', 10_000)), maxDepth: 64);

        Assert.Equal(JsonScanError.TooDeep, error);
    }

    [Theory]
    [InlineData("[\"{0}\"]")]
    [InlineData("{{\"{0}\": 1}}")]
    [InlineData("[1{1}]")]
    public void StopsAtTheTokenLimit(string shape)
    {
        string json = string.Format(System.Globalization.CultureInfo.InvariantCulture, shape, new string('a', 2000), new string('0', 2000));
        var (error, _, text) = Fail(Encoding.UTF8.GetBytes(json), maxTokenBytes: 1024);

        Assert.Equal(JsonScanError.TokenTooLong, error);
        Assert.Contains("1024-byte limit", text);
    }

    [Fact]
    public void DecodesEscapesIncludingSurrogatePairs()
    {
        byte[] json = Encoding.UTF8.GetBytes("[\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00z\"]");
        var scanner = new JsonScanner(json, 32, 1024);
        scanner.Read();
        scanner.Read();

        Assert.True(scanner.ValueIsEscaped);
        Assert.Equal("a\"\\/\b\f\n\r\té😀z", scanner.GetString());
    }

    [Fact]
    public void SkipsAContainerWhole()
    {
        byte[] json = Encoding.UTF8.GetBytes("{\"a\": {\"b\": [1, {\"c\": 2}]}, \"d\": 3}");
        var scanner = new JsonScanner(json, 32, 1024);
        scanner.Read();
        scanner.Read();
        scanner.Read();

        Assert.True(scanner.Skip());
        Assert.Equal(JsonToken.EndObject, scanner.Token);
        Assert.True(scanner.Read());
        Assert.Equal("d", scanner.GetString());
    }

    [Fact]
    public void ContinuesAfterMembersReadElsewhereOnlyForwardAndInsideAnObject()
    {
        byte[] json = Encoding.UTF8.GetBytes("{\"a\": 1, \"b\": 2, \"c\": 3}");
        var scanner = new JsonScanner(json, 32, 1024);
        scanner.Read();
        scanner.ContinueAfterMember(16, separatorRead: true);

        Assert.True(scanner.Read());
        Assert.Equal("c", scanner.GetString());
        Assert.Throws<InvalidOperationException>(() =>
        {
            var again = new JsonScanner(json, 32, 1024);
            again.Read();
            again.Read();
            again.ContinueAfterMember(2, separatorRead: false);
        });
        Assert.Throws<InvalidOperationException>(() => new JsonScanner("[1, 2]"u8, 32, 1024).ContinueAfterMember(3, separatorRead: true));
    }

    /// <summary>On every file of the hostile corpus and on EFF's list, the scanner accepts exactly what the tree reader accepts as JSON.</summary>
    [Fact]
    public void AgreesWithTheTreeReaderOnTheCorpus()
    {
        var files = Directory.GetFiles(TestFiles.HostileCorpus, "*.json").Append(TestFiles.EffList).ToList();
        Assert.True(files.Count > 40);
        foreach (string file in files)
        {
            byte[] bytes = File.ReadAllBytes(file);
            var tree = JsonSyntaxReader.Read(new SourceText(file, bytes)).Failure?.Code;
            if (tree is "json.encoding.bom" or "json.encoding.invalid_utf8" or "json.duplicate_key" || !Utf8.IsValid(bytes))
            {
                continue; // checked around the scanner, not by it
            }

            var scanner = new JsonScanner(bytes, JsonSyntaxReader.MaxDepth, JsonSyntaxReader.MaxTokenBytes);
            while (scanner.Read())
            {
            }

            string? scanned = scanner.Error switch
            {
                JsonScanError.None => null,
                JsonScanError.TooDeep => "json.too_deep",
                JsonScanError.TokenTooLong => "json.token_too_long",
                _ => "json.syntax",
            };
            Assert.True(tree == scanned, $"{Path.GetFileName(file)}: tree reader {tree ?? "accepts"}, scanner {scanned ?? "accepts"} ({scanner.ErrorMessage})");
        }
    }

    private static (JsonScanError Error, int Offset, string Message) Fail(byte[] json, int maxDepth = 32, int maxTokenBytes = 1024)
    {
        var scanner = new JsonScanner(json, maxDepth, maxTokenBytes);
        while (scanner.Read())
        {
        }

        Assert.NotEqual(JsonScanError.None, scanner.Error);
        Assert.False(scanner.Read());
        return (scanner.Error, scanner.ErrorOffset, scanner.ErrorMessage!);
    }
}

internal static class JsonScannerTestExtensions
{
    public static string GetStringOrNumber(this JsonScanner scanner) =>
        scanner.Token == JsonToken.Number ? Encoding.ASCII.GetString(scanner.Value) : scanner.GetString();
}
