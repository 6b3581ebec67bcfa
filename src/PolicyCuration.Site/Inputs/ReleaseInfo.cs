using PolicyCuration.Signing;

namespace PolicyCuration.Site.Inputs;

/// <summary>The release the site describes: its manifest, verified against the public key it shows.</summary>
/// <param name="Manifest">The verified manifest.</param>
/// <param name="Key">The key that signed it.</param>
public sealed record ReleaseInfo(ReleaseManifest Manifest, MinisignPublicKey Key)
{
    /// <summary>The public key's base64 line, as <c>minisign -P</c> takes it.</summary>
    public string KeyLine => Key.ToText().Split('\n')[1];

    /// <summary>
    /// Reads the release in <paramref name="directory"/> and verifies both signatures against <paramref name="publicKey"/>;
    /// an expired release is described (as expired), a forged one is refused.
    /// </summary>
    /// <exception cref="ReleaseRefusedException">The signatures do not verify.</exception>
    public static ReleaseInfo Read(string directory, string publicKey)
    {
        var files = ReleaseVerifier.ReadDirectory(directory, 256L * 1024 * 1024);

        // Not judged for expiry: the site shows an expired release as expired rather than hiding it.
        var verified = ReleaseVerifier.Verify(files, [MinisignPublicKey.Load(publicKey)], now: null);
        return new ReleaseInfo(verified.Manifest, verified.Key);
    }
}
