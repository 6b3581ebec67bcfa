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
        foreach (char c in text.AsSpan(first))
        {
            if (IsUnsafe(c))
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

    private static readonly SearchValues<char> UnsafeCharacters =
        SearchValues.Create(Enumerable.Range(0, char.MaxValue + 1).Select(c => (char)c).Where(IsUnsafe).ToArray());

    // C0 controls but the tab (maps and tables are tab-separated), C1 controls and DEL; the line and paragraph separators; the bidirectional embeddings, overrides and
    // isolates and the zero-width characters, which make text read otherwise than it is.
    private static bool IsUnsafe(char c) =>
        (c < ' ' && c != '\t') || c is >= '\u007F' and <= '\u009F' || c is '\u2028' or '\u2029' or >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069'
        or >= '\u200B' and <= '\u200F' or '\uFEFF';
}
