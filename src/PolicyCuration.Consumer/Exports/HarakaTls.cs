namespace PolicyCuration.Consumer.Exports;

/// <summary>The <c>[outbound]</c> section of Haraka's <c>tls.ini</c>: <c>force_tls_hosts[]=domain</c> for each listed domain.</summary>
/// <remarks>Haraka forces STARTTLS for these destinations; certificate checks follow the section's <c>rejectUnauthorized</c>, and names are not matched to patterns.</remarks>
public static class HarakaTls
{
    /// <summary>The section's text.</summary>
    public static string Render(IReadOnlyList<ExportEntry> entries, IReadOnlyList<string> header)
    {
        var text = MtaExport.Header(header, ";", "listed domains: STARTTLS forced (force_tls_hosts); see the README's Haraka section for certificate checks");
        text.Append("[outbound]\n");
        foreach (var entry in entries)
        {
            text.Append(entry.Enforced ? string.Empty : $"; {entry.Note}: ").Append("force_tls_hosts[]=").Append(entry.Domain).Append('\n');
        }

        return text.ToString();
    }
}
