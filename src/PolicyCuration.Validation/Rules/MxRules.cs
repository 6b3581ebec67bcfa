using PolicyCuration.Validation.Names;
using PolicyCuration.Format.Findings;
using PolicyCuration.Format.Model;
using static PolicyCuration.Validation.Rules.ListFindingKinds;

namespace PolicyCuration.Validation.Rules;

/// <summary>Rules on the <c>mxs</c> patterns of policies and aliases.</summary>
public static class MxRules
{
    /// <summary>The findings on every MX pattern of every policy and alias.</summary>
    public static IReadOnlyList<Finding> Check(PolicyList list, PublicSuffixList suffixes)
    {
        // One list filled by plain loops: an iterator per policy would cost an object per domain.
        var findings = new List<Finding>();
        foreach (var entry in list.Aliases)
        {
            CheckPolicy(list, entry, suffixes, findings);
        }

        foreach (var entry in list.Policies)
        {
            CheckPolicy(list, entry, suffixes, findings);
        }

        return findings;
    }

    private static void CheckPolicy(PolicyList list, NamedPolicy entry, PublicSuffixList suffixes, List<Finding> findings)
    {
        if (entry.Policy.Mxs is not { } mxs)
        {
            return;
        }

        if (mxs.Count == 0)
        {
            findings.Add(MxEmpty.At(entry.Name,
                $"{MessageText.Quote(entry.Name)} has no MX patterns, so it would match no server (EFF's consumer wrote an empty match= for this); list the MX host names its certificates cover",
                list.LocationOf(entry.Policy.MxsOffset)));
            return;
        }

        for (int i = 0; i < mxs.Count; i++)
        {
            var mx = mxs[i];
            if (CheckPattern(entry.Name, mx.Text, null, suffixes) is { } problem)
            {
                findings.Add(problem with { Location = list.LocationOf(mx.Offset) });
            }
            else if (mx.Text.AsSpan().ContainsAnyInRange('A', 'Z'))
            {
                findings.Add(MxNotLowercase.At(entry.Name,
                    $"MX pattern {MessageText.Quote(mx.Text)} has upper-case letters; matching ignores case, but the canonical form is {MessageText.Quote(mx.Text.ToLowerInvariant())}: run policyctl fmt", list.LocationOf(mx.Offset)));
            }

            if (FirstEqual(mxs, i) is { } earlier)
            {
                findings.Add(MxDuplicate.At(entry.Name,
                    $"MX pattern {MessageText.Quote(mx.Text)} of {MessageText.Quote(entry.Name)} repeats {MessageText.Quote(earlier.Text)}; remove one", list.LocationOf(mx.Offset)));
            }
        }
    }

    /// <summary>The first pattern before <paramref name="index"/> equal to it without regard to case, or null.</summary>
    /// <remarks>Policies have a handful of patterns (the schema allows 256), so a scan beats a hash set per policy.</remarks>
    private static MxPattern? FirstEqual(IReadOnlyList<MxPattern> mxs, int index)
    {
        for (int j = 0; j < index; j++)
        {
            if (string.Equals(mxs[j].Text, mxs[index].Text, StringComparison.OrdinalIgnoreCase))
            {
                return mxs[j];
            }
        }

        return null;
    }

    /// <summary>The finding for one MX pattern's syntax and breadth, or null when it is usable.</summary>
    public static Finding? CheckPattern(string subject, string pattern, SourceLocation? at, PublicSuffixList suffixes)
    {
        bool isSuffix = pattern.StartsWith('.');
        string name = isSuffix ? pattern[1..] : pattern;
        var problem = HostName.Check(name);
        bool tooBroad = isSuffix && (problem is NameProblem.SingleLabel || (problem is NameProblem.None && suffixes.IsPublicSuffix(name)));
        if (problem == NameProblem.None && !tooBroad)
        {
            return null;
        }

        string quoted = MessageText.Quote(pattern);
        if (tooBroad)
        {
            return MxTooBroad.At(subject,
                $"MX pattern {quoted} covers every host under the public suffix {MessageText.Quote(name)}, which many unrelated owners share; name the MX hosts or a suffix the domain owns", at);
        }

        return problem == NameProblem.None
            ? null
            : MxInvalidPattern.At(subject, $"MX pattern {quoted} is invalid: {DomainRules.Explain(problem)}; write a host name (mx.example.org) or a leading dot and a domain (.example.org)", at);
    }
}
