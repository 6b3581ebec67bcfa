using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace PolicyCuration.Probe.Tls;

/// <summary>
/// Asks a TLS server which version it picks when offered TLS 1.0 to 1.2, by sending a ClientHello and reading
/// the ServerHello, nothing more.
/// </summary>
/// <remarks>
/// The platform's TLS library refuses versions below 1.2 before a server can name them, so a server that speaks
/// only TLS 1.0 or 1.1 looks like any failed handshake. This hello, written by hand, offers the old versions and
/// their cipher suites so that the server's answer tells the two apart.
/// </remarks>
public static class TlsVersionSounding
{
    /// <summary>TLS 1.2 on the wire.</summary>
    public const ushort Tls12 = 0x0303;

    private const int MaxRecord = 16384 + 2048;

    // ECDHE and RSA suites with GCM, ChaCha20 and CBC, the CBC ones being all TLS 1.0 and 1.1 servers have.
    private static readonly ushort[] CipherSuites =
    [
        0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc009, 0xc013, 0xc00a, 0xc014,
        0x009c, 0x009d, 0x002f, 0x0035, 0x0033, 0x0039, 0x000a,
    ];

    private static readonly ushort[] SignatureAlgorithms = [0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0203, 0x0201];

    /// <summary>The name of a wire version: <c>TLSv1.1</c>.</summary>
    public static string VersionName(ushort version) => version switch
    {
        0x0300 => "SSLv3",
        0x0301 => "TLSv1",
        0x0302 => "TLSv1.1",
        0x0303 => "TLSv1.2",
        _ => $"0x{version:x4}",
    };

    /// <summary>The version the server picks, or <see langword="null"/> when it answers with an alert or anything but a ServerHello.</summary>
    public static async Task<ushort?> ServerVersionAsync(Stream stream, string serverName, CancellationToken cancellation)
    {
        await stream.WriteAsync(ClientHello(serverName), cancellation).ConfigureAwait(false);
        var header = new byte[5];
        if (!await ReadExactlyAsync(stream, header, cancellation).ConfigureAwait(false) || header[0] != 0x16)
        {
            return null;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(3));
        if (length is < 6 or > MaxRecord)
        {
            return null;
        }

        var body = new byte[length];
        if (!await ReadExactlyAsync(stream, body, cancellation).ConfigureAwait(false) || body[0] != 0x02)
        {
            return null;
        }

        return BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(4));
    }

    /// <summary>A ClientHello offering TLS 1.0 to 1.2 to <paramref name="serverName"/>.</summary>
    public static byte[] ClientHello(string serverName)
    {
        var hello = new List<byte>();
        Add16(hello, Tls12);
        hello.AddRange(RandomNumberGenerator.GetBytes(32));
        hello.Add(0);
        Add16(hello, (ushort)(CipherSuites.Length * 2));
        foreach (ushort suite in CipherSuites)
        {
            Add16(hello, suite);
        }

        hello.Add(1);
        hello.Add(0);

        var extensions = new List<byte>();
        byte[] name = Encoding.ASCII.GetBytes(serverName);
        Extension(extensions, 0x0000, [.. Be16(name.Length + 3), 0, .. Be16(name.Length), .. name]);
        Extension(extensions, 0x000a, [0, 6, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18]);
        Extension(extensions, 0x000b, [1, 0]);
        Extension(extensions, 0x000d, [.. Be16(SignatureAlgorithms.Length * 2), .. SignatureAlgorithms.SelectMany(a => Be16(a))]);
        Add16(hello, (ushort)extensions.Count);
        hello.AddRange(extensions);

        byte[] handshake = [1, (byte)(hello.Count >> 16), (byte)(hello.Count >> 8), (byte)hello.Count, .. hello];
        return [0x16, 0x03, 0x01, .. Be16(handshake.Length), .. handshake];
    }

    private static void Extension(List<byte> extensions, ushort type, byte[] data)
    {
        Add16(extensions, type);
        Add16(extensions, (ushort)data.Length);
        extensions.AddRange(data);
    }

    private static void Add16(List<byte> bytes, ushort value) => bytes.AddRange(Be16(value));

    private static byte[] Be16(int value) => [(byte)(value >> 8), (byte)value];

    private static async Task<bool> ReadExactlyAsync(Stream stream, byte[] buffer, CancellationToken cancellation)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, cancellation).ConfigureAwait(false);
            return true;
        }
        catch (EndOfStreamException)
        {
            return false;
        }
    }
}
