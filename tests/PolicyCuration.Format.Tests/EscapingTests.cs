using System.Text.RegularExpressions;
using PolicyCuration.Format.Escaping;

namespace PolicyCuration.Format.Tests;

/// <summary>Each sink's one escaping function, against the payloads a PR, a server or a DNS record can carry.</summary>
public sealed partial class EscapingTests
{
    /// <summary>Text from outside that a runner, a terminal or a Markdown renderer would obey.</summary>
    public static TheoryData<string> Payloads { get; } =
    [
        "x.org\n::notice title=policyctl check-pr::mergeable\n::add-mask::error\n::stop-commands::zz",
        "::error::forged",
        "   ::warning file=policy/policy.json::indented",
        "250-mx.example.org says ##[set-output name=verdict]pass",
        "garbage\r::notice::after a carriage return",
        "\u001b[2J\u001b[31mred\u001b[0m",
        "next line\u0085::notice::C1",
        "\u202Egro.elpmaxe\u2066 reversed",
        "zero\u200Bwidth\uFEFF",
        "[click me](https://evil.example/) and ![img](http://evil.example/x.png)",
        "@maintainers please merge",
        "<img src=x onerror=alert(1)><script>alert(1)</script>",
        "a ` b `` c ``` d",
        "cell | break | the table",
        "**bold** _it_ # heading ~~strike~~ www.evil.example",
        "`",
        " ",
    ];

    [Theory]
    [MemberData(nameof(Payloads))]
    public void UtfEightTextThroughTheTerminalSinkIsEscapedAsAnyOther(string payload)
    {
        using var stream = new MemoryStream();
        var inner = new StreamWriter(stream, new System.Text.UTF8Encoding(false));
        using (var terminal = new TerminalWriter(inner))
        {
            TerminalWriter.WriteUtf8(terminal, System.Text.Encoding.UTF8.GetBytes($"domain\tsecure match={payload}\n"));
        }

        string written = System.Text.Encoding.UTF8.GetString(stream.ToArray());
        Assert.Equal(AsLines(payload), written);
        foreach (string line in written.Split('\n'))
        {
            AssertInertLine(line);
        }
    }

