using PolicyCuration.Validation.Names;
using PolicyCuration.Format.Findings;
using PolicyCuration.Format.Model;
using static PolicyCuration.Validation.Rules.ListFindingKinds;

namespace PolicyCuration.Validation.Rules;

/// <summary>Rules on the domain names that key <c>policies</c>.</summary>
public static class DomainRules
{
    /// <summary>The findings on every domain of <paramref name="list"/>.</summary>
    public static IEnumerable<Finding> Check(PolicyList list, PublicSuffixList suffixes)
    {
        // Two names can only be the same domain when one of them folds to another name, or when a list built in
        // code repeats one: when no name folds and the names are in strictly ascending order, there is nothing to
        // compare, and a large list's names are never hashed.
        var firstByFolded = MayRepeat(list.Policies) ? new Dictionary<string, NamedPolicy>(list.Policies.Count, StringComparer.Ordinal) : null;
        foreach (var entry in list.Policies)
        {
            // Positions are worked out only for findings: most entries have none.
            if (CheckName(entry.Name, null) is { } problem)
            {
                yield return problem with { Location = list.LocationOf(entry.NameOffset) };
            }
            else if (suffixes.IsPublicSuffix(entry.Name))
            {
                yield return DomainPublicSuffix.At(entry.Name,
                    $"{MessageText.Quote(entry.Name)} is a public suffix: a policy for it would cover domains of unrelated owners; list each registered domain instead", list.LocationOf(entry.NameOffset));
            }

            if (firstByFolded is null)
            {
                continue;
            }

            string folded = HasUpperOrTrailingDot(entry.Name) ? entry.Name.ToLowerInvariant().TrimEnd('.') : entry.Name;
            if (!firstByFolded.TryAdd(folded, entry))
            {
                var first = firstByFolded[folded];
                var firstAt = list.LocationOf(first.NameOffset);
                yield return DomainDuplicate.At(entry.Name,
                    $"{MessageText.Quote(entry.Name)} is the same domain as {MessageText.Quote(first.Name)}{(firstAt is null ? string.Empty : $" (line {firstAt.Line})")} once case and trailing dot are ignored; keep one entry", list.LocationOf(entry.NameOffset));
            }
        }
    }

    private static bool MayRepeat(IReadOnlyList<NamedPolicy> policies)
    {
        for (int i = 0; i < policies.Count; i++)
        {
            if (HasUpperOrTrailingDot(policies[i].Name) || (i > 0 && string.CompareOrdinal(policies[i - 1].Name, policies[i].Name) >= 0))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasUpperOrTrailingDot(string name) => name.EndsWith('.') || name.AsSpan().ContainsAnyInRange('A', 'Z') || !System.Text.Ascii.IsValid(name);

    /// <summary>The finding for one domain's syntax, or null when it is well formed.</summary>
    public static Finding? CheckName(string name, SourceLocation? at)
    {
        var problem = HostName.Check(name);
        if (problem == NameProblem.None && !name.AsSpan().ContainsAnyInRange('A', 'Z'))
        {
            return null;
        }

        string quoted = MessageText.Quote(name);
        return problem switch
        {
            NameProblem.None when name.Any(char.IsAsciiLetterUpper) => DomainNotLowercase.At(name,
                $"{quoted} has upper-case letters; write it as {MessageText.Quote(name.ToLowerInvariant())}", at),
            NameProblem.None => null,
            NameProblem.NotAscii => DomainNotAscii.At(name, HostName.ToAscii(name) is { } ascii
                ? $"{quoted} is not ASCII; write the IDN as its A-label {MessageText.Quote(ascii)}"
                : $"{quoted} is not ASCII and has no valid A-label; check the name", at),
            NameProblem.TrailingDot => DomainTrailingDot.At(name, $"{quoted} ends with a dot; write it as {MessageText.Quote(name.TrimEnd('.'))}", at),
            NameProblem.SingleLabel => DomainSingleLabel.At(name, $"{quoted} is a single label; list a registered domain such as \"example.org\"", at),
            NameProblem.IpAddress => DomainIpAddress.At(name, $"{quoted} is an IP address; the list holds mail domains", at),
            NameProblem.InvalidIdna => DomainInvalidIdna.At(name, $"{quoted} has a label that is not valid IDNA (bad punycode, or \"--\" in third and fourth place without \"xn\"); write the A-label that IDNA 2008 gives", at),
            NameProblem.MixedScript => DomainMixedScript.At(name, $"{quoted} ({HostName.ToUnicode(name)}) mixes Latin with Greek or Cyrillic letters in one label, the mark of a look-alike domain; it cannot be listed", at),
            _ => DomainInvalid.At(name, $"{quoted} is not a valid domain name: {Explain(problem)}", at),
        };
    }

    /// <summary>A short explanation of a name problem, for messages.</summary>
    public static string Explain(NameProblem problem) => problem switch
    {
        NameProblem.Empty => "it is empty",
        NameProblem.NotAscii => "it has non-ASCII characters (write IDNs as A-labels, xn--…)",
        NameProblem.TrailingDot => "it ends with a dot",
        NameProblem.SingleLabel => "it has a single label",
        NameProblem.IpAddress => "it is an IP address",
        NameProblem.Port => "it has a port or a colon",
        NameProblem.Wildcard => "it has a \"*\" (write \".example.org\" for one extra label)",
        NameProblem.EmptyLabel => "it has an empty label (\"..\" or a dot at the start)",
        NameProblem.InvalidCharacter => "it has a character other than a-z, 0-9, \"-\" and \".\"",
        NameProblem.LabelTooLong => "a label is longer than 63 characters",
        NameProblem.NameTooLong => "it is longer than 253 characters",
        NameProblem.HyphenAtLabelEdge => "a label starts or ends with \"-\"",
        NameProblem.InvalidIdna => "a label is not valid IDNA",
        NameProblem.MixedScript => "a label mixes Latin with Greek or Cyrillic letters",
        _ => "it is well formed",
    };
}
