namespace PolicyCuration.Consumer.Exports;

/// <summary>Sendmail access-map entries: <c>TLS_Rcpt:domain VERIFY</c>, to be built with <c>makemap</c>.</summary>
/// <remarks>Sendmail's <c>TLS_Rcpt</c> can ask for a verified chain, and for one exact common name, not for a set of patterns.</remarks>
public static class SendmailAccess
{
    /// <summary>The file's text.</summary>
    public static string Render(IReadOnlyList<ExportEntry> entries, IReadOnlyList<string> header)
    {
        var text = MtaExport.Header(header, "#", "listed domains: STARTTLS with a verified chain (TLS_Rcpt VERIFY); the MX patterns cannot be said in an access map");
        foreach (var entry in entries)
        {
            text.Append(entry.Enforced ? string.Empty : $"# {entry.Note}: ").Append("TLS_Rcpt:").Append(entry.Domain).Append("\tVERIFY\n");
        }

        return text.ToString();
    }
}