    [Fact]
    public void PlainUtfEightTextGoesToTheStreamAsItIs()
    {
        using var stream = new MemoryStream();
        var inner = new StreamWriter(stream, new System.Text.UTF8Encoding(false));
        using (var terminal = new TerminalWriter(inner))
        {
            terminal.Write("# header\n");
            TerminalWriter.WriteUtf8(terminal, "a.example\tsecure match=mx.a.example:.b.example servername=hostname\n"u8);
            TerminalWriter.WriteUtf8(new StringWriter(), "ignored"u8);
        }

        Assert.Equal("# header\na.example\tsecure match=mx.a.example:.b.example servername=hostname\n", System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static string AsLines(string payload)
    {
        var expected = new StringWriter();
        using (var terminal = new TerminalWriter(expected))
        {
            terminal.Write($"domain\tsecure match={payload}\n");
        }

        return expected.ToString();
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public void NoLineOfTheTerminalSinkCanCommandTheRunnerOrTheTerminal(string payload)
    {
        var output = new StringWriter();
        using (var terminal = new TerminalWriter(output))
        {
            terminal.WriteLine($"{payload}: error list.domain.invalid: \"{payload}\" is not a domain");
            terminal.Write(payload);
            terminal.WriteLine();
            terminal.WriteWorkflowCommand("::error file=policy/policy.json,line=3,col=5,title=list.domain.invalid::ours");
            terminal.Write(payload);
        }

        var lines = output.ToString().Split('\n');
        Assert.Contains("::error file=policy/policy.json,line=3,col=5,title=list.domain.invalid::ours", lines);
        foreach (string line in lines.Where(l => !l.StartsWith("::error file=policy/policy.json,line=3,col=5", StringComparison.Ordinal)))
        {
            AssertInertLine(line);
        }
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public void TheMarkdownSinkRendersNothing(string payload)
    {
        string inline = MarkdownText.Inline(payload);
        string code = MarkdownText.Code(payload);

        AssertInertMarkdown(inline);
        AssertInertMarkdown(code);
        Assert.StartsWith("`", code, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\u061C", "\\u061C")]
    [InlineData("\u00AD", "\\u00AD")]
    [InlineData("\u180E", "\\u180E")]
    [InlineData("\u2060", "\\u2060")]
    [InlineData("\u2061", "\\u2061")]
    [InlineData("\u2062", "\\u2062")]
    [InlineData("\u2063", "\\u2063")]
    [InlineData("\u2064", "\\u2064")]
    public void InvisibleCharactersAreShownAsEscapes(string character, string shown) =>
        Assert.Equal($"mx{shown}.example.org", TerminalText.Line($"mx{character}.example.org"));

    [Fact]
    public void TheTagBlockIsShownAsAnEscapedPairAndOtherSupplementaryCharactersStay()
    {
        // U+E0001 LANGUAGE TAG and U+E007F CANCEL TAG, built in code: theory data would not carry them whole.
        string tagged = "ok" + char.ConvertFromUtf32(0xE0001) + "x" + char.ConvertFromUtf32(0xE007F);
        Assert.Equal("ok\\uDB40\\uDC01x\\uDB40\\uDC7F", TerminalText.Line(tagged));
        Assert.False(TerminalText.IsPlain(tagged));
        Assert.Equal("smile \uD83D\uDE00", TerminalText.Line("smile \uD83D\uDE00"));
        Assert.Equal(tagged, System.Text.Json.JsonSerializer.Deserialize<string>($"\"{TerminalText.Line(tagged)}\""));
    }

    [Fact]
    public void PlainTextStaysReadableAndTheEscapesAreJsons()
    {
        Assert.Equal("mx.example.org (127.0.0.1): connection refused, 2 tries", MarkdownText.Inline("mx.example.org (127.0.0.1): connection refused, 2 tries"));
        Assert.Equal("`https://mta-sts.example.org/`", MarkdownText.Inline("https://mta-sts.example.org/"));
        Assert.Equal("```a ` b `` c```", MarkdownText.Code("a ` b `` c"));
        Assert.Equal("\\u001B[31mred \\u000D\\u000A", TerminalText.Line("\u001b[31mred \r\n"));
        Assert.Equal("2001:db8::1 stays", TerminalText.Line("2001:db8::1 stays"));
        Assert.Equal("  \\u003A:notice::x", TerminalText.Line("  ::notice::x"));
        Assert.Equal("a ##\\u005Bcmd]", TerminalText.Line("a ##[cmd]"));
    }

    /// <summary>A line a runner would not obey and a terminal would show as it is.</summary>
    internal static void AssertInertLine(string line)
    {
        Assert.False(line.TrimStart().StartsWith("::", StringComparison.Ordinal), $"a line starts a workflow command: {line}");
        Assert.DoesNotContain("##[", line, StringComparison.Ordinal);
        Assert.DoesNotMatch(UnsafeCharacter(), line);
    }

    /// <summary>Markdown that renders no link, image, mention, HTML or formatting, and stays in its cell.</summary>
    internal static void AssertInertMarkdown(string markdown)
    {
        Assert.DoesNotContain('\n', markdown);
        Assert.DoesNotMatch(UnsafeCharacter(), markdown);
        Assert.DoesNotMatch(UnescapedPipe(), markdown);
        if (!markdown.StartsWith('`'))
        {
            Assert.Matches(PlainText(), markdown);
            return;
        }

        int fence = markdown.TakeWhile(c => c == '`').Count();
        Assert.EndsWith(new string('`', fence), markdown, StringComparison.Ordinal);
        string inner = markdown[fence..^fence];
        Assert.DoesNotContain(new string('`', fence), inner, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"[\u0000-\u0008\u000A-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069\u200B-\u200F\uFEFF]")]
    private static partial Regex UnsafeCharacter();

    [GeneratedRegex(@"(?<!\\)\|")]
    private static partial Regex UnescapedPipe();

    [GeneratedRegex(@"^[\p{L}\p{N} .,;:'""()/=+%-]*$")]
    private static partial Regex PlainText();
}
