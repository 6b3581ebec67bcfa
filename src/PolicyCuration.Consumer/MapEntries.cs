using System.Buffers;
using System.Text;
using PolicyCuration.Format;
using PolicyCuration.Format.Findings;
using PolicyCuration.Format.Model;

namespace PolicyCuration.Consumer;

/// <summary>One listed domain as every map writes it.</summary>
/// <param name="Domain">The domain, lower case.</param>
/// <param name="Patterns">Its MX patterns, aliases resolved, lower case, in the list's order.</param>
/// <param name="Mode">The list's mode for it.</param>
/// <param name="Enforced">Whether a map enforces it: enforce mode, or testing under <c>--early-adopter</c>.</param>
public sealed record MapEntry(string Domain, IReadOnlyList<string> Patterns, PolicyMode? Mode, bool Enforced);

/// <summary>The entries of a list, in its order, and its expiry.</summary>
/// <param name="Entries">One per listed domain, read from the list again on each walk; a walk throws <see cref="MapRefusedException"/> at an entry no map can write.</param>
/// <param name="Expires">The list's <c>expires</c>, to be checked against the signed manifest's.</param>
/// <param name="ListBytes">The size of the list, a bound on what most maps of it take.</param>
public sealed record MapEntryList(IEnumerable<MapEntry> Entries, ListTime? Expires, int ListBytes);

/// <summary>
/// Reads a verified list into what maps are written from, with the curation tools' own reader, as strictly as they
/// read it: anything it reports as an error refuses the whole list, as do a domain listed twice, a policy without a
/// pattern, and a name or pattern holding a character that a map's syntax gives a meaning to. A map that silently
/// drops or bends a policy is worse than none.
/// </summary>
/// <remarks>
/// The entries are read one at a time, each time a map is written, and not kept: the model of a 200 000-domain list
/// whole would be 150 MB of fresh memory, which costs a cron job more to touch than to read the list twice.
/// </remarks>
public static class MapEntries
{
    private static readonly SearchValues<char> HostNameCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");

    private static readonly SearchValues<char> Reserved = SearchValues.Create(
        ":, \t\r\n#=;[]\u007f" + string.Concat(Enumerable.Range(0, 0x20).Select(c => (char)c)));

    /// <summary>The entries of <paramref name="list"/>.</summary>
    /// <exception cref="MapRefusedException">The list cannot be read (its entries throw it when walked, at the first that cannot be written).</exception>
    public static MapEntryList Resolve(ReadOnlyMemory<byte> list, bool earlyAdopter)
    {
        var read = PolicyListReader.ReadHead(new SourceText("policy.json", list));
        if (read.Problems.FirstOrDefault(p => p.Severity == Severity.Error) is { } problem)
        {
            throw new MapRefusedException(Describe(problem));
        }

        var head = read.List ?? throw new MapRefusedException("the list cannot be read (list.shape)");
        return new MapEntryList(new Walk(head, earlyAdopter), head.Expires, list.Length);
    }

    /// <summary>Whether <paramref name="text"/> holds a character that Postfix's, Exim's, Sendmail's, OpenSMTPD's or an ini file's syntax gives a meaning to, or a control character.</summary>
    internal static bool Reserves(string text) => text.AsSpan().ContainsAny(Reserved);

    private static MapEntry Entry(PolicyList head, NamedPolicy entry, HashSet<string> names, bool earlyAdopter)
    {
        string name = Lower(entry.Name);
        var policy = head.Resolve(entry.Policy) ?? throw Refused(head, entry, $"{name} uses the unknown alias {entry.Policy.Alias}");
        if (!names.Add(name))
        {
            throw Refused(head, entry, $"{name} is listed twice");
        }

        if (Reserves(name))
        {
            throw Refused(head, entry, $"the domain {name} holds a character map syntaxes reserve (:, comma, space, tab, #, =, ;, [, ]) or a control character");
        }

        if (!IsHostName(name))
        {
            throw Refused(head, entry, $"the domain {name} is not a host name: letters, digits and hyphens in dot-separated labels of 1 to 63, 253 in all");
        }

        if (policy.Mxs is not { Count: > 0 } mxs)
        {
            throw Refused(head, entry, $"{name} has no MX pattern");
        }

        var patterns = new string[mxs.Count];
        for (int i = 0; i < patterns.Length; i++)
        {
            patterns[i] = Lower(mxs[i].Text);
            if (Reserves(patterns[i]))
            {
                throw Refused(head, entry, $"an MX pattern of {name} holds a character map syntaxes reserve (:, comma, space, tab, #, =, ;, [, ]) or a control character: \"{patterns[i]}\"");
            }

            if (!IsHostName(patterns[i].StartsWith('.') ? patterns[i][1..] : patterns[i]))
            {
                throw Refused(head, entry, $"an MX pattern of {name} is neither a host name nor a dot and one: \"{patterns[i]}\"");
            }
        }

        var mode = policy.Mode;
        return new MapEntry(name, patterns, mode, mode == PolicyMode.Enforce || (earlyAdopter && mode == PolicyMode.Testing));
    }

    // The list's grammar for names, applied again behind the signature: what a map writes is a host name, whatever was signed.
    private static bool IsHostName(string name)
    {
        if (name.Length is 0 or > 253)
        {
            return false;
        }

        foreach (var range in name.AsSpan().Split('.'))
        {
            var label = name.AsSpan()[range];
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-' || label.ContainsAnyExcept(HostNameCharacters))
            {
                return false;
            }
        }

        return true;
    }

    // Names and patterns are nearly always lower-case ASCII already, which two vector searches tell faster than lowering.
    private static string Lower(string text) =>
        Ascii.IsValid(text) && !text.AsSpan().ContainsAnyInRange('A', 'Z') ? text : text.ToLowerInvariant();

    private static MapRefusedException Refused(PolicyList model, NamedPolicy entry, string message) =>
        new(model.LocationOf(entry.NameOffset) is { } at ? $"at line {at.Line}, column {at.Column}: {message} (list.map)" : $"{message} (list.map)");

    private static string Describe(Finding problem) =>
        problem.Location is { } at ? $"at line {at.Line}, column {at.Column}: {problem.Message} ({problem.Code})" : $"{problem.Message} ({problem.Code})";

    private sealed class Walk(PolicyList head, bool earlyAdopter) : IEnumerable<MapEntry>
    {
        public IEnumerator<MapEntry> GetEnumerator()
        {
            var problems = new List<Finding>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entry in PolicyListReader.ReadPolicies(head, problems))
            {
                if (problems.Count > 0)
                {
                    throw new MapRefusedException(Describe(problems[0]));
                }

                yield return Entry(head, entry, names, earlyAdopter);
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
