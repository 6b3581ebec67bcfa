using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PolicyCuration.Audit;

/// <summary>
/// Shard <see cref="Index"/> of <see cref="Count"/>: the domains whose hash falls in it. The hash is of the domain name
/// alone, so adding or removing a domain never moves another between shards.
/// </summary>
/// <param name="Index">From 1 to <paramref name="Count"/>.</param>
/// <param name="Count">How many shards there are.</param>
public readonly record struct AuditShard(int Index, int Count)
{
    /// <summary>The whole list as one shard.</summary>
    public static AuditShard All { get; } = new(1, 1);

    /// <summary>Parses <c>K/N</c>.</summary>
    /// <exception cref="ArgumentException">Not K/N with 1 ≤ K ≤ N ≤ 256.</exception>
    public static AuditShard Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            && count is >= 1 and <= 256 && index >= 1 && index <= count)
        {
            return new AuditShard(index, count);
        }

        throw new ArgumentException($"--shard {text}: give K/N with 1 <= K <= N <= 256");
    }

    /// <summary>The shard, from 1 to <paramref name="count"/>, that <paramref name="domain"/> belongs to.</summary>
    public static int Of(string domain, int count)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(domain.ToLowerInvariant()), hash);
        return (int)(BinaryPrimitives.ReadUInt64LittleEndian(hash) % (ulong)count) + 1;
    }

    /// <summary>Whether <paramref name="domain"/> is in this shard.</summary>
    public bool Contains(string domain) => Of(domain, Count) == Index;

    /// <inheritdoc/>
    public override string ToString() => $"{Index}/{Count}";
}
