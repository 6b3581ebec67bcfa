using System.Text;

namespace PolicyCuration.Consumer.Exports;

/// <summary>What one export holds for a domain: the patterns it enforces, or a note on why it says nothing.</summary>
/// <param name="Domain">The domain, lower case.</param>
/// <param name="Patterns">The MX patterns, lower case.</param>
/// <param name="Enforced">Whether the export enforces it; a domain not enforced is written as a comment.</param>
/// <param name="Note">Why the domain is written as a comment, when it is.</param>
public sealed record ExportEntry(string Domain, IReadOnlyList<string> Patterns, bool Enforced, string? Note);

/// <summary>The exports for mail servers other than Postfix, from the same entries and overrides as the Postfix map.</summary>
/// <remarks>
/// An override that is not <c>none</c> or <c>secure match=…</c> (a Postfix security level such as <c>dane-only</c>)
/// means nothing to these servers: the domain is left to the server's own settings, and a comment says so.
/// </remarks>
public static class MtaExport
{
    /// <summary>The file for <paramref name="format"/> (not Postfix's, which <see cref="PostfixMap"/> writes), headed by <paramref name="header"/>.</summary>
    public static byte[] Render(MtaFormat format, MapEntryList list, MapOverrides? overrides, IReadOnlyList<string> header)
    {
        var entries = Apply(list.Entries, overrides ?? MapOverrides.None);
        string text = format switch
        {
            MtaFormat.Exim => EximTable.Render(entries, header),
            MtaFormat.Sendmail => SendmailAccess.Render(entries, header),
            MtaFormat.OpenSmtpd => OpenSmtpdTable.Render(entries, header),
            MtaFormat.Haraka => HarakaTls.Render(entries, header),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "the Postfix map is written by PostfixMap"),
        };
        return Encoding.UTF8.GetBytes(text);
    }

    /// <summary>The file for <paramref name="format"/> when the installed list has expired: no domain at all.</summary>
    public static byte[] Expired(MtaFormat format, long serial, DateTimeOffset expires)
    {
        string mark = format == MtaFormat.Haraka ? ";" : "#";
        string text = $"{mark} starttls-policy: the installed list (serial {serial}) EXPIRED at {expires:yyyy-MM-dd'T'HH:mm:ss'Z'}.\n" +
            $"{mark} No policy is enforced until a fresh signed release is installed.\n" +
            (format == MtaFormat.Haraka ? "[outbound]\n" : string.Empty);
        return Encoding.UTF8.GetBytes(text);
    }

    /// <summary>The list's entries with the overrides applied: overridden domains replaced, added ones at the end.</summary>
    public static IReadOnlyList<ExportEntry> Apply(IEnumerable<MapEntry> entries, MapOverrides overrides)
    {
        var result = new List<ExportEntry>();
        foreach (var entry in entries)
        {
            if (!overrides.Contains(entry.Domain))
            {
                result.Add(new ExportEntry(entry.Domain, entry.Patterns, entry.Enforced, entry.Enforced ? null : "testing"));
            }
        }

        foreach (var local in overrides.Entries)
        {
            result.Add(local.Policy switch
            {
                null => new ExportEntry(local.Domain, [], false, $"none (local override, line {local.Line})"),
                var policy when Patterns(policy) is { } patterns => new ExportEntry(local.Domain, patterns, true, null),
                var policy => new ExportEntry(local.Domain, [], false, $"\"{policy}\" (local override, line {local.Line}) has no equivalent here; left to the server's own settings"),
            });
        }

        return result;
    }

    /// <summary>The comment lines that head an export, each after <paramref name="mark"/>.</summary>
    internal static StringBuilder Header(IReadOnlyList<string> header, string mark, string enforces)
    {
        var text = new StringBuilder();
        foreach (string line in header)
        {
            text.Append(mark).Append(' ').Append(line).Append('\n');
        }

        return text.Append(mark).Append(' ').Append(enforces).Append('\n');
    }

    // The patterns of "secure match=a:b [attribute=value…]", the one Postfix policy the other servers can follow.
    private static IReadOnlyList<string>? Patterns(string policy)
    {
        string[] words = policy.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string? match = words[0] == "secure" ? words.Skip(1).FirstOrDefault(w => w.StartsWith("match=", StringComparison.Ordinal)) : null;
        return match is null ? null : match["match=".Length..].Split(':', StringSplitOptions.RemoveEmptyEntries).Select(p => p.ToLowerInvariant()).ToList();
    }
}
