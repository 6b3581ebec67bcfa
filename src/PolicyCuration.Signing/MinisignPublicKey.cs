using NSec.Cryptography;

namespace PolicyCuration.Signing;

/// <summary>An Ed25519 public key in minisign's format: a comment line, then base64 of <c>Ed</c> ‖ key id ‖ key.</summary>
public sealed class MinisignPublicKey
{
    private readonly PublicKey key;

    private MinisignPublicKey(KeyId id, PublicKey key)
    {
        Id = id;
        this.key = key;
    }

    /// <summary>The key id that signatures made with the matching secret key carry.</summary>
    public KeyId Id { get; }

    /// <summary>The 32 bytes of the Ed25519 public key.</summary>
    public byte[] RawKey => key.Export(KeyBlobFormat.RawPublicKey);

    /// <summary>Reads a public key file: minisign's two-line form, or the bare base64 line minisign accepts with <c>-P</c>.</summary>
    public static MinisignPublicKey Parse(string text, string what = "public key")
    {
        var lines = MinisignText.Lines(text, what).Where(l => l.Trim().Length > 0).ToList();
        string? payload = lines.Count switch
        {
            1 => lines[0],
            >= 2 when lines[0].StartsWith(MinisignText.UntrustedPrefix, StringComparison.Ordinal) => lines[1],
            _ => null,
        };
        var bytes = MinisignText.Payload(payload, 42, what);
        if (bytes[0] != (byte)'E' || bytes[1] != (byte)'d')
        {
            throw new SignatureException($"{what}: algorithm \"{(char)bytes[0]}{(char)bytes[1]}\" is not Ed25519 (\"Ed\")");
        }

        return new MinisignPublicKey(KeyId.From(bytes.AsSpan(2, 8)), PublicKey.Import(SignatureAlgorithm.Ed25519, bytes.AsSpan(10, 32), KeyBlobFormat.RawPublicKey));
    }

    /// <summary>Reads a public key file.</summary>
    public static MinisignPublicKey Load(string path) => Parse(MinisignText.ReadFile(path, "public key"), $"public key {path}");

    /// <summary>The key with <paramref name="id"/> and the 32 bytes <paramref name="rawKey"/>.</summary>
    public static MinisignPublicKey From(KeyId id, ReadOnlySpan<byte> rawKey) =>
        new(id, PublicKey.Import(SignatureAlgorithm.Ed25519, rawKey, KeyBlobFormat.RawPublicKey));

    /// <summary>minisign's text of the key, comment line included.</summary>
    public string ToText() =>
        $"{MinisignText.UntrustedPrefix}minisign public key {Id}\n{Convert.ToBase64String([(byte)'E', (byte)'d', .. Id.ToBytes(), .. RawKey])}\n";

    /// <summary>Whether <paramref name="signature"/> is a valid Ed25519 signature of <paramref name="data"/> by this key.</summary>
    public bool Verifies(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        SignatureAlgorithm.Ed25519.Verify(key, data, signature);
}
