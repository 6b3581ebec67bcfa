using System.Text;
using System.Text.RegularExpressions;

namespace PolicyCuration.Format.Escaping;

/// <summary>
/// The Markdown sink (PR comments, job summaries): text from outside shown as it is, never rendered as a link, an
/// image, a mention, HTML or formatting, and never breaking the table cell it stands in.
/// </summary>
public static partial class MarkdownText
{
    /// <summary>
    /// <paramref name="text"/> for a table cell or a line: as it is when it holds only letters, digits, spaces and
    /// plain punctuation (and no address, mention or <c>www.</c>), else as a <see cref="Code"/> span.
    /// </summary>
    public static string Inline(string text) =>
        Plain().IsMatch(text) && !text.Contains("://", StringComparison.Ordinal) && !text.Contains("www.", StringComparison.OrdinalIgnoreCase)
            ? text
            : Code(text);

    /// <summary>
    /// <paramref name="text"/> as a code span, in which Markdown renders nothing: fenced by one backtick more than its
    /// longest run of backticks, on one line, its pipes escaped for tables and its controls shown as escapes.
    /// </summary>
    public static string Code(string text)
    {
        string line = TerminalText.Characters(text.Replace("\r\n", " ", StringComparison.Ordinal)).Replace("|", "\\|", StringComparison.Ordinal);
        int longest = 0, run = 0;
        foreach (char c in line)
        {
            run = c == '`' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        string fence = new('`', longest + 1);
        bool pad = line.Length == 0 || line[0] == '`' || line[^1] == '`' || line[0] == ' ' || line[^1] == ' ';
        return new StringBuilder().Append(fence).Append(pad ? " " : string.Empty).Append(line).Append(pad ? " " : string.Empty).Append(fence).ToString();
    }

    // Letters and digits of any script, spaces, and punctuation that neither CommonMark nor GitHub's extensions
    // give a meaning to in running text.
    [GeneratedRegex(@"^[\p{L}\p{N} .,;:'""()/=+%-]*$")]
    private static partial Regex Plain();
}
