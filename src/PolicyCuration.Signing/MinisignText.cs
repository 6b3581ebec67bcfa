using System.Text;

namespace PolicyCuration.Signing;

/// <summary>The line-and-base64 text shape shared by minisign's keys and signatures.</summary>
internal static class MinisignText
{
    /// <summary>The largest key or signature file read: they are a few hundred bytes.</summary>
    public const int MaxFileBytes = 4096;

    public const string UntrustedPrefix = "untrusted comment: ";
    public const string TrustedPrefix = "trusted comment: ";

    /// <summary>The non-empty lines of a small minisign file, CR and LF both ending lines.</summary>
    public static string[] Lines(string text, string what)
    {
        if (text.Length > MaxFileBytes)
        {
            throw new SignatureException($"{what}: larger than {MaxFileBytes} bytes; not a minisign file");
        }

        return text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
    }

    /// <summary>Reads a small file as UTF-8, refusing one too large to be a key or signature.</summary>
    public static string ReadFile(string path, string what)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new SignatureException($"{what} {path}: no such file");
        }

        if (info.Length > MaxFileBytes)
        {
            throw new SignatureException($"{what} {path}: {info.Length} bytes; not a minisign file");
        }

        return File.ReadAllText(path, Encoding.UTF8);
    }

    /// <summary>The base64 payload of <paramref name="line"/>, which must decode to exactly <paramref name="length"/> bytes.</summary>
    public static byte[] Payload(string? line, int length, string what)
    {
        if (line is null)
        {
            throw new SignatureException($"{what}: the base64 line is missing");
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(line.Trim());
        }
        catch (FormatException)
        {
            throw new SignatureException($"{what}: the line after the comment is not base64");
        }

        if (bytes.Length != length)
        {
            throw new SignatureException($"{what}: {bytes.Length} bytes where minisign's format has {length}; truncated or not a minisign file");
        }

        return bytes;
    }

    /// <summary>The comment after <paramref name="prefix"/>, or an error naming what is missing.</summary>
    public static string Comment(string? line, string prefix, string what)
    {
        if (line is null || !line.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new SignatureException($"{what}: expected a line starting with \"{prefix.Trim()}\"");
        }

        return line[prefix.Length..];
    }
}
