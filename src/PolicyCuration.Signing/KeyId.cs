using System.Buffers.Binary;
using System.Globalization;

namespace PolicyCuration.Signing;

/// <summary>minisign's 8-byte key id, shown as 16 upper-case hex digits of its little-endian value.</summary>
/// <param name="Value">The id as minisign reads it: the 8 bytes, little-endian.</param>
public readonly record struct KeyId(ulong Value)
{
    /// <summary>The id read from its 8 bytes.</summary>
    public static KeyId From(ReadOnlySpan<byte> bytes) => new(BinaryPrimitives.ReadUInt64LittleEndian(bytes));

    /// <summary>The 8 bytes of the id.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, Value);
        return bytes;
    }

    /// <summary>16 upper-case hex digits, as minisign prints it.</summary>
    public override string ToString() => Value.ToString("X16", CultureInfo.InvariantCulture);
}
