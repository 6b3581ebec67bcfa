using PolicyCuration.Format.Model;

namespace PolicyCuration.Site.Status;

/// <summary>What happened to an entry.</summary>
public enum ChangeKind
{
    /// <summary>The domain entered the list.</summary>
    Added,

    /// <summary>The domain left the list.</summary>
    Removed,

    /// <summary>From testing to enforce.</summary>
    Promoted,

    /// <summary>From enforce to testing.</summary>
    Demoted,
}

/// <summary>A change to one entry, made by one commit of the list.</summary>
/// <param name="Time">The commit's time.</param>
/// <param name="Commit">The commit.</param>
/// <param name="Domain">The domain.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Mode">The entry's mode after the change (before it, for a removal).</param>
public sealed record ListChange(DateTimeOffset Time, string Commit, string Domain, ChangeKind Kind, PolicyMode? Mode)
{
    /// <summary>The kind's name in the API and the feed.</summary>
    public string KindName => Kind.ToString().ToLowerInvariant();
}
