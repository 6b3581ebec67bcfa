using System.Collections.Frozen;
using System.Text;
using PolicyCuration.Signing;

namespace PolicyCuration.Consumer.Socketmap;

/// <summary>
/// The answers of the socketmap server: the Postfix map of one verified release, parsed from the very lines
/// <see cref="PostfixMap"/> writes, so that a lookup answers what <c>postmap -q</c> answers on the hash map.
/// </summary>
public sealed class SocketmapTable
{
    private readonly FrozenDictionary<string, string> _policies;

    private SocketmapTable(FrozenDictionary<string, string> policies, long serial, DateTimeOffset expires, string? installedFrom)
    {
        _policies = policies;
        Serial = serial;
        Expires = expires;
        InstalledFrom = installedFrom;
    }

    /// <summary>The release's serial.</summary>
    public long Serial { get; }

    /// <summary>When the release expires; from then on every lookup is <c>NOTFOUND</c>, as the expired map holds no policy.</summary>
    public DateTimeOffset Expires { get; }

    /// <summary>The installed release's directory the table was made from.</summary>
    public string? InstalledFrom { get; }

    /// <summary>How many domains have a policy.</summary>
    public int Count => _policies.Count;

    /// <summary>The table of <paramref name="release"/>, rendered as <paramref name="rendering"/> says.</summary>
    /// <exception cref="MapRefusedException">The list cannot be written as a map.</exception>
    public static SocketmapTable From(VerifiedRelease release, PostfixMapOptions rendering, string? installedFrom)
    {
        var lines = PostfixMap.Render(release.List, rendering);
        Updater.ReleaseHeader(release, lines.Expires);
        var policies = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in Encoding.UTF8.GetString(lines.Body).Split('\n'))
        {
            int tab = line.IndexOf('\t');
            if (line.Length > 0 && line[0] != '#' && tab > 0)
            {
                policies[line[..tab]] = line[(tab + 1)..];
            }
        }

        return new SocketmapTable(policies.ToFrozenDictionary(StringComparer.Ordinal), release.Manifest.Serial, release.Manifest.Expires, installedFrom);
    }

    /// <summary>The policy for <paramref name="domain"/> (compared without case), or null.</summary>
    public string? Find(string domain) => _policies.GetValueOrDefault(domain.ToLowerInvariant());
}
