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
/// <param name="Entries">One per listed domain, in the list's order.</param>
/// <param name="Expires">The list's <c>expires</c>, to be checked against the signed manifest's.</param>
/// <param name="ListBytes">The size of the list, a bound on what most maps of it take.</param>
public sealed record MapEntryList(IReadOnlyList<MapEntry> Entries, ListTime? Expires, int ListBytes);

/// <summary>
/// Reads a verified list into what maps are written from, with the curation tools' own reader, as strictly as they
/// read it: anything it reports as an error refuses the whole list, as do a domain listed twice, a policy without a
/// pattern, and a name or pattern holding a character that a map's syntax gives a meaning to. A map that silently
/// drops or bends a policy is worse than none.
/// </summary>
public static class MapEntries
{
    private static readonly SearchValues<char> Reserved = SearchValues.Create(
        ":, \t\r\n#=;[]\u007f" + string.Concat(Enumerable.Range(0, 0x20).Select(c => (char)c)));

    /// <summary>The entries of <paramref name="list"/>.</summary>
    /// <exception cref="MapRefusedException">The list cannot be read, or one of its entries cannot be written.</exception>
    public static MapEntryList Resolve(ReadOnlyMemory<byte> list, bool earlyAdopter)
    {
        var read = PolicyListReader.Read(new SourceText("policy.json", list));
        if (read.Problems.FirstOrDefault(p => p.Severity == Severity.Error) is { } problem)
        {
            throw new MapRefusedException(Describe(problem));
        }

        var model = read.List ?? throw new MapRefusedException("the list cannot be read (list.shape)");
        var names = new HashSet<string>(StringComparer.Ordinal);
        return new MapEntryList([.. model.Policies.Select(entry => Entry(model, entry, names, earlyAdopter))], model.Expires, list.Length);
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
        }

        var mode = policy.Mode;
        return new MapEntry(name, patterns, mode, mode == PolicyMode.Enforce || (earlyAdopter && mode == PolicyMode.Testing));
    }

    // Names and patterns are nearly always lower-case ASCII already, which two vector searches tell faster than lowering.
    private static string Lower(string text) =>
        Ascii.IsValid(text) && !text.AsSpan().ContainsAnyInRange('A', 'Z') ? text : text.ToLowerInvariant();

    private static MapRefusedException Refused(PolicyList model, NamedPolicy entry, string message) =>
        new(model.LocationOf(entry.NameOffset) is { } at ? $"at line {at.Line}, column {at.Column}: {message} (list.map)" : $"{message} (list.map)");

    private static string Describe(Finding problem) =>
        problem.Location is { } at ? $"at line {at.Line}, column {at.Column}: {problem.Message} ({problem.Code})" : $"{problem.Message} ({problem.Code})";
}
