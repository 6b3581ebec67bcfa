using System.Text;

namespace PolicyCuration.Format.Findings;

/// <summary>How values from untrusted input are shown inside one-line messages.</summary>
public static class MessageText
{
    private const int Shown = 80;

    /// <summary>The value in double quotes, control characters escaped, cut after 80 characters.</summary>
    public static string Quote(string text)
    {
        var builder = new StringBuilder("\"");
        int count = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (count++ >= Shown)
            {
                builder.Append('…');
                break;
            }

            if (Rune.IsControl(rune) || rune.Value is '"' or '\\')
            {
                builder.Append($"\\u{rune.Value:X4}");
            }
            else
            {
                builder.Append(rune.ToString());
            }
        }

        return builder.Append('"').ToString();
    }
}
