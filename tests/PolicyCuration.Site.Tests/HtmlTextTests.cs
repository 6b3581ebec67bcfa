using PolicyCuration.Format.Escaping;
using PolicyCuration.Site.Status;

namespace PolicyCuration.Site.Tests;

public sealed class HtmlTextTests
{
    [Theory]
    [InlineData("mx.example.com", "mx.example.com")]
    [InlineData("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;")]
    [InlineData("a\"b'c&d", "a&quot;b&#39;c&amp;d")]
    [InlineData("bell\u0007nul\u0000c1\u0085", "bell\uFFFDnul\uFFFDc1\uFFFD")]
    [InlineData("tab\tline\n", "tab\tline\n")]
    [InlineData("mx.\u202Egro.elpmaxe\u202C", "mx.\uFFFDgro.elpmaxe\uFFFD")]
    [InlineData("\u202A\u202B\u202D|\u2066\u2067\u2068\u2069", "\uFFFD\uFFFD\uFFFD|\uFFFD\uFFFD\uFFFD\uFFFD")]
    public void EscapesWhatHtmlReadsAsMarkupAndReplacesWhatItCannotCarry(string text, string expected) =>
        Assert.Equal(expected, HtmlText.Escape(text));

    [Fact]
    public void KeepsSurrogatePairsAndReplacesLoneSurrogates()
    {
        // Built in code: a lone surrogate would not survive the test runner's serialization of theory data.
        Assert.Equal("pair \uD83D\uDE00", HtmlText.Escape("pair \uD83D\uDE00"));
        Assert.Equal("lone \uFFFD high", HtmlText.Escape("lone " + (char)0xD800 + " high"));
        Assert.Equal("lone \uFFFD low", HtmlText.Escape("lone " + (char)0xDC00 + " low"));
        Assert.Equal("end \uFFFD", HtmlText.Escape("end " + (char)0xD83D));
    }

    [Theory]
    [InlineData(DayState.NotAudited, true, true, DayState.Passed)]
    [InlineData(DayState.NotAudited, false, true, DayState.Failed)]
    [InlineData(DayState.NotAudited, true, false, DayState.Inconclusive)]
    [InlineData(DayState.Inconclusive, false, true, DayState.Failed)]
    [InlineData(DayState.Passed, false, true, DayState.Disputed)]
    [InlineData(DayState.Failed, true, true, DayState.Disputed)]
    [InlineData(DayState.Failed, false, false, DayState.Failed)]
    [InlineData(DayState.Passed, true, true, DayState.Passed)]
    public void ADaysStateCountsOnlyTrustedAuditsAndShowsDisagreement(DayState before, bool passed, bool trusted, DayState after) =>
        Assert.Equal(after, before.With(passed, trusted));

    [Fact]
    public void ATimelineIsTheRunsOfItsDays()
    {
        var runs = TimelineRun.Of([DayState.NotAudited, DayState.Passed, DayState.Passed, DayState.Failed], new DateOnly(2026, 11, 30));

        Assert.Equal(
            [new TimelineRun(new(2026, 11, 27), new(2026, 11, 27), DayState.NotAudited), new TimelineRun(new(2026, 11, 28), new(2026, 11, 29), DayState.Passed), new TimelineRun(new(2026, 11, 30), new(2026, 11, 30), DayState.Failed)],
            runs);
    }
}
