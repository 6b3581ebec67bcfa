using System.Text;

namespace PolicyCuration.Format.Escaping;

/// <summary>The one escaping function of the HTML sink: every text a page shows goes through it.</summary>
public static class HtmlText
{
    /// <summary>
    /// <paramref name="text"/> safe as element content and as a quoted attribute value: <c>&amp; &lt; &gt; " '</c> as
    /// entities, control characters (other than tab and newline), the bidirectional embeddings, overrides and isolates
    /// (which would make a certificate name read otherwise than it is) and lone surrogates as U+FFFD.
    /// </summary>
    public static string Escape(string text)
    {
        if (IsPlain(text))
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 16);
        Append(escaped, text);
        return escaped.ToString();
    }

    /// <summary>Appends <paramref name="text"/> escaped as <see cref="Escape"/> does.</summary>
    public static StringBuilder Append(StringBuilder html, string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            switch (c)
            {
                case '&': html.Append("&amp;"); break;
                case '<': html.Append("&lt;"); break;
                case '>': html.Append("&gt;"); break;
                case '"': html.Append("&quot;"); break;
                case '\'': html.Append("&#39;"); break;
                case '\t' or '\n': html.Append(c); break;
                case < ' ' or (>= '\u007f' and <= '\u009f') or (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069'): html.Append('\uFFFD'); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                    {
                        html.Append(c).Append(text[++i]);
                    }
                    else
                    {
                        html.Append(char.IsSurrogate(c) ? '\uFFFD' : c);
                    }

                    break;
            }
        }

        return html;
    }

    private static bool IsPlain(string text)
    {
        foreach (char c in text)
        {
            if (c is '&' or '<' or '>' or '"' or '\'' or < ' ' or (>= '\u007f' and <= '\u009f') or (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069') || char.IsSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }
}
