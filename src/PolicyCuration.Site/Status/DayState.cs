namespace PolicyCuration.Site.Status;

/// <summary>What the audits of one day said about a domain.</summary>
/// <remarks>A byte: every listed domain keeps one for each of the timeline's 90 days.</remarks>
public enum DayState : byte
{
    /// <summary>No audit that day.</summary>
    NotAudited,

    /// <summary>Every trusted audit passed.</summary>
    Passed,

    /// <summary>Every trusted audit failed.</summary>
    Failed,

    /// <summary>Trusted audits disagreed: one vantage passed, another failed.</summary>
    Disputed,

    /// <summary>Only audits from vantages that were not healthy: they say nothing about the domain.</summary>
    Inconclusive,
}

/// <summary>The names the API and the pages give the states.</summary>
public static class DayStateNames
{
    /// <summary>The state's name: <c>not_audited</c>, <c>passed</c>, <c>failed</c>, <c>disputed</c>, <c>inconclusive</c>.</summary>
    public static string ToName(this DayState state) => state switch
    {
        DayState.Passed => "passed",
        DayState.Failed => "failed",
        DayState.Disputed => "disputed",
        DayState.Inconclusive => "inconclusive",
        _ => "not_audited",
    };

    /// <summary>The state of a day that had <paramref name="state"/> and then an audit that <paramref name="passed"/>, from a vantage that was <paramref name="trusted"/> or not.</summary>
    public static DayState With(this DayState state, bool passed, bool trusted) => (state, trusted, passed) switch
    {
        (_, false, _) => state == DayState.NotAudited ? DayState.Inconclusive : state,
        (DayState.NotAudited or DayState.Inconclusive, true, true) => DayState.Passed,
        (DayState.NotAudited or DayState.Inconclusive, true, false) => DayState.Failed,
        (DayState.Passed, true, false) or (DayState.Failed, true, true) => DayState.Disputed,
        _ => state,
    };
}
