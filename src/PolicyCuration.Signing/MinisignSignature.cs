using System.Text;
using NSec.Cryptography;

namespace PolicyCuration.Signing;

/// <summary>
/// A minisign signature file: an untrusted comment; base64 of <c>ED</c> ‖ key id ‖ Ed25519 signature of the file's
/// BLAKE2b-512 (or <c>Ed</c> and the file itself, minisign's legacy form); a trusted comment; base64 of the global
/// signature over the signature and the trusted comment.
/// </summary>
/// <param name="Prehashed">Whether the file's BLAKE2b-512 was signed (<c>ED</c>) rather than the file itself (<c>Ed</c>).</param>
/// <param name="Id">The id of the key that signed.</param>
/// <param name="Signature">The 64-byte signature of the file (or of its hash).</param>
/// <param name="TrustedComment">The comment the global signature covers.</param>
/// <param name="GlobalSignature">The 64-byte signature of <paramref name="Signature"/> ‖ <paramref name="TrustedComment"/>.</param>
/// <param name="UntrustedComment">The first line's comment, which nothing covers.</param>
public sealed record MinisignSignature(bool Prehashed, KeyId Id, byte[] Signature, string TrustedComment, byte[] GlobalSignature, string UntrustedComment)
{
    /// <summary>Signs <paramref name="data"/> as <c>minisign -S</c> does (prehashed), with its trusted comment.</summary>
    public static MinisignSignature Sign(MinisignSecretKey key, ReadOnlySpan<byte> data, string trustedComment, string untrustedComment = "signature from policyctl secret key")
    {
        if (trustedComment.Contains('\n') || trustedComment.Contains('\r'))
        {
            throw new ArgumentException("a trusted comment is one line", nameof(trustedComment));
        }

        var signature = key.Sign(HashAlgorithm.Blake2b_512.Hash(data));
        var global = key.Sign([.. signature, .. Encoding.UTF8.GetBytes(trustedComment)]);
        return new MinisignSignature(true, key.Id, signature, trustedComment, global, untrustedComment);
    }

    /// <summary>Reads a signature file's text.</summary>
    public static MinisignSignature Parse(string text, string what = "signature")
    {
        var lines = MinisignText.Lines(text, what);
        if (lines.Length < 4)
        {
            throw new SignatureException($"{what}: {lines.Length} lines where minisign writes 4; truncated");
        }

        string untrusted = MinisignText.Comment(lines[0], MinisignText.UntrustedPrefix, what);
        var payload = MinisignText.Payload(lines[1], 74, what);
        bool prehashed = (payload[0], payload[1]) switch
        {
            ((byte)'E', (byte)'D') => true,
            ((byte)'E', (byte)'d') => false,
            _ => throw new SignatureException($"{what}: algorithm \"{(char)payload[0]}{(char)payload[1]}\" is neither ED nor Ed"),
        };
        string trusted = MinisignText.Comment(lines[2], MinisignText.TrustedPrefix, what);
        var global = MinisignText.Payload(lines[3], 64, $"{what} (global signature)");
        return new MinisignSignature(prehashed, KeyId.From(payload.AsSpan(2, 8)), payload[10..], trusted, global, untrusted);
    }

    /// <summary>Reads a signature file.</summary>
    public static MinisignSignature Load(string path) => Parse(MinisignText.ReadFile(path, "signature"), $"signature {path}");

    /// <summary>minisign's text of the signature.</summary>
    public string ToText() =>
        $"{MinisignText.UntrustedPrefix}{UntrustedComment}\n" +
        $"{Convert.ToBase64String([(byte)'E', (byte)(Prehashed ? 'D' : 'd'), .. Id.ToBytes(), .. Signature])}\n" +
        $"{MinisignText.TrustedPrefix}{TrustedComment}\n{Convert.ToBase64String(GlobalSignature)}\n";

    /// <summary>
    /// Checks the signature of <paramref name="data"/> against the first of <paramref name="keys"/> with the signature's key id,
    /// then the global signature over the trusted comment; returns the key that verified.
    /// </summary>
    /// <exception cref="SignatureException">No key has the signature's id, or either signature does not verify.</exception>
    public MinisignPublicKey Verify(ReadOnlySpan<byte> data, IReadOnlyList<MinisignPublicKey> keys, string what)
    {
        var id = Id;
        var key = keys.FirstOrDefault(k => k.Id == id)
            ?? throw new SignatureException($"{what}: signed by key {Id}, which is not among the trusted keys ({string.Join(", ", keys.Select(k => k.Id))})");
        bool signed = Prehashed ? key.Verifies(HashAlgorithm.Blake2b_512.Hash(data), Signature) : key.Verifies(data, Signature);
        if (!signed)
        {
            throw new SignatureException($"{what}: the signature does not match the file (altered, or signed as another file)");
        }

        if (!key.Verifies([.. Signature, .. Encoding.UTF8.GetBytes(TrustedComment)], GlobalSignature))
        {
            throw new SignatureException($"{what}: the trusted comment was altered (its global signature does not verify)");
        }

        return key;
    }
}
