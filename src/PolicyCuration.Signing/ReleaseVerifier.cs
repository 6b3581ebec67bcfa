using PolicyCuration.Format.Findings;

namespace PolicyCuration.Signing;

/// <summary>Why a release was refused: its kind (<see cref="ReleaseFindingKinds"/>) and a one-line reason.</summary>
/// <param name="kind">Such as <see cref="ReleaseFindingKinds.SignatureInvalid"/>.</param>
/// <param name="message">What is wrong.</param>
public sealed class ReleaseRefusedException(FindingKind kind, string message) : Exception(message)
{
    /// <summary>The kind of refusal.</summary>
    public FindingKind Kind { get; } = kind;

    /// <summary>The stable code of the refusal.</summary>
    public string Code => Kind.Code;
}

/// <summary>A release whose signatures, hashes and dates all check out.</summary>
/// <param name="Manifest">The verified manifest.</param>
/// <param name="List">The verified bytes of <c>policy.json</c>.</param>
/// <param name="ManifestBytes">The manifest as signed.</param>
/// <param name="ListSignature">The text of <c>policy.json.minisig</c>.</param>
/// <param name="ManifestSignature">The text of <c>manifest.json.minisig</c>.</param>
/// <param name="Key">The key that signed it.</param>
public sealed record VerifiedRelease(
    ReleaseManifest Manifest, ReadOnlyMemory<byte> List, byte[] ManifestBytes, string ListSignature, string ManifestSignature, MinisignPublicKey Key);

/// <summary>The four files of a release as fetched, before anything is trusted.</summary>
/// <param name="List">policy.json.</param>
/// <param name="ListSignature">policy.json.minisig.</param>
/// <param name="Manifest">manifest.json.</param>
/// <param name="ManifestSignature">manifest.json.minisig.</param>
public sealed record ReleaseFiles(ReadOnlyMemory<byte> List, string ListSignature, byte[] Manifest, string ManifestSignature)
{
    /// <summary>The names of the four files.</summary>
    public static readonly string[] Names = [ReleaseManifest.ListFileName, ReleaseManifest.ListFileName + ".minisig", ReleaseManifest.FileName, ReleaseManifest.FileName + ".minisig"];
}

/// <summary>Checks a release: both signatures against the pinned keys, the trusted comments, the manifest's hashes and sizes, the expiry.</summary>
public static class ReleaseVerifier
{
    /// <summary>Verifies <paramref name="files"/> against <paramref name="keys"/> at <paramref name="now"/>.</summary>
    /// <param name="files">The release.</param>
    /// <param name="keys">The pinned keys.</param>
    /// <param name="now">The clock for expiry; null verifies a release without judging it, expired or not (to describe it).</param>
    /// <param name="hashList">
    /// Whether to check the list's SHA-256 against the manifest. The list's own signature already covers every byte of
    /// it, and its trusted comment the serial and expiry, so a release verified whole once may be re-read without it.
    /// </param>
    /// <exception cref="ReleaseRefusedException">The release must not be used; the code says why.</exception>
    public static VerifiedRelease Verify(ReleaseFiles files, IReadOnlyList<MinisignPublicKey> keys, DateTimeOffset? now, bool hashList = true)
    {
        // The list's SHA-256 (for the manifest) runs beside its BLAKE2b (for the signature): two passes, two cores.
        var listHash = hashList ? Task.Run(() => ReleaseFile.Of(ReleaseManifest.ListFileName, files.List.Span)) : null;
        MinisignPublicKey key;
        MinisignSignature manifestSignature, listSignature;
        try
        {
            manifestSignature = MinisignSignature.Parse(files.ManifestSignature, "manifest.json.minisig");
            key = manifestSignature.Verify(files.Manifest, keys, "manifest.json.minisig");
            listSignature = MinisignSignature.Parse(files.ListSignature, "policy.json.minisig");
            listSignature.Verify(files.List.Span, keys, "policy.json.minisig");
        }
        catch (SignatureException e)
        {
            throw new ReleaseRefusedException(ReleaseFindingKinds.SignatureInvalid, e.Message);
        }

        ReleaseManifest manifest;
        try
        {
            manifest = ReleaseManifest.Parse(files.Manifest);
        }
        catch (SignatureException e)
        {
            throw new ReleaseRefusedException(ReleaseFindingKinds.ManifestInvalid, e.Message);
        }

        if (manifestSignature.TrustedComment != manifest.TrustedComment(ReleaseManifest.FileName)
            || listSignature.TrustedComment != manifest.TrustedComment(ReleaseManifest.ListFileName))
        {
            throw new ReleaseRefusedException(
                ReleaseFindingKinds.ManifestMismatch,
                $"the trusted comments (\"{manifestSignature.TrustedComment}\", \"{listSignature.TrustedComment}\") do not match manifest serial {manifest.Serial}: files of different releases");
        }

        var listed = manifest.Files.FirstOrDefault(f => f.Name == ReleaseManifest.ListFileName)
            ?? throw new ReleaseRefusedException(ReleaseFindingKinds.ManifestMismatch, "the manifest does not list policy.json");
        var actual = listHash?.GetAwaiter().GetResult() ?? listed with { Size = files.List.Length };
        if (actual != listed)
        {
            throw new ReleaseRefusedException(
                ReleaseFindingKinds.ManifestMismatch, $"policy.json is {actual.Size} bytes with SHA-256 {actual.Sha256}; the manifest says {listed.Size} bytes, {listed.Sha256}");
        }

        if (now is { } clock && clock >= manifest.Expires)
        {
            throw new ReleaseRefusedException(
                ReleaseFindingKinds.Expired, $"release {manifest.Serial} expired at {ReleaseManifest.Format(manifest.Expires)} (now {ReleaseManifest.Format(clock)})");
        }

        return new VerifiedRelease(manifest, files.List, files.Manifest, files.ListSignature, files.ManifestSignature, key);
    }

    /// <summary>Reads the four files of a release directory, each capped.</summary>
    /// <param name="directory">The directory.</param>
    /// <param name="maxListBytes">The largest list accepted.</param>
    /// <exception cref="ReleaseRefusedException">A file is missing or too large (<c>release.fetch.failed</c>).</exception>
    public static ReleaseFiles ReadDirectory(string directory, long maxListBytes)
    {
        byte[] Read(string name, long max)
        {
            string path = Path.Combine(directory, name);
            try
            {
                using var stream = File.OpenRead(path);
                if (stream.Length > max)
                {
                    throw new ReleaseRefusedException(ReleaseFindingKinds.FetchFailed, $"{path}: {stream.Length} bytes, more than {max}");
                }

                var bytes = new byte[stream.Length];
                stream.ReadExactly(bytes);
                return bytes;
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                throw new ReleaseRefusedException(ReleaseFindingKinds.FetchFailed, $"{path}: no such file; --source names a directory holding a release's four files");
            }
            catch (IOException e)
            {
                throw new ReleaseRefusedException(ReleaseFindingKinds.FetchFailed, $"{path}: {e.Message.TrimEnd('.')}");
            }
        }

        return new ReleaseFiles(
            Read(ReleaseFiles.Names[0], maxListBytes),
            System.Text.Encoding.UTF8.GetString(Read(ReleaseFiles.Names[1], MinisignText.MaxFileBytes)),
            Read(ReleaseFiles.Names[2], ReleaseManifest.MaxBytes),
            System.Text.Encoding.UTF8.GetString(Read(ReleaseFiles.Names[3], MinisignText.MaxFileBytes)));
    }
}
