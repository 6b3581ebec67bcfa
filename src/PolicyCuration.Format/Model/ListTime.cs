using System.Globalization;
using System.Text.RegularExpressions;

namespace PolicyCuration.Format.Model;

/// <summary>A <c>timestamp</c> or <c>expires</c> value, kept as written (RFC 3339 string or epoch seconds).</summary>
/// <param name="Text">The string's value, or the number's literal text.</param>
/// <param name="IsNumber">Whether it was written as a JSON number (epoch seconds).</param>
/// <param name="Offset">Byte offset in the source, or -1 when built in memory.</param>
public sealed partial record ListTime(string Text, bool IsNumber, long Offset = -1)
{
    // Epoch seconds beyond year 9999 cannot be a real expiry and would overflow DateTimeOffset.
    private const double MaxEpochSeconds = 253402300799;

    /// <summary>The instant, or null when the text is neither RFC 3339 with an offset nor epoch seconds.</summary>
    public DateTimeOffset? Value => IsNumber ? ParseEpoch(Text) : ParseRfc3339(Text);

    /// <summary>An RFC 3339 string for <paramref name="instant"/> in UTC, with a <c>+00:00</c> offset as EFF wrote it.</summary>
    public static ListTime FromInstant(DateTimeOffset instant) =>
        new(instant.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture), false);

    private static DateTimeOffset? ParseEpoch(string text)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds)
            || !double.IsFinite(seconds) || seconds < 0 || seconds > MaxEpochSeconds)
        {
            return null;
        }

        return DateTimeOffset.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond));
    }

    private static DateTimeOffset? ParseRfc3339(string text)
    {
        var match = Rfc3339().Match(text);
        if (!match.Success)
        {
            return null;
        }

        int Part(string name) => int.Parse(match.Groups[name].ValueSpan, CultureInfo.InvariantCulture);
        TimeSpan offset = TimeSpan.Zero;
        if (match.Groups["oh"].Success)
        {
            offset = new TimeSpan(Part("oh"), Part("om"), 0);
            if (match.Groups["sign"].Value == "-")
            {
                offset = -offset;
            }
        }

        if (Math.Abs(offset.TotalHours) >= 24 || Part("s") > 59)
        {
            return null;
        }

        try
        {
            var instant = new DateTimeOffset(Part("y"), Part("mo"), Part("d"), Part("h"), Part("mi"), Part("s"), offset);
            string fraction = match.Groups["f"].Value;
            if (fraction.Length > 0)
            {
                string ticks = fraction.Length > 7 ? fraction[..7] : fraction.PadRight(7, '0');
                instant = instant.AddTicks(long.Parse(ticks, CultureInfo.InvariantCulture));
            }

            return instant;
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"^(?<y>\d{4})-(?<mo>\d{2})-(?<d>\d{2})[Tt](?<h>\d{2}):(?<mi>\d{2}):(?<s>\d{2})(?:\.(?<f>\d{1,9}))?(?:[Zz]|(?<sign>[+-])(?<oh>\d{2}):(?<om>\d{2}))$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();
}
