namespace PolicyCuration.Consumer.Exports;

/// <summary>An OpenSMTPD <c>file:</c> table of the listed domains, one a line, for a <c>relay tls</c> action.</summary>
/// <remarks>OpenSMTPD's <c>relay tls</c> requires STARTTLS and a valid chain for the MX host; it cannot match names to patterns.</remarks>
public static class OpenSmtpdTable
{
    /// <summary>The file's text.</summary>
    public static string Render(IReadOnlyList<ExportEntry> entries, IReadOnlyList<string> header)
    {
        var text = MtaExport.Header(header, "#", "listed domains, for an action 'relay tls' (STARTTLS and a valid certificate; OpenSMTPD cannot match the MX patterns)");
        foreach (var entry in entries)
        {
            text.Append(entry.Enforced ? string.Empty : $"# {entry.Note}: ").Append(entry.Domain).Append('\n');
        }

        return text.ToString();
    }
}
