using PolicyCuration.Format.Model;

namespace PolicyCuration.Probe.MtaSts;

/// <summary>An MTA-STS policy as served at <c>https://mta-sts.DOMAIN/.well-known/mta-sts.txt</c> (RFC 8461 §3.2).</summary>
/// <param name="Mode">enforce, testing or none.</param>
/// <param name="Mx">The mx patterns as written (<c>mx.example.org</c>, <c>*.example.org</c>).</param>
/// <param name="MaxAge">How long senders cache the policy, in seconds.</param>
public sealed record MtaStsPolicy(string Mode, IReadOnlyList<string> Mx, long MaxAge)
{
    /// <summary>The largest body read (RFC 8461 §3.3 suggests senders stop at 64 KiB).</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>The largest <c>max_age</c> RFC 8461 allows: about a year.</summary>
    public const long MaxMaxAge = 31_557_600;

    /// <summary>The mx patterns in the list's notation: <c>*.example.org</c> becomes <c>.example.org</c>, lower case.</summary>
    public IReadOnlyList<MxPattern> ListPatterns =>
        [.. Mx.Select(m => new MxPattern(m.StartsWith("*.", StringComparison.Ordinal) ? m[1..].ToLowerInvariant() : m.ToLowerInvariant()))];

    /// <summary>Parses a policy body: the policy, or every reason it is invalid.</summary>
    public static (MtaStsPolicy? Policy, IReadOnlyList<string> Problems) Parse(string body)
    {
        var problems = new List<string>();
        string? version = null, mode = null, maxAge = null;
        var mx = new List<string>();
        int lineNumber = 0;
        foreach (string rawLine in body.Split('\n'))
        {
            lineNumber++;
            string line = rawLine.EndsWith('\r') ? rawLine[..^1] : rawLine;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            int colon = line.IndexOf(':');
            string key = colon > 0 ? line[..colon] : string.Empty;
            if (colon <= 0 || key.Length > 32 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            {
                problems.Add($"line {lineNumber} is not \"key: value\"");
                continue;
            }

            string value = line[(colon + 1)..].Trim(' ', '\t');
            switch (key)
            {
                case "version":
                    version ??= value;
                    break;
                case "mode":
                    mode ??= value;
                    break;
                case "max_age":
                    maxAge ??= value;
                    break;
                case "mx":
                    mx.Add(value);
                    break;
            }
        }

        if (version != "STSv1")
        {
            problems.Add(version is null ? "no version field" : $"version \"{version}\" is not STSv1");
        }

        if (mode is not ("enforce" or "testing" or "none"))
        {
            problems.Add(mode is null ? "no mode field" : $"mode \"{mode}\" is not enforce, testing or none");
        }

        long age = -1;
        if (maxAge is null)
        {
            problems.Add("no max_age field");
        }
        else if (maxAge.Length is 0 or > 10 || !maxAge.All(char.IsAsciiDigit) || (age = long.Parse(maxAge, System.Globalization.CultureInfo.InvariantCulture)) > MaxMaxAge)
        {
            problems.Add($"max_age \"{maxAge}\" is not a number of seconds from 0 to {MaxMaxAge}");
        }

        if (mx.Count == 0 && mode is "enforce" or "testing")
        {
            problems.Add($"mode {mode} needs at least one mx field");
        }

        foreach (string pattern in mx.Where(m => !IsMxPattern(m)))
        {
            problems.Add($"mx \"{pattern}\" is not a host name or *.host name");
        }

        return problems.Count > 0 ? (null, problems) : (new MtaStsPolicy(mode!, mx, age), problems);
    }

    private static bool IsMxPattern(string pattern)
    {
        string host = pattern.StartsWith("*.", StringComparison.Ordinal) ? pattern[2..] : pattern;
        var labels = host.Split('.');
        return host.Length is > 0 and <= 253 && labels.Length >= 2
            && labels.All(l => l.Length is > 0 and <= 63 && l.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && l[0] != '-' && l[^1] != '-');
    }
}
