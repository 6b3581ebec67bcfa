using PolicyCuration.Format.Findings;

namespace PolicyCuration.Signing;

/// <summary>Why a release is refused: the consumer's codes, in the same catalogue form as every other finding.</summary>
public static class ReleaseFindingKinds
{
    /// <summary>A signature is malformed, made by a key that is not pinned, or does not match its file or its trusted comment.</summary>
    public static readonly FindingKind SignatureInvalid = new("release.signature.invalid", Severity.Error, "Signature does not verify");

    /// <summary>manifest.json is not a release manifest.</summary>
    public static readonly FindingKind ManifestInvalid = new("release.manifest.invalid", Severity.Error, "Manifest unreadable");

    /// <summary>A file's size or SHA-256 differs from the manifest, or a trusted comment disagrees with it.</summary>
    public static readonly FindingKind ManifestMismatch = new("release.manifest.mismatch", Severity.Error, "Files disagree with manifest");

    /// <summary>The release's expiry has passed.</summary>
    public static readonly FindingKind Expired = new("release.expired", Severity.Error, "Release expired");

    /// <summary>The release's serial is lower than the installed one.</summary>
    public static readonly FindingKind Rollback = new("release.rollback", Severity.Error, "Older than installed");

    /// <summary>A file could not be fetched: not found, too large, too slow, or the connection failed.</summary>
    public static readonly FindingKind FetchFailed = new("release.fetch.failed", Severity.Error, "Release not fetched");

    /// <summary>The signed list does not parse or cannot be written as a map.</summary>
    public static readonly FindingKind ListInvalid = new("release.list.invalid", Severity.Error, "Signed list unusable");

    /// <summary>Every kind above, in order; listed, not gathered by reflection, since NativeAOT has no metadata tokens to order fields by.</summary>
    public static IReadOnlyList<FindingKind> All { get; } = [SignatureInvalid, ManifestInvalid, ManifestMismatch, Expired, Rollback, FetchFailed, ListInvalid];
}
