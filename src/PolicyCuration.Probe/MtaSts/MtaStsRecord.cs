namespace PolicyCuration.Probe.MtaSts;

/// <summary>A domain's <c>_mta-sts</c> TXT record (RFC 8461 §3.1).</summary>
/// <param name="Id">The policy id: 1 to 32 letters and digits.</param>
public sealed record MtaStsRecord(string Id)
{
    /// <summary>
    /// Picks the <c>v=STSv1</c> record among <paramref name="texts"/>: the record, or why there is none usable.
    /// Records of other versions are ignored; more than one STSv1 record means no policy (RFC 8461 §3.1).
    /// </summary>
    public static (MtaStsRecord? Record, string? Problem, int Count) Select(IReadOnlyList<string> texts)
    {
        var candidates = texts.Where(IsStsV1).ToList();
        if (candidates.Count != 1)
        {
            return (null, candidates.Count == 0 ? null : $"{candidates.Count} records start with v=STSv1", candidates.Count);
        }

        var fields = TagList.Parse(candidates[0]);
        if (fields is null)
        {
            return (null, $"\"{candidates[0]}\" is not a list of key=value fields separated by ';'", 1);
        }

        if (!fields.TryGetValue("id", out string? id) || id.Length is 0 or > 32 || !id.All(char.IsAsciiLetterOrDigit))
        {
            return (null, $"\"{candidates[0]}\" has no id of 1 to 32 letters and digits", 1);
        }

        return (new MtaStsRecord(id), null, 1);
    }

    private static bool IsStsV1(string text)
    {
        var trimmed = text.AsSpan().TrimStart();
        if (!trimmed.StartsWith("v=STSv1", StringComparison.Ordinal))
        {
            return false;
        }

        var rest = trimmed["v=STSv1".Length..].TrimStart();
        return rest.IsEmpty || rest[0] == ';';
    }
}

/// <summary>The <c>key=value; key=value</c> syntax shared by MTA-STS and TLS-RPT records.</summary>
internal static class TagList
{
    /// <summary>The fields by key (first occurrence wins), or <see langword="null"/> when a field has no <c>=</c>.</summary>
    public static Dictionary<string, string>? Parse(string text)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string part in text.Split(';'))
        {
            string field = part.Trim(' ', '\t');
            if (field.Length == 0)
            {
                continue;
            }

            int equals = field.IndexOf('=');
            if (equals <= 0)
            {
                return null;
            }

            fields.TryAdd(field[..equals].Trim(' ', '\t'), field[(equals + 1)..].Trim(' ', '\t'));
        }

        return fields;
    }
}
