using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using PolicyCuration.Format;
using PolicyCuration.Format.Findings;
using PolicyCuration.Format.Model;

namespace PolicyCuration.Consumer;

/// <summary>A list that cannot be turned into a Postfix map; the message names the domain or the place, and why.</summary>
public sealed class MapRefusedException(string message) : Exception(message);

/// <summary>How a map is written.</summary>
/// <param name="EarlyAdopter">Enforce testing domains too.</param>
/// <param name="ServerName">Send the MX host's name as SNI (<c>servername=hostname</c>, Postfix 3.4 and later).</param>
/// <param name="Overrides">The admin's own entries, applied after the list.</param>
public sealed record PostfixMapOptions(bool EarlyAdopter = false, bool ServerName = true, MapOverrides? Overrides = null);

/// <summary>The policy lines of a map and the expiry of the list they came from.</summary>
/// <param name="Body">One line per domain, UTF-8.</param>
/// <param name="Expires">The list's <c>expires</c>, to be checked against the signed manifest's.</param>
public sealed record PostfixMapLines(byte[] Body, ListTime? Expires)
{
    /// <summary>The lines after <paramref name="header"/>.</summary>
    public byte[] ToArray(ReadOnlySpan<byte> header) => [.. header, .. Body];
}

/// <summary>
/// The Postfix <c>smtp_tls_policy_maps</c> table of a list: <c>domain secure match=p1:p2 servername=hostname</c> for
/// each enforced domain, testing domains as comments (or enforced with early adoption), aliases resolved, in the
/// list's order, then the admin's overrides.
/// </summary>
/// <remarks>
/// The list is read by the curation tools' own reader into the model, as strictly as they read it: anything it reports
/// as an error refuses the whole map, as do a domain listed twice, a policy without a pattern, and a name or pattern
/// holding a byte Postfix's table syntax gives a meaning to. A map that silently drops or bends a policy is worse than none.
/// </remarks>
public static class PostfixMap
{
    /// <summary>Renders the list in <paramref name="list"/> as <paramref name="options"/> say.</summary>
    /// <exception cref="MapRefusedException">The list cannot be read, or a policy cannot be written faithfully.</exception>
    public static PostfixMapLines Render(ReadOnlyMemory<byte> list, PostfixMapOptions options)
    {
        byte[] bytes = MemoryMarshal.TryGetArray(list, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : list.ToArray();
        var read = PolicyListReader.Read(new SourceText("policy.json", bytes));
        if (read.Problems.FirstOrDefault(p => p.Severity == Severity.Error) is { } problem)
        {
            throw new MapRefusedException(Describe(problem));
        }

        var model = read.List ?? throw new MapRefusedException("the list cannot be read (list.shape)");
        var overrides = options.Overrides ?? MapOverrides.None;

        // Written as UTF-8 straight away: a large map is tens of megabytes, and each copy of it costs.
        var text = new ArrayBufferWriter<byte>(bytes.Length);
        var seen = new HashSet<string>(model.Policies.Count, StringComparer.Ordinal);
        foreach (var entry in model.Policies)
        {
            string name = entry.Name.ToLowerInvariant();
            var policy = model.Resolve(entry.Policy) ?? throw Refused(model, entry, $"{name} uses the unknown alias {entry.Policy.Alias}");
            if (!seen.Add(name))
            {
                throw Refused(model, entry, $"{name} is listed twice");
            }

            if (Reserves(name))
            {
                throw Refused(model, entry, $"the domain {name} holds a character Postfix's map syntax reserves (:, comma, space, tab, #) or a control character");
            }

            if (policy.Mxs is not { Count: > 0 } mxs)
            {
                throw Refused(model, entry, $"{name} has no MX pattern");
            }

            var patterns = mxs.Select(m => m.Text.ToLowerInvariant()).ToList();
            if (patterns.FirstOrDefault(Reserves) is { } reserved)
            {
                throw Refused(model, entry, $"an MX pattern of {name} holds a character Postfix's map syntax reserves (:, comma, space, tab, #) or a control character: \"{reserved}\"");
            }

            if (overrides.Contains(name))
            {
                Write(text, "# overridden below: ", name, "\n");
                continue;
            }

            bool enforced = policy.Mode == PolicyMode.Enforce || (options.EarlyAdopter && policy.Mode == PolicyMode.Testing);
            Write(text, enforced ? string.Empty : "# testing: ", name, "\tsecure match=");
            for (int i = 0; i < patterns.Count; i++)
            {
                Write(text, i == 0 ? string.Empty : ":", patterns[i], string.Empty);
            }

            Write(text, options.ServerName ? " servername=hostname\n" : "\n", string.Empty, string.Empty);
        }

        var local = new StringBuilder();
        overrides.AppendTo(local);
        Write(text, local.ToString(), string.Empty, string.Empty);
        return new PostfixMapLines(text.WrittenSpan.ToArray(), model.Expires);
    }

    private static void Write(ArrayBufferWriter<byte> text, string before, string value, string after)
    {
        foreach (string part in (ReadOnlySpan<string>)[before, value, after])
        {
            text.Advance(Encoding.UTF8.GetBytes(part, text.GetSpan(Encoding.UTF8.GetMaxByteCount(part.Length))));
        }
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

    /// <summary>Whether <paramref name="text"/> holds a byte Postfix's table syntax gives a meaning to, or a control character.</summary>
    internal static bool Reserves(string text) => text.AsSpan().ContainsAny(":, \t\r\n#") || text.AsSpan().ContainsAnyInRange('\0', '\u001f') || text.Contains('\u007f');

    private static MapRefusedException Refused(PolicyList model, NamedPolicy entry, string message) =>
        new(model.LocationOf(entry.NameOffset) is { } at ? $"at line {at.Line}, column {at.Column}: {message} (list.map)" : $"{message} (list.map)");

    private static string Describe(Finding problem) =>
        problem.Location is { } at ? $"at line {at.Line}, column {at.Column}: {problem.Message} ({problem.Code})" : $"{problem.Message} ({problem.Code})";
}
