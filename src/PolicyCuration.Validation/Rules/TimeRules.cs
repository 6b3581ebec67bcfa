using PolicyCuration.Format.Findings;
using PolicyCuration.Format.Model;
using static PolicyCuration.Validation.Rules.ListFindingKinds;

namespace PolicyCuration.Validation.Rules;

/// <summary>Rules on <c>timestamp</c> and <c>expires</c>.</summary>
public static class TimeRules
{
    /// <summary>Longest validity window before a warning: a list signed for longer outlives its own review cycle.</summary>
    public static readonly TimeSpan MaxValidity = TimeSpan.FromDays(31);

    /// <summary>The findings on the list's times, judged at <paramref name="now"/>.</summary>
    public static IEnumerable<Finding> Check(PolicyList list, DateTimeOffset now)
    {
        var timestamp = Parse(list, list.Timestamp, TimestampInvalid, "timestamp", out var timestampProblem);
        var expires = Parse(list, list.Expires, ExpiresInvalid, "expires", out var expiresProblem);
        if (timestampProblem is not null)
        {
            yield return timestampProblem;
        }

        if (expiresProblem is not null)
        {
            yield return expiresProblem;
        }

        if (expires is null)
        {
            yield break;
        }

        // A position costs an index of the file's lines: worked out only for a finding.
        SourceLocation? At() => list.LocationOf(list.Expires!.Offset);
        if (timestamp is not null && expires <= timestamp)
        {
            yield return ExpiresNotAfterTimestamp.At("list",
                $"\"expires\" ({list.Expires!.Text}) is not after \"timestamp\" ({list.Timestamp!.Text}); set it later, typically 14 days after", At());
        }
        else if (timestamp is not null && expires - timestamp > MaxValidity)
        {
            yield return ValidityTooLong.At("list",
                $"the list is valid for {(expires - timestamp).Value.TotalDays:0.#} days, more than {MaxValidity.TotalDays} days; shorten it so that a stale list expires before consumers rely on it", At());
        }

        if (expires <= now)
        {
            yield return Expired.At("list",
                $"the list expired at {expires:yyyy-MM-dd HH:mm:ss zzz}; consumers ignore an expired list, so release a fresh one", At());
        }
    }

    private static DateTimeOffset? Parse(PolicyList list, ListTime? time, FindingKind invalid, string name, out Finding? problem)
    {
        problem = null;
        if (time is null)
        {
            return null;
        }

        var value = time.Value;
        if (value is null)
        {
            problem = invalid.At("list",
                $"\"{name}\" {MessageText.Quote(time.Text)} is neither an RFC 3339 date-time with an offset, such as \"2026-11-28T00:00:00+00:00\", nor epoch seconds",
                list.LocationOf(time.Offset));
        }

        return value;
    }
}
