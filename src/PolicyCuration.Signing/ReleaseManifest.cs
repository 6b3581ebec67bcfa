using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PolicyCuration.Signing;

/// <summary>One file of a release as the manifest records it.</summary>
/// <param name="Name">The file name, without directory.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="Sha256">Its SHA-256, lower-case hex.</param>
public sealed record ReleaseFile(string Name, long Size, string Sha256)
{
    /// <summary>The record of <paramref name="content"/> under <paramref name="name"/>.</summary>
    public static ReleaseFile Of(string name, ReadOnlySpan<byte> content) =>
        new(name, content.Length, Convert.ToHexStringLower(SHA256.HashData(content)));
}

/// <summary>
/// <c>manifest.json</c> of a release: its serial, when it was made and until when it holds, and each file's size and
/// SHA-256. Signed beside the list, so that a consumer checks one signature for the whole release.
/// </summary>
/// <param name="Serial">Increases with every release; a consumer refuses a lower one than it has.</param>
/// <param name="Timestamp">When the release was made.</param>
/// <param name="Expires">After this instant the release must not be used.</param>
/// <param name="Files">The files of the release.</param>
public sealed record ReleaseManifest(long Serial, DateTimeOffset Timestamp, DateTimeOffset Expires, IReadOnlyList<ReleaseFile> Files)
{
    /// <summary>The manifest's file name in a release.</summary>
    public const string FileName = "manifest.json";

    /// <summary>The list's file name in a release.</summary>
    public const string ListFileName = "policy.json";

    /// <summary>The format of this manifest.</summary>
    public const int FormatVersion = 1;

    /// <summary>The largest manifest read.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>The trusted comment of a release's signatures: it binds the serial and the expiry to each signed file.</summary>
    public string TrustedComment(string file) =>
        $"policy-list serial:{Serial.ToString(CultureInfo.InvariantCulture)} expires:{Format(Expires)} file:{file}";

    /// <summary>The manifest's JSON (<c>schema/release-manifest.schema.json</c>), indented, with a final newline.</summary>
    public byte[] ToJson() =>
        [.. JsonSerializer.SerializeToUtf8Bytes(new ManifestData(FormatVersion, Serial, Format(Timestamp), Format(Expires), Files), ManifestContext.Default.ManifestData), (byte)'\n'];

    /// <summary>Reads a manifest.</summary>
    /// <exception cref="SignatureException">Not a manifest of this format.</exception>
    public static ReleaseManifest Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MaxBytes)
        {
            throw new SignatureException($"{FileName}: {bytes.Length} bytes, more than a manifest's {MaxBytes}");
        }

        ManifestData? data;
        try
        {
            data = JsonSerializer.Deserialize(bytes, ManifestContext.Default.ManifestData);
        }
        catch (JsonException e)
        {
            throw new SignatureException($"{FileName}: not a release manifest ({e.Message})", e);
        }

        if (data is null)
        {
            throw new SignatureException($"{FileName}: not a release manifest (null)");
        }

        if (data.Format != FormatVersion)
        {
            throw new SignatureException($"{FileName}: format {data.Format} is not {FormatVersion}");
        }

        return new ReleaseManifest(data.Serial, Instant(data.Timestamp), Instant(data.Expires), data.Files);
    }

    /// <summary>UTC, to the second, as RFC 3339.</summary>
    public static string Format(DateTimeOffset instant) =>
        instant.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset Instant(string text) =>
        DateTimeOffset.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at : throw new SignatureException($"{FileName}: not a release manifest (the time {text} is not YYYY-MM-DDTHH:MM:SSZ)");
}

/// <summary><c>manifest.json</c> as written.</summary>
internal sealed record ManifestData(
    [property: JsonRequired] int Format,
    [property: JsonRequired] long Serial,
    [property: JsonRequired] string Timestamp,
    [property: JsonRequired] string Expires,
    [property: JsonRequired] IReadOnlyList<ReleaseFile> Files);

/// <summary>The manifest's serialiser, made at build time (the consumer is compiled ahead of time).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true, MaxDepth = 8, RespectRequiredConstructorParameters = true, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(ManifestData))]
internal sealed partial class ManifestContext : JsonSerializerContext;
