using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

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

    /// <summary>Writes the record as the manifest holds it: an object of name, size and sha256.</summary>
    public void WriteTo(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("name", Name);
        json.WriteNumber("size", Size);
        json.WriteString("sha256", Sha256);
        json.WriteEndObject();
    }
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

    /// <summary>The manifest's JSON, indented, with a final newline.</summary>
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("format", FormatVersion);
            json.WriteNumber("serial", Serial);
            json.WriteString("timestamp", Format(Timestamp));
            json.WriteString("expires", Format(Expires));
            json.WriteStartArray("files");
            foreach (var file in Files)
            {
                file.WriteTo(json);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>Reads a manifest.</summary>
    /// <exception cref="SignatureException">Not a manifest of this format.</exception>
    public static ReleaseManifest Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MaxBytes)
        {
            throw new SignatureException($"{FileName}: {bytes.Length} bytes, more than a manifest's {MaxBytes}");
        }

        try
        {
            using var document = JsonDocument.Parse(bytes.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
            var root = document.RootElement;
            if (root.GetProperty("format").GetInt32() != FormatVersion)
            {
                throw new SignatureException($"{FileName}: format {root.GetProperty("format")} is not {FormatVersion}");
            }

            var files = root.GetProperty("files").EnumerateArray()
                .Select(f => new ReleaseFile(f.GetProperty("name").GetString()!, f.GetProperty("size").GetInt64(), f.GetProperty("sha256").GetString()!))
                .ToList();
            return new ReleaseManifest(
                root.GetProperty("serial").GetInt64(),
                Instant(root.GetProperty("timestamp").GetString()),
                Instant(root.GetProperty("expires").GetString()),
                files);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new SignatureException($"{FileName}: not a release manifest ({e.Message})", e);
        }
    }

    /// <summary>UTC, to the second, as RFC 3339.</summary>
    public static string Format(DateTimeOffset instant) =>
        instant.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset Instant(string? text) =>
        DateTimeOffset.ParseExact(text ?? string.Empty, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
