using PolicyCuration.Format;
using PolicyCuration.Format.Model;
using PolicyCuration.Git;

namespace PolicyCuration.Review;

/// <summary>Since when each domain has been in testing on the base branch, read from the list's git history (never from the PR).</summary>
public sealed class TestingHistory
{
    private readonly IReadOnlyList<ListVersion> versions;
    private readonly Dictionary<int, PolicyList?> parsed = [];

    /// <summary>A history over <paramref name="versions"/>, newest first.</summary>
    public TestingHistory(IReadOnlyList<ListVersion> versions) => this.versions = versions;

    /// <summary>
    /// When <paramref name="domain"/> entered testing and stayed there up to the newest version; <see langword="null"/>
    /// when it is not in testing in the newest version.
    /// </summary>
    public DateTimeOffset? TestingSince(string domain)
    {
        DateTimeOffset? since = null;
        for (int i = 0; i < versions.Count; i++)
        {
            if (ModeAt(i, domain) != PolicyMode.Testing)
            {
                break;
            }

            since = versions[i].When;
        }

        return since;
    }

    private PolicyMode? ModeAt(int index, string domain)
    {
        if (!parsed.TryGetValue(index, out var list))
        {
            list = PolicyListReader.Read(versions[index].Text).List;
            parsed[index] = list;
        }

        var entry = list?.Policies.FirstOrDefault(p => string.Equals(p.Name, domain, StringComparison.OrdinalIgnoreCase));
        return entry is null ? null : list!.Resolve(entry.Policy)?.Mode;
    }
}
