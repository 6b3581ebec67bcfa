using System.Buffers;
using System.Text;
using PolicyCuration.Format;
using PolicyCuration.Format.Model;

namespace PolicyCuration.Consumer;

/// <summary>A list that cannot be turned into a Postfix map; the message names the domain or the place, and why.</summary>
public sealed class MapRefusedException(string message) : Exception(message);

/// <summary>How a map is written.</summary>
/// <param name="EarlyAdopter">Enforce testing domains too.</param>
/// <param name="ServerName">Send the MX host's name as SNI (<c>servername=hostname</c>, Postfix 3.4 and later).</param>
/// <param name="Overrides">The admin's own entries, applied after the list.</param>
/// <param name="DaneDomains">Under <c>--dane</c>, the enforced domains whose every MX host is DANE-authenticated, written <c>dane-only</c>; null without <c>--dane</c>.</param>
public sealed record PostfixMapOptions(bool EarlyAdopter = false, bool ServerName = true, MapOverrides? Overrides = null, IReadOnlySet<string>? DaneDomains = null);

/// <summary>The policy lines of a map and the expiry of the list they came from.</summary>
/// <param name="Body">One line per domain, UTF-8.</param>
/// <param name="Expires">The list's <c>expires</c>, to be checked against the signed manifest's.</param>
public sealed record PostfixMapLines(ReadOnlyMemory<byte> Body, ListTime? Expires)
{
    /// <summary>The lines after <paramref name="header"/>.</summary>
    public byte[] ToArray(ReadOnlySpan<byte> header) => [.. header, .. Body.Span];
}

/// <summary>
/// The Postfix <c>smtp_tls_policy_maps</c> table of a list: <c>domain secure match=p1:p2 servername=hostname</c> for
/// each enforced domain, testing domains as comments (or enforced with early adoption), aliases resolved, in the
/// list's order, then the admin's overrides.
/// </summary>
/// <remarks>The list's entries come from <see cref="MapEntries"/>, which refuses what no map can write faithfully.</remarks>
public static class PostfixMap
{
    /// <summary>Renders the list in <paramref name="list"/> as <paramref name="options"/> say.</summary>
    /// <exception cref="MapRefusedException">The list cannot be read, or a policy cannot be written faithfully.</exception>
    public static PostfixMapLines Render(ReadOnlyMemory<byte> list, PostfixMapOptions options) =>
        Render(MapEntries.Resolve(list, options.EarlyAdopter), options);

    /// <summary>Renders entries already read (with <see cref="PostfixMapOptions.EarlyAdopter"/> applied) as <paramref name="options"/> say.</summary>
    public static PostfixMapLines Render(MapEntryList resolved, PostfixMapOptions options)
    {
        var overrides = options.Overrides ?? MapOverrides.None;

        // Written as UTF-8 straight away, into a buffer the size of the list (a map takes less unless most domains use
        // aliases): a large map is tens of megabytes, and each copy of it costs.
        var text = new ArrayBufferWriter<byte>(Math.Max(resolved.ListBytes, 1024));
        foreach (var entry in resolved.Entries)
        {
            if (overrides.Contains(entry.Domain))
            {
                Write(text, "# overridden below: "u8, entry.Domain);
                text.Write("\n"u8);
                continue;
            }

            // DANE pins the server's key and needs no CA; a secure entry would replace it with any public CA (RFC 8461, section 2).
            if (entry.Enforced && options.DaneDomains is { } dane && dane.Contains(entry.Domain))
            {
                Write(text, default, entry.Domain);
                text.Write("\tdane-only\n"u8);
                continue;
            }

            Write(text, entry.Enforced ? default : "# testing: "u8, entry.Domain);
            for (int i = 0; i < entry.Patterns.Count; i++)
            {
                Write(text, i == 0 ? "\tsecure match="u8 : ":"u8, entry.Patterns[i]);
            }

            text.Write(options.ServerName ? " servername=hostname\n"u8 : "\n"u8);
        }

        var local = new StringBuilder();
        overrides.AppendTo(local);
        Write(text, default, local.ToString());
        return new PostfixMapLines(text.WrittenMemory, resolved.Expires);
    }

    private static void Write(ArrayBufferWriter<byte> text, ReadOnlySpan<byte> before, string value)
    {
        text.Write(before);
        text.Advance(Encoding.UTF8.GetBytes(value, text.GetSpan(Encoding.UTF8.GetMaxByteCount(value.Length))));
    }

    /// <summary>The comment lines that head a map: <paramref name="lines"/>, then what each mode becomes.</summary>
    public static byte[] Header(IEnumerable<string> lines, PostfixMapOptions options)
    {
        var text = new StringBuilder();
        foreach (string line in lines)
        {
            text.Append("# ").Append(line).Append('\n');
        }

        text.Append("# enforce: secure, certificate must match; testing: ")
            .Append(options.EarlyAdopter ? "enforced too (--early-adopter)" : "commented out, delivery stays opportunistic").Append('\n');
        if (options.DaneDomains is { } dane)
        {
            text.Append("# dane-only: ").Append(dane.Count).Append(" enforced domain(s) whose MX records and every MX host's TLSA records are DNSSEC-validated (--dane)\n");
        }

        if (options.Overrides is { Count: > 0 } overrides)
        {
            text.Append("# ").Append(overrides.Count).Append(" local override(s) from ").Append(overrides.Source).Append(", at the end\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>The map written when the installed list has expired: no policy at all, so delivery falls back to opportunistic TLS.</summary>
    public static string Expired(long serial, DateTimeOffset expires) =>
        $"# starttls-policy: the installed list (serial {serial}) EXPIRED at {expires:yyyy-MM-dd'T'HH:mm:ss'Z'}.\n" +
        "# No policy is enforced until a fresh signed release is installed: delivery is opportunistic.\n";
}
