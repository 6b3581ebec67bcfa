using System.Text;

namespace PolicyCuration.Consumer;

/// <summary>One local override: a domain and what the map says for it instead of the list.</summary>
/// <param name="Domain">The domain, lower case.</param>
/// <param name="Policy">The Postfix policy written for it (<c>secure match=…</c>, <c>dane-only</c>, …), or null to drop it from the map.</param>
/// <param name="Line">Where it is in the overrides file.</param>
public sealed record MapOverride(string Domain, string? Policy, int Line);

/// <summary>
/// An admin's own say over the map (<c>--override FILE</c>): one domain a line, <c>DOMAIN none</c> to leave it out
/// (delivery to it falls back to Postfix's default), <c>DOMAIN LEVEL [attribute=value…]</c> to write that policy
/// instead of the list's or beside it. Applied after the list, on every run, so a fix survives the next update.
/// </summary>
public sealed class MapOverrides
{
    /// <summary>The largest overrides file read.</summary>
    public const int MaxFileBytes = 1024 * 1024;

    private static readonly string[] Levels = ["secure", "dane-only", "dane", "verify", "encrypt", "may"];
    private static readonly string[] Attributes = ["match", "servername", "protocols", "ciphers", "exclude", "tafile", "connection_reuse", "enable_tlsrpt", "require_tlsrpt_dns"];
    private readonly Dictionary<string, MapOverride> byDomain;

    private MapOverrides(string source, IReadOnlyList<MapOverride> entries)
    {
        Source = source;
        Entries = entries;
        byDomain = entries.ToDictionary(e => e.Domain, StringComparer.Ordinal);
    }

    /// <summary>No overrides.</summary>
    public static MapOverrides None { get; } = new("(none)", []);

    /// <summary>The file they came from.</summary>
    public string Source { get; }

    /// <summary>The overrides, in the file's order.</summary>
    public IReadOnlyList<MapOverride> Entries { get; }

    /// <summary>How many there are.</summary>
    public int Count => Entries.Count;

    /// <summary>Whether <paramref name="domain"/> (lower case) is overridden.</summary>
    public bool Contains(string domain) => byDomain.ContainsKey(domain);

    /// <summary>Reads the overrides file at <paramref name="path"/>.</summary>
    /// <exception cref="MapRefusedException">A line that is not an override, with <c>file:line:col</c> and <c>override.invalid</c>.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static MapOverrides Read(string path)
    {
        if (new FileInfo(path).Length > MaxFileBytes)
        {
            throw new MapRefusedException($"{path}: an overrides file is at most {MaxFileBytes} bytes ({StateFindingKinds.OverrideInvalid.Code})");
        }

        var entries = new List<MapOverride>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int number = 0;
        foreach (string raw in File.ReadLines(path))
        {
            number++;
            string line = raw.IndexOf('#') is >= 0 and var hash ? raw[..hash] : raw;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var words = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            string domain = words[0].TrimEnd('.').ToLowerInvariant();
            int column = line.IndexOf(words[0], StringComparison.Ordinal) + 1;
            if (Uri.CheckHostName(domain) != UriHostNameType.Dns || !domain.Contains('.', StringComparison.Ordinal) || MapEntries.Reserves(domain))
            {
                throw Invalid(path, number, column, $"\"{words[0]}\" is not a mail domain");
            }

            if (!seen.Add(domain))
            {
                throw Invalid(path, number, column, $"{domain} is overridden twice");
            }

            if (words.Length < 2)
            {
                throw Invalid(path, number, column + words[0].Length, $"{domain}: say what to do: none, or a policy such as \"secure match=mx.{domain}\" or \"dane-only\"");
            }

            int levelColumn = line.IndexOf(words[1], column - 1 + words[0].Length, StringComparison.Ordinal) + 1;
            if (words[1] == "none")
            {
                if (words.Length > 2)
                {
                    throw Invalid(path, number, levelColumn, $"{domain} none takes nothing after it");
                }

                entries.Add(new MapOverride(domain, null, number));
                continue;
            }

            if (!Levels.Contains(words[1]))
            {
                throw Invalid(path, number, levelColumn, $"\"{words[1]}\" is not none or a Postfix security level ({string.Join(", ", Levels)})");
            }

            foreach (string attribute in words.Skip(2))
            {
                int at = attribute.IndexOf('=');
                if (at <= 0 || !Attributes.Contains(attribute[..at]) || attribute.Length == at + 1 || attribute.AsSpan(at + 1).ContainsAny(",#") || attribute.AsSpan().ContainsAnyInRange('\0', '\u001f'))
                {
                    throw Invalid(path, number, line.IndexOf(attribute, StringComparison.Ordinal) + 1, $"\"{attribute}\" is not a policy attribute ({string.Join(", ", Attributes)}, each NAME=VALUE)");
                }
            }

            entries.Add(new MapOverride(domain, string.Join(' ', words.Skip(1)), number));
        }

        return new MapOverrides(path, entries);
    }

    /// <summary>Appends the overrides' lines: policies as written, dropped domains as comments.</summary>
    public void AppendTo(StringBuilder text)
    {
        if (Count == 0)
        {
            return;
        }

        text.Append("# local overrides (").Append(Source).Append(")\n");
        foreach (var entry in Entries)
        {
            text.Append(entry.Policy is null ? "# none: " : string.Empty).Append(entry.Domain);
            text.Append(entry.Policy is null ? "\n" : $"\t{entry.Policy}\n");
        }
    }

    private static MapRefusedException Invalid(string path, int line, int column, string message) =>
        new($"{path}:{line}:{column}: {message} ({StateFindingKinds.OverrideInvalid.Code})");
}
