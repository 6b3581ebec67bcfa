using System.Text;
using PolicyCuration.Probe.Smtp;

namespace PolicyCuration.Probe.Tests;

public sealed class SmtpReplyReaderTests
{
    [Fact]
    public async Task MultilineRepliesAreReadWhole()
    {
        var reader = Reader("250-mx.example.org\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 SMTPUTF8\r\n220 next\r\n");

        var ehlo = await reader.ReadAsync(CancellationToken.None);
        var next = await reader.ReadAsync(CancellationToken.None);

        Assert.Equal(250, ehlo.Code);
        Assert.Equal(["mx.example.org", "PIPELINING", "STARTTLS", "SMTPUTF8"], ehlo.Lines);
        Assert.True(ehlo.HasExtension("starttls"));
        Assert.False(ehlo.HasExtension("mx.example.org"));
        Assert.Equal(220, next.Code);
    }

    [Theory]
    [InlineData("220\r\n", 220)]
    [InlineData("220 bare LF\n", 220)]
    [InlineData("554 5.7.1 no\r\n", 554)]
    public async Task RepliesEndWithTheLineWithoutAHyphen(string text, int code) =>
        Assert.Equal(code, (await Reader(text).ReadAsync(CancellationToken.None)).Code);

    [Theory]
    [InlineData("hello\r\n", false)]
    [InlineData("2200 x\r\n", false)]
    [InlineData("120 early\r\n", false)]
    [InlineData("220-a\r\n250 b\r\n", false)]
    [InlineData("220 cut", false)]
    public async Task BrokenRepliesAreRefused(string text, bool oversized)
    {
        var e = await Assert.ThrowsAsync<SmtpProtocolException>(() => Reader(text).ReadAsync(CancellationToken.None));

        Assert.Equal(oversized, e.Oversized);
    }

    [Fact]
    public async Task ALineLongerThanTheBoundIsRefused()
    {
        var e = await Assert.ThrowsAsync<SmtpProtocolException>(
            () => Reader("220 " + new string('x', SmtpReplyReader.MaxLineBytes) + "\r\n").ReadAsync(CancellationToken.None));

        Assert.True(e.Oversized);
    }

    [Fact]
    public async Task MoreLinesThanTheBoundAreRefused()
    {
        string text = string.Concat(Enumerable.Repeat("250-x\r\n", SmtpReplyReader.MaxLines)) + "250 end\r\n";

        var e = await Assert.ThrowsAsync<SmtpProtocolException>(() => Reader(text).ReadAsync(CancellationToken.None));

        Assert.True(e.Oversized);
    }

    private static SmtpReplyReader Reader(string text) => new(new MemoryStream(Encoding.Latin1.GetBytes(text)));
}
