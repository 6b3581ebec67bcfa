namespace PolicyCuration.Probe.Vantage;

/// <summary>
/// The canaries file: well-known mail hosts that always accept a connection on port 25, one per line, <c>#</c> for
/// comments. A vantage that cannot greet most of them cannot judge anyone else's.
/// </summary>
public static class Canaries
{
    /// <summary>The most canaries read: a few suffice, and each costs a session per run.</summary>
    public const int MaxCount = 16;

    /// <summary>The largest canaries file read.</summary>
    public const int MaxFileBytes = 64 * 1024;

    /// <summary>The canaries in the file at <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">The file is too large, holds too many hosts, or a line that is no host name.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static IReadOnlyList<string> Read(string path)
    {
        if (new FileInfo(path).Length > MaxFileBytes)
        {
            throw new ArgumentException($"{path}: a canaries file is at most {MaxFileBytes} bytes");
        }

        var hosts = new List<string>();
        int number = 0;
        foreach (string raw in File.ReadLines(path))
        {
            number++;
            string line = (raw.IndexOf('#') is >= 0 and var hash ? raw[..hash] : raw).Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (Uri.CheckHostName(line) != UriHostNameType.Dns || !line.Contains('.', StringComparison.Ordinal))
            {
                throw new ArgumentException($"{path}:{number}:1: \"{line}\" is not a mail host name");
            }

            hosts.Add(Dns.MailDns.HostName(line));
        }

        return hosts.Count > MaxCount ? throw new ArgumentException($"{path}: at most {MaxCount} canaries") : hosts.Distinct().ToList();
    }
}
