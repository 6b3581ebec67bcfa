using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace PolicyCuration.Signing;

/// <summary>
/// An Ed25519 secret key in minisign's format: base64 of <c>Ed</c> ‖ KDF (<c>Sc</c> for scrypt, two zero bytes for none)
/// ‖ <c>B2</c> ‖ salt(32) ‖ opslimit(8) ‖ memlimit(8) ‖ [key id(8) ‖ secret key(64) ‖ BLAKE2b-256 checksum(32)], the bracket
/// XOR-ed with an scrypt stream of the password when encrypted.
/// </summary>
public sealed class MinisignSecretKey : IDisposable
{
    private const int PayloadLength = 2 + 2 + 2 + 32 + 8 + 8 + 104;
    private const int SealedOffset = 54;

    // minisign's defaults (crypto_pwhash_scryptsalsa208sha256_*_SENSITIVE): about a second and 1 GiB.
    private const ulong DefaultOpsLimit = 33_554_432;
    private const ulong DefaultMemLimit = 1_073_741_824;

    // Far beyond minisign's own; refuses a file that would make scrypt take a machine's memory.
    private const ulong MaxMemLimit = 4UL << 30;

    private readonly Key key;

    private MinisignSecretKey(KeyId id, Key key)
    {
        Id = id;
        this.key = key;
    }

    /// <summary>The key id, carried by every signature and by the public key.</summary>
    public KeyId Id { get; }

    /// <summary>The matching public key.</summary>
    public MinisignPublicKey PublicKey => MinisignPublicKey.From(Id, key.PublicKey.Export(KeyBlobFormat.RawPublicKey));

    /// <summary>A new random key with a random id.</summary>
    public static MinisignSecretKey Generate() =>
        new(KeyId.From(RandomNumberGenerator.GetBytes(8)), Key.Create(SignatureAlgorithm.Ed25519, Exportable()));

