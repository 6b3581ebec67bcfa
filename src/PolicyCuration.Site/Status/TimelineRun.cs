namespace PolicyCuration.Site.Status;

/// <summary>Consecutive days in the same state, oldest first in a timeline.</summary>
/// <param name="From">The first day.</param>
/// <param name="To">The last day (inclusive).</param>
/// <param name="State">What the audits said on each of them.</param>
public sealed record TimelineRun(DateOnly From, DateOnly To, DayState State)
{
    /// <summary>How many days the run covers.</summary>
    public int Days => To.DayNumber - From.DayNumber + 1;

    /// <summary>The runs of <paramref name="days"/>, the states of consecutive days ending on <paramref name="last"/>.</summary>
    public static IReadOnlyList<TimelineRun> Of(ReadOnlySpan<DayState> days, DateOnly last)
    {
        var runs = new List<TimelineRun>();
        var first = last.AddDays(1 - days.Length);
        int start = 0;
        for (int i = 1; i <= days.Length; i++)
        {
            if (i == days.Length || days[i] != days[start])
            {
                runs.Add(new TimelineRun(first.AddDays(start), first.AddDays(i - 1), days[start]));
                start = i;
            }
        }

        return runs;
    }
}
