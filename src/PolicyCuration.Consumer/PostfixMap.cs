using System.Buffers;
using System.Text;
using PolicyCuration.Format.Model;

namespace PolicyCuration.Consumer;

/// <summary>A list that cannot be turned into a Postfix map; the message names the domain and why.</summary>
public sealed class MapRefusedException(string message) : Exception(message);

/// <summary>
/// The Postfix <c>smtp_tls_policy_maps</c> table of a list: <c>domain secure match=p1:p2</c> for each enforced domain,
/// testing domains as comments (or enforced with early adoption), aliases resolved, in the list's order.
/// </summary>
public static class PostfixMap
{
    // Characters Postfix's table syntax gives a meaning to: a pattern holding one would change the policy.
    private static readonly SearchValues<char> Reserved = SearchValues.Create(":, \t\r\n#");

    /// <summary>The map of <paramref name="list"/>, headed by <paramref name="header"/> comment lines, UTF-8.</summary>
    /// <exception cref="MapRefusedException">A policy has no MX pattern or names an unknown alias: a map with it would be wrong either way.</exception>
    public static byte[] Render(PolicyList list, bool earlyAdopter, IEnumerable<string> header)
    {
        var text = new StringBuilder();
        foreach (string line in header)
        {
            text.Append("# ").Append(line).Append('\n');
        }

        text.Append("# enforce: secure, certificate must match; testing: ")
            .Append(earlyAdopter ? "enforced too (--early-adopter)" : "commented out, delivery stays opportunistic").Append('\n');
        var output = new ArrayBufferWriter<byte>(list.Policies.Count * 96);
        Write(output, text.ToString());
        var aliases = new Dictionary<string, Policy>(StringComparer.Ordinal);
        foreach (var alias in list.Aliases)
        {
            aliases.TryAdd(alias.Name, alias.Policy);
        }

        foreach (var entry in list.Policies)
        {
            var policy = entry.Policy.Alias is { } name
                ? aliases.GetValueOrDefault(name) ?? throw new MapRefusedException($"{entry.Name} uses the unknown alias {name}; refusing to write a map that drops it")
                : entry.Policy;
            var patterns = policy.Mxs ?? [];
            if (patterns.Count == 0)
            {
                // EFF's consumer wrote "secure match=" here, which fails every delivery to the domain.
                throw new MapRefusedException($"{entry.Name} has no MX pattern; \"secure match=\" would refuse all its mail, and leaving it out would hide the error");
            }

            bool enforced = policy.Mode == PolicyMode.Enforce || (earlyAdopter && policy.Mode == PolicyMode.Testing);
            if (!enforced)
            {
                Write(output, "# testing: ");
            }

            WriteLower(output, entry.Name);
            Write(output, "\tsecure match=");
            for (int i = 0; i < patterns.Count; i++)
            {
                string pattern = patterns[i].Text;
                if (pattern.AsSpan().ContainsAny(Reserved))
                {
                    throw new MapRefusedException($"{entry.Name} has an MX pattern with a character Postfix's map syntax reserves");
                }

                if (i > 0)
                {
                    Write(output, ":");
                }

                WriteLower(output, pattern);
            }

            Write(output, "\n");
        }

        return output.WrittenSpan.ToArray();
    }

    private static void Write(ArrayBufferWriter<byte> output, string text)
    {
        int written = Encoding.UTF8.GetBytes(text, output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length)));
        output.Advance(written);
    }

    // Lists are lower case already (the validator insists); lowering again costs nothing when nothing changes.
    private static void WriteLower(ArrayBufferWriter<byte> output, string text) =>
        Write(output, text.AsSpan().ContainsAnyInRange('A', 'Z') ? text.ToLowerInvariant() : text);

    /// <summary>The map written when the installed list has expired: no policy at all, so delivery falls back to opportunistic TLS.</summary>
    public static string Expired(long serial, DateTimeOffset expires) =>
        $"# starttls-policy: the installed list (serial {serial}) EXPIRED at {expires:yyyy-MM-dd'T'HH:mm:ss'Z'}.\n" +
        "# No policy is enforced until a fresh signed release is installed: delivery is opportunistic.\n";
}
