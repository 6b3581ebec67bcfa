using System.Text;

namespace PolicyCuration.Consumer.Exports;

/// <summary>
/// An Exim <c>lsearch</c> file: <c>domain: pattern : pattern</c>, the patterns as an Exim host list (a pattern
/// <c>.example.com</c>, one more label, as the regular expression <c>^[^.]+\.example\.com$</c>).
/// </summary>
public static class EximTable
{
    /// <summary>The file's text.</summary>
    public static string Render(IReadOnlyList<ExportEntry> entries, IReadOnlyList<string> header)
    {
        var text = MtaExport.Header(header, "#", "listed domains: TLS required and the certificate verified (see the README's Exim section); testing and dropped domains are comments");
        foreach (var entry in entries)
        {
            text.Append(entry.Enforced ? string.Empty : $"# {entry.Note}: ").Append(entry.Domain);
            if (entry.Patterns.Count > 0)
            {
                text.Append(": ").AppendJoin(" : ", entry.Patterns.Select(HostListItem));
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    /// <summary>A pattern as an item of an Exim host list.</summary>
    public static string HostListItem(string pattern) =>
        pattern.StartsWith('.') ? $"^[^.]+{pattern.Replace(".", "\\.", StringComparison.Ordinal)}$" : pattern;
}
