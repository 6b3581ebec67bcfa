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
    /// <summary>The map of <paramref name="list"/>, headed by <paramref name="header"/> comment lines.</summary>
    /// <exception cref="MapRefusedException">A policy has no MX pattern or names an unknown alias: a map with it would be wrong either way.</exception>
    public static byte[] Render(PolicyList list, bool earlyAdopter, IEnumerable<string> header)
    {
        var text = new StringBuilder(list.Policies.Count * 64);
        foreach (string line in header)
        {
            text.Append("# ").Append(line).Append('\n');
        }

        text.Append("# enforce: secure, certificate must match; testing: ")
            .Append(earlyAdopter ? "enforced too (--early-adopter)" : "commented out, delivery stays opportunistic").Append('\n');
        foreach (var entry in list.Policies)
        {
            var policy = list.Resolve(entry.Policy)
                ?? throw new MapRefusedException($"{entry.Name} uses the unknown alias {entry.Policy.Alias}; refusing to write a map that drops it");
            var patterns = (policy.Mxs ?? []).Select(p => p.Text.ToLowerInvariant()).ToList();
            if (patterns.Count == 0)
            {
                // EFF's consumer wrote "secure match=" here, which fails every delivery to the domain.
                throw new MapRefusedException($"{entry.Name} has no MX pattern; \"secure match=\" would refuse all its mail, and leaving it out would hide the error");
            }

            if (patterns.Any(p => p.Any(c => c is ':' or ' ' or '\t' or '\n' or '\r' or '#' or ',')))
            {
                throw new MapRefusedException($"{entry.Name} has an MX pattern with a character Postfix's map syntax reserves");
            }

            string name = entry.Name.ToLowerInvariant();
            string line = $"{name}\tsecure match={string.Join(':', patterns)}";
            bool enforced = policy.Mode == PolicyMode.Enforce || (earlyAdopter && policy.Mode == PolicyMode.Testing);
            text.Append(enforced ? line : "# testing: " + line).Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>The map written when the installed list has expired: no policy at all, so delivery falls back to opportunistic TLS.</summary>
    public static string Expired(long serial, DateTimeOffset expires) =>
        $"# starttls-policy: the installed list (serial {serial}) EXPIRED at {expires:yyyy-MM-dd'T'HH:mm:ss'Z'}.\n" +
        "# No policy is enforced until a fresh signed release is installed: delivery is opportunistic.\n";
}
