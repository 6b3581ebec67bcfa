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
    /// <summary>The reply to a key with no policy, framed.</summary>
    public static readonly byte[] NotFound = Frame("NOTFOUND ");

    // Each domain's reply, framed as it goes out: a lookup then costs no allocation and no encoding.
    private readonly FrozenDictionary<string, byte[]>.AlternateLookup<ReadOnlySpan<char>> _replies;

    private SocketmapTable(FrozenDictionary<string, byte[]> replies, long serial, DateTimeOffset expires, string? installedFrom)
    {
        _replies = replies.GetAlternateLookup<ReadOnlySpan<char>>();
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
    public int Count => _replies.Dictionary.Count;

    /// <summary>The table of a server with no usable release, made from <paramref name="installedFrom"/> (or none): every lookup is <c>NOTFOUND</c>, no policy.</summary>
    public static SocketmapTable Empty(string? installedFrom) =>
        new(FrozenDictionary<string, byte[]>.Empty, 0, DateTimeOffset.MaxValue, installedFrom);

    /// <summary>The table of <paramref name="release"/>, whose list is already read into <paramref name="entries"/>.</summary>
    /// <exception cref="ReleaseRefusedException">The list's expiry differs from the release's.</exception>
    public static SocketmapTable From(VerifiedRelease release, MapEntryList entries, PostfixMapOptions rendering, string? installedFrom)
    {
        var lines = PostfixMap.Render(entries, rendering);
        Updater.ReleaseHeader(release, lines.Expires);
        var replies = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (string line in Encoding.UTF8.GetString(lines.Body.Span).Split('\n'))
        {
            int tab = line.IndexOf('\t');
            if (line.Length > 0 && line[0] != '#' && tab > 0)
            {
                replies[line[..tab]] = Frame("OK " + line[(tab + 1)..]);
            }
        }

        return new SocketmapTable(replies.ToFrozenDictionary(StringComparer.Ordinal), release.Manifest.Serial, release.Manifest.Expires, installedFrom);
    }

    /// <summary>The framed reply for <paramref name="domain"/>, already in lower case: <c>OK policy</c>, or <see cref="NotFound"/>.</summary>
    public byte[] Reply(ReadOnlySpan<char> domain) => _replies.TryGetValue(domain, out byte[]? reply) ? reply : NotFound;

    /// <summary><paramref name="text"/> as a netstring.</summary>
    public static byte[] Frame(string text)
    {
        byte[] data = Encoding.UTF8.GetBytes(text);
        return [.. Encoding.ASCII.GetBytes($"{data.Length}:"), .. data, (byte)','];
    }
}
