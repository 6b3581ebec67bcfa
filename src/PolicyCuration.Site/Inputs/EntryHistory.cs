using PolicyCuration.Format;
using PolicyCuration.Format.Model;
using PolicyCuration.Git;
using PolicyCuration.Site.Status;

namespace PolicyCuration.Site.Inputs;

/// <summary>
/// What the list's git history says: since when each listed domain has been listed, and in its mode, and the
/// changes (added, removed, promoted, demoted) of the recent commits. Read from the newest version back, one
/// version at a time, at most <see cref="MaxVersions"/> versions.
/// </summary>
public sealed class EntryHistory
{
    /// <summary>The most versions of the list read.</summary>
    public const int MaxVersions = 60;

    private readonly Dictionary<string, Since> since;

    private EntryHistory(Dictionary<string, Since> since, IReadOnlyList<ListChange> changes, int versions)
    {
        this.since = since;
        Changes = changes;
        VersionsRead = versions;
    }

    /// <summary>The changes of the window, newest first.</summary>
    public IReadOnlyList<ListChange> Changes { get; }

    /// <summary>How many versions of the list were read.</summary>
    public int VersionsRead { get; }

    /// <summary>A history with nothing in it, for a list outside git.</summary>
    public static EntryHistory None { get; } = new([], [], 0);

    /// <summary>
    /// Reads the history of <paramref name="listPath"/> in its repository for the domains of <paramref name="current"/>;
    /// changes are kept back to <paramref name="windowStart"/>. A list outside a repository has no history.
    /// </summary>
    public static EntryHistory Read(string listPath, PolicyList current, DateTimeOffset windowStart, int maxVersions = MaxVersions)
    {
        if (ListHistory.Locate(listPath) is not var (workTree, relative))
        {
            return None;
        }

        var since = new Dictionary<string, Since>(StringComparer.OrdinalIgnoreCase);
        var alive = new List<string>();
        foreach (var (domain, mode) in Modes(current))
        {
            alive.Add(domain);
            since[domain] = new Since { Mode = mode, ModeHolds = true };
        }

        var changes = new List<ListChange>();
        ListVersion? newer = null;
        Dictionary<string, PolicyMode?>? newerModes = null;
        int read = 0;
        bool reachedFirst = false;

        // Each version against the next newer one: false when nothing older can matter any more.
        bool Step(ListVersion version, Dictionary<string, PolicyMode?> olderModes)
        {
            read++;
            if (newer is not null && newer.When >= windowStart)
            {
                changes.AddRange(Diff(olderModes, newerModes!, newer));
            }

            alive.RemoveAll(domain =>
            {
                var entry = since[domain];
                if (!olderModes.TryGetValue(domain, out var mode))
                {
                    return true;
                }

                entry.ListedSince = version.When;
                entry.ModeHolds &= mode == entry.Mode;
                if (entry.ModeHolds)
                {
                    entry.ModeSince = version.When;
                }

                return false;
            });

            // The first version of the file added everything it holds.
            if (version.IsFirst)
            {
                reachedFirst = true;
                if (version.When >= windowStart)
                {
                    changes.AddRange(Diff([], olderModes, version));
                }
            }

            newer = version;
            newerModes = olderModes;

            return alive.Count > 0 || version.When >= windowStart;
        }

        // The next version is read while this one is compared: two lists in hand at most.
        var pending = new Queue<(ListVersion Version, Task<Dictionary<string, PolicyMode?>> Modes)>();
        foreach (var version in ListHistory.Walk(workTree, "HEAD", relative, maxVersions))
        {
            pending.Enqueue((version, Task.Run(() => PolicyListReader.Read(version.Text).List is { } list ? Modes(list) : [])));
            if (pending.Count > 1 && !Step(pending.Peek().Version, pending.Dequeue().Modes.GetAwaiter().GetResult()))
            {
                pending.Clear();
                break;
            }
        }

        while (pending.Count > 0 && Step(pending.Peek().Version, pending.Dequeue().Modes.GetAwaiter().GetResult()))
        {
        }

        foreach (string domain in alive)
        {
            // Still listed in the oldest version read: its dates are where the walk stopped, unless that was the first.
            since[domain].Bound = !reachedFirst;
        }

        changes.Sort((a, b) => b.Time.CompareTo(a.Time) is var order && order != 0 ? order : string.CompareOrdinal(a.Domain, b.Domain));
        return new EntryHistory(since, changes, read);
    }

    /// <summary>Since when <paramref name="domain"/> has been listed and in its mode, and whether those are upper bounds.</summary>
    public (DateTimeOffset? Listed, DateTimeOffset? Mode, bool Bound) SinceOf(string domain) =>
        since.TryGetValue(domain, out var entry) ? (entry.ListedSince, entry.ModeSince, entry.Bound) : (null, null, false);

    private static Dictionary<string, PolicyMode?> Modes(PolicyList list)
    {
        var modes = new Dictionary<string, PolicyMode?>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in list.Policies)
        {
            modes.TryAdd(entry.Name, list.Resolve(entry.Policy)?.Mode);
        }

        return modes;
    }

    private static IEnumerable<ListChange> Diff(Dictionary<string, PolicyMode?> before, Dictionary<string, PolicyMode?> after, ListVersion commit)
    {
        foreach (var (domain, mode) in after)
        {
            if (!before.TryGetValue(domain, out var was))
            {
                yield return new ListChange(commit.When, commit.Sha, domain, ChangeKind.Added, mode);
            }
            else if (was != mode && mode is { } now)
            {
                yield return new ListChange(commit.When, commit.Sha, domain, now == PolicyMode.Enforce ? ChangeKind.Promoted : ChangeKind.Demoted, mode);
            }
        }

        foreach (var (domain, mode) in before)
        {
            if (!after.ContainsKey(domain))
            {
                yield return new ListChange(commit.When, commit.Sha, domain, ChangeKind.Removed, mode);
            }
        }
    }

    /// <summary>One domain's dates, moved back as older versions still list it.</summary>
    private sealed class Since
    {
        public DateTimeOffset? ListedSince { get; set; }

        public DateTimeOffset? ModeSince { get; set; }

        public PolicyMode? Mode { get; init; }

        public bool ModeHolds { get; set; }

        public bool Bound { get; set; }
    }
}
