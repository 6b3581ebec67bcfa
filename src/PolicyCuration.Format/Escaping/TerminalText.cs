using System.Buffers;
using System.Text;

namespace PolicyCuration.Format.Escaping;

/// <summary>
/// The terminal and log sink: text from outside (server replies, DNS data, certificate names, a PR's keys, exception
/// messages) made inert for a terminal and for GitHub's runner, which obeys a line that starts with <c>::</c> and
/// <c>##[</c> anywhere in a line.
/// </summary>
public static class TerminalText
{
    /// <summary>
    /// <paramref name="line"/> (one line, without its end) as it may be printed: control, C1, bidirectional and line
    /// separator characters shown as <c>\uXXXX</c>, <c>##[</c> as <c>##\u005B</c>, and a first <c>:</c> of a line that
    /// would start with <c>::</c> as <c>\u003A</c>. The escapes are JSON's, so that a JSON line stays JSON.
    /// </summary>
    public static string Line(string line)
    {
        if (IsPlain(line))
        {
            return line;
        }

        string text = Characters(line);
        if (text.Contains("##[", StringComparison.Ordinal))
        {
            text = text.Replace("##[", "##\\u005B", StringComparison.Ordinal);
        }

        int start = text.Length - text.TrimStart().Length;
        return text.AsSpan(start).StartsWith("::", StringComparison.Ordinal) ? string.Concat(text.AsSpan(0, start), "\\u003A", text.AsSpan(start + 1)) : text;
    }

    /// <summary>Whether <see cref="Line"/> leaves <paramref name="line"/> as it is.</summary>
    public static bool IsPlain(ReadOnlySpan<char> line) =>
        !line.ContainsAny(UnsafeCharacters) && !line.Contains("##[", StringComparison.Ordinal) && !line.TrimStart().StartsWith("::", StringComparison.Ordinal);

    /// <summary><paramref name="text"/> with every character that moves the cursor (but the tab), changes colour or reorders text shown as <c>\uXXXX</c>.</summary>
    public static string Characters(string text)
    {
        int first = 0;
        while (first < text.Length && !IsUnsafe(text[first]))
        {
            first++;
        }

        if (first == text.Length)
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 16).Append(text, 0, first);
        for (int i = first; i < text.Length; i++)
        {
            char c = text[i];

            // The tag characters and the supplementary variation selectors (U+E0000-E03FF, high surrogate U+DB40) are
            // invisible: both halves of the pair are shown, so that the escaped text stays valid UTF-16 and JSON.
            if (IsUnsafe(c) || (char.IsLowSurrogate(c) && i > 0 && text[i - 1] == InvisiblePlane))
            {
                escaped.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }

    // C0 controls but the tab (maps and tables are tab-separated), C1 controls and DEL; the line and paragraph separators; the bidirectional marks,
    // embeddings, overrides and isolates (the Arabic letter mark among them); the soft hyphen, the Mongolian vowel separator, the zero-width
    // characters, the word joiner and the invisible operators; the high surrogate of the tag block: all make text read otherwise than it is.
    private static readonly SearchValues<char> UnsafeCharacters = SearchValues.Create(
        "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000A\u000B\u000C\u000D\u000E\u000F" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F" +
        "\u007F\u0080\u0081\u0082\u0083\u0084\u0085\u0086\u0087\u0088\u0089\u008A\u008B\u008C\u008D\u008E\u008F" +
        "\u0090\u0091\u0092\u0093\u0094\u0095\u0096\u0097\u0098\u0099\u009A\u009B\u009C\u009D\u009E\u009F" +
        "\u200B\u200C\u200D\u200E\u200F\u2028\u2029\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\uFEFF" +
        "\u00AD\u061C\u180E\u2060\u2061\u2062\u2063\u2064" + InvisiblePlane);

    private const char InvisiblePlane = '\uDB40';

    private static bool IsUnsafe(char c) => UnsafeCharacters.Contains(c);
}
