using System.Globalization;
using System.Reflection;

namespace PolicyCuration.Validation.Names;

/// <summary>The Public Suffix List (publicsuffix.org, shipped as data): which names are suffixes anyone can register under.</summary>
public sealed class PublicSuffixList
{
    private static readonly Lazy<PublicSuffixList> Shipped = new(LoadShipped);
    private readonly HashSet<string> _rules;
    private readonly HashSet<string> _wildcardParents;
    private readonly HashSet<string> _exceptions;

    private PublicSuffixList(HashSet<string> rules, HashSet<string> wildcardParents, HashSet<string> exceptions)
    {
        _rules = rules;
        _wildcardParents = wildcardParents;
        _exceptions = exceptions;
    }

    /// <summary>The copy of the list shipped with this library.</summary>
    public static PublicSuffixList Default => Shipped.Value;

    /// <summary>Parses the list's text format (rules, <c>*.</c> wildcards, <c>!</c> exceptions, <c>//</c> comments).</summary>
    public static PublicSuffixList Parse(TextReader reader)
    {
        var idna = new IdnMapping();
        HashSet<string> rules = new(StringComparer.Ordinal), wildcards = new(StringComparer.Ordinal), exceptions = new(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            string rule = line.Trim();
            int space = rule.IndexOfAny([' ', '\t']);
            if (space >= 0)
            {
                rule = rule[..space];
            }

            if (rule.Length == 0 || rule.StartsWith("//", StringComparison.Ordinal))
            {
                continue;
            }

            bool exception = rule.StartsWith('!');
            bool wildcard = rule.StartsWith("*.", StringComparison.Ordinal);
            string name = rule[(exception ? 1 : wildcard ? 2 : 0)..];
            try
            {
                name = idna.GetAscii(name).ToLowerInvariant();
            }
            catch (ArgumentException)
            {
                continue;
            }

            (exception ? exceptions : wildcard ? wildcards : rules).Add(name);
        }

        return new PublicSuffixList(rules, wildcards, exceptions);
    }

    /// <summary>Whether <paramref name="name"/> (ASCII, any case) is itself a public suffix, such as <c>com</c> or <c>co.uk</c>.</summary>
    public bool IsPublicSuffix(string name)
    {
        var text = name.AsSpan().Trim('.');
        if (text.ContainsAnyInRange('A', 'Z'))
        {
            text = text.ToString().ToLowerInvariant();
        }

        int dot = text.IndexOf('.');
        if (text.IsEmpty || dot < 0)
        {
            return true;
        }

        if (_exceptions.GetAlternateLookup<ReadOnlySpan<char>>().Contains(text))
        {
            return false;
        }

        return _rules.GetAlternateLookup<ReadOnlySpan<char>>().Contains(text)
            || _wildcardParents.GetAlternateLookup<ReadOnlySpan<char>>().Contains(text[(dot + 1)..]);
    }

    private static PublicSuffixList LoadShipped()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("public_suffix_list.dat")
            ?? throw new InvalidOperationException("the shipped public suffix list is missing from the assembly");
        using var reader = new StreamReader(stream);
        return Parse(reader);
    }
}
