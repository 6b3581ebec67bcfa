namespace PolicyCuration.Probe.MtaSts;

/// <summary>A domain's <c>_smtp._tls</c> TXT record (RFC 8460 §3).</summary>
/// <param name="ReportUris">Where reports go: <c>mailto:</c> and <c>https:</c> URIs.</param>
public sealed record TlsRptRecord(IReadOnlyList<string> ReportUris)
{
    /// <summary>Picks the <c>v=TLSRPTv1</c> record among <paramref name="texts"/>: the record, or why there is none usable.</summary>
    public static (TlsRptRecord? Record, string? Problem, int Count) Select(IReadOnlyList<string> texts)
    {
        var candidates = texts.Where(t => t.TrimStart().StartsWith("v=TLSRPTv1", StringComparison.Ordinal)).ToList();
        if (candidates.Count != 1)
        {
            return (null, candidates.Count == 0 ? null : $"{candidates.Count} records start with v=TLSRPTv1", candidates.Count);
        }

        var fields = TagList.Parse(candidates[0]);
        if (fields is null || !fields.TryGetValue("rua", out string? rua))
        {
            return (null, $"\"{candidates[0]}\" has no rua field: name where reports go (rua=mailto:…)", 1);
        }

        var uris = rua.Split(',').Select(u => u.Trim()).ToList();
        var bad = uris.FirstOrDefault(u =>
            !(u.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase) || u.StartsWith("https:", StringComparison.OrdinalIgnoreCase))
            || !Uri.IsWellFormedUriString(u, UriKind.Absolute));
        if (bad is not null)
        {
            return (null, $"rua \"{bad}\" is not a mailto: or https: URI", 1);
        }

        return (new TlsRptRecord(uris), null, 1);
    }
}
