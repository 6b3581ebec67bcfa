namespace PolicyCuration.Signing;

/// <summary>Writes a release directory: the list, the manifest, and a minisign signature of each.</summary>
public static class ReleaseWriter
{
    /// <summary>
    /// Writes <c>policy.json</c> (<paramref name="list"/>, already canonical and stamped), <c>manifest.json</c> and both
    /// <c>.minisig</c> files into <paramref name="directory"/>, which must not hold a release already.
    /// </summary>
    public static ReleaseManifest Write(string directory, byte[] list, long serial, DateTimeOffset timestamp, DateTimeOffset expires, MinisignSecretKey key)
    {
        Directory.CreateDirectory(directory);
        var existing = ReleaseFiles.Names.Where(name => File.Exists(Path.Combine(directory, name))).ToList();
        if (existing.Count > 0)
        {
            throw new IOException($"{directory} already holds {string.Join(", ", existing)}; give an empty --out directory");
        }

        var manifest = new ReleaseManifest(serial, timestamp, expires, [ReleaseFile.Of(ReleaseManifest.ListFileName, list)]);
        byte[] manifestBytes = manifest.ToJson();
        var listSignature = MinisignSignature.Sign(key, list, manifest.TrustedComment(ReleaseManifest.ListFileName), $"policy list serial {serial}, signed by key {key.Id}");
        var manifestSignature = MinisignSignature.Sign(key, manifestBytes, manifest.TrustedComment(ReleaseManifest.FileName), $"release manifest serial {serial}, signed by key {key.Id}");

        // The manifest last: a directory with a manifest is a complete release.
        File.WriteAllBytes(Path.Combine(directory, ReleaseFiles.Names[0]), list);
        File.WriteAllText(Path.Combine(directory, ReleaseFiles.Names[1]), listSignature.ToText());
        File.WriteAllText(Path.Combine(directory, ReleaseFiles.Names[3]), manifestSignature.ToText());
        File.WriteAllBytes(Path.Combine(directory, ReleaseFiles.Names[2]), manifestBytes);
        return manifest;
    }
}