    /// <summary>Reads a secret key file's text; <paramref name="password"/> is needed when the key is encrypted.</summary>
    public static MinisignSecretKey Parse(string text, string? password, string what = "secret key")
    {
        var lines = MinisignText.Lines(text, what).Where(l => l.Trim().Length > 0).ToList();
        string? payload = lines.Count switch
        {
            1 => lines[0],
            >= 2 when lines[0].StartsWith(MinisignText.UntrustedPrefix, StringComparison.Ordinal) => lines[1],
            _ => null,
        };
        var bytes = MinisignText.Payload(payload, PayloadLength, what);
        if (bytes[0] != (byte)'E' || bytes[1] != (byte)'d' || bytes[4] != (byte)'B' || bytes[5] != (byte)'2')
        {
            throw new SignatureException($"{what}: not an Ed25519 minisign secret key");
        }

        bool encrypted = (bytes[2], bytes[3]) switch
        {
            ((byte)'S', (byte)'c') => true,
            (0, 0) => false,
            _ => throw new SignatureException($"{what}: unknown key derivation \"{(char)bytes[2]}{(char)bytes[3]}\""),
        };
        var sealedPart = bytes.AsSpan(SealedOffset, 104);
        if (encrypted)
        {
            if (password is null)
            {
                throw new SignatureException($"{what} is encrypted: give its password");
            }

            ulong ops = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(38));
            ulong mem = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(46));
            var stream = Stream(password, bytes.AsSpan(6, 32), ops, mem, what);
            for (int i = 0; i < sealedPart.Length; i++)
            {
                sealedPart[i] ^= stream[i];
            }
        }

        // minisign -W leaves the checksum of an unencrypted key zero; the public half below still catches damage.
        var expected = Checksum(bytes.AsSpan(0, 2), sealedPart[..72]);
        bool unverifiable = !encrypted && sealedPart[72..].IndexOfAnyExcept((byte)0) < 0;
        if (!unverifiable && !CryptographicOperations.FixedTimeEquals(expected, sealedPart[72..]))
        {
            throw new SignatureException(encrypted ? $"{what}: wrong password (or a damaged file)" : $"{what}: checksum mismatch; the file is damaged");
        }

        var id = KeyId.From(sealedPart[..8]);
        var seed = sealedPart.Slice(8, 32);
        var imported = Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey, Exportable());
        if (!imported.PublicKey.Export(KeyBlobFormat.RawPublicKey).AsSpan().SequenceEqual(sealedPart.Slice(40, 32)))
        {
            imported.Dispose();
            throw new SignatureException($"{what}: its secret and public halves do not match; the file is damaged");
        }

        CryptographicOperations.ZeroMemory(bytes);
        return new MinisignSecretKey(id, imported);
    }

    /// <summary>Reads a secret key file.</summary>
    public static MinisignSecretKey Load(string path, string? password) =>
        Parse(MinisignText.ReadFile(path, "secret key"), password, $"secret key {path}");

    /// <summary>minisign's text of the key: unencrypted (as <c>minisign -G -W</c> writes) without a password, else scrypt-encrypted with minisign's parameters.</summary>
    public string ToText(string? password)
    {
        var bytes = new byte[PayloadLength];
        bytes[0] = (byte)'E';
        bytes[1] = (byte)'d';
        bytes[4] = (byte)'B';
        bytes[5] = (byte)'2';
        var sealedPart = bytes.AsSpan(SealedOffset, 104);
        Id.ToBytes().CopyTo(sealedPart);
        key.Export(KeyBlobFormat.RawPrivateKey).CopyTo(sealedPart[8..]);
        key.PublicKey.Export(KeyBlobFormat.RawPublicKey).CopyTo(sealedPart[40..]);
        Checksum(bytes.AsSpan(0, 2), sealedPart[..72]).CopyTo(sealedPart[72..]);
        if (password is not null)
        {
            bytes[2] = (byte)'S';
            bytes[3] = (byte)'c';
            RandomNumberGenerator.Fill(bytes.AsSpan(6, 32));
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(38), DefaultOpsLimit);
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(46), DefaultMemLimit);
            var stream = Stream(password, bytes.AsSpan(6, 32), DefaultOpsLimit, DefaultMemLimit, "secret key");
            for (int i = 0; i < sealedPart.Length; i++)
            {
                sealedPart[i] ^= stream[i];
            }
        }

        string comment = password is null ? "minisign secret key (unencrypted)" : "minisign encrypted secret key";
        string text = $"{MinisignText.UntrustedPrefix}{comment}\n{Convert.ToBase64String(bytes)}\n";
        CryptographicOperations.ZeroMemory(bytes);
        return text;
    }

    /// <summary>The Ed25519 signature of <paramref name="data"/>.</summary>
    public byte[] Sign(ReadOnlySpan<byte> data) => SignatureAlgorithm.Ed25519.Sign(key, data);

    /// <inheritdoc/>
    public void Dispose() => key.Dispose();

    private static KeyCreationParameters Exportable() => new() { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };

    private static byte[] Checksum(ReadOnlySpan<byte> algorithm, ReadOnlySpan<byte> idAndKey) =>
        NSec.Cryptography.HashAlgorithm.Blake2b_256.Hash([.. algorithm, .. idAndKey]);

    /// <summary>libsodium's crypto_pwhash_scryptsalsa208sha256 stream: its cost parameters picked from opslimit and memlimit as libsodium does.</summary>
    private static byte[] Stream(string password, ReadOnlySpan<byte> salt, ulong opsLimit, ulong memLimit, string what)
    {
        if (memLimit > MaxMemLimit)
        {
            throw new SignatureException($"{what}: its scrypt memory limit ({memLimit} bytes) is beyond {MaxMemLimit}; refusing");
        }

        var (nLog2, r, p) = PickParameters(opsLimit, memLimit);
        var scrypt = PasswordBasedKeyDerivationAlgorithm.Scrypt(new ScryptParameters { Cost = 1L << nLog2, BlockSize = r, Parallelization = p });
        return scrypt.DeriveBytes(Encoding.UTF8.GetBytes(password), salt, 104);
    }

    /// <summary>libsodium's <c>pickparams</c>: scrypt's N (as log2), r and p from opslimit and memlimit.</summary>
    public static (int NLog2, int R, int P) PickParameters(ulong opsLimit, ulong memLimit)
    {
        const int r = 8;
        opsLimit = Math.Max(opsLimit, 32768);
        int nLog2;
        ulong maxN;
        if (opsLimit < memLimit / 32)
        {
            maxN = opsLimit / (r * 4);
            for (nLog2 = 1; nLog2 < 63; nLog2++)
            {
                if (1UL << nLog2 > maxN / 2)
                {
                    break;
                }
            }

            return (nLog2, r, 1);
        }

        maxN = memLimit / (r * 128);
        for (nLog2 = 1; nLog2 < 63; nLog2++)
        {
            if (1UL << nLog2 > maxN / 2)
            {
                break;
            }
        }

        ulong maxRp = Math.Min((opsLimit / 4) / (1UL << nLog2), 0x3fffffff);
        return (nLog2, r, (int)((uint)maxRp / r));
    }
}
