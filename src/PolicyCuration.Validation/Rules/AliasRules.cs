using PolicyCuration.Format.Findings;
using PolicyCuration.Format.Model;
using static PolicyCuration.Validation.Rules.ListFindingKinds;

namespace PolicyCuration.Validation.Rules;

/// <summary>Rules on <c>policy-aliases</c> and the policies that refer to them.</summary>
public static class AliasRules
{
    /// <summary>Unknown aliases (errors) and unused ones (warnings).</summary>
    public static IEnumerable<Finding> Check(PolicyList list)
    {
        var defined = list.Aliases.Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in list.Policies)
        {
            if (entry.Policy.Alias is not { } alias)
            {
                continue;
            }

            used.Add(alias);
            if (!defined.Contains(alias))
            {
                string known = defined.Count == 0 ? "the list defines none" : $"defined: {string.Join(", ", defined.Order(StringComparer.Ordinal))}";
                yield return AliasUnknown.At(entry.Name,
                    $"{MessageText.Quote(entry.Name)} uses the alias {MessageText.Quote(alias)}, which \"policy-aliases\" does not define ({known}); fix the name or define it",
                    list.LocationOf(entry.Policy.AliasOffset));
            }
        }

        foreach (var alias in list.Aliases.Where(a => !used.Contains(a.Name)))
        {
            yield return AliasUnused.At(alias.Name,
                $"no policy uses the alias {MessageText.Quote(alias.Name)}; remove it, or point the provider's domains at it",
                list.LocationOf(alias.NameOffset));
        }
    }
}
