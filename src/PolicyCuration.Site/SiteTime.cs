using System.Globalization;

namespace PolicyCuration.Site;

/// <summary>How the site writes times, in the API, the feed and the pages alike: UTC, to the second or the day.</summary>
internal static class SiteTime
{
    /// <summary><c>2026-11-30T12:00:00Z</c>.</summary>
    public static string Instant(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary><c>2026-11-30</c>, the UTC day of <paramref name="instant"/>.</summary>
    public static string Day(DateTimeOffset instant) => Day(DateOnly.FromDateTime(instant.UtcDateTime));

    /// <summary><c>2026-11-30</c>.</summary>
    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
