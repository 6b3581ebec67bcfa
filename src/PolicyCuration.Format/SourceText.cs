using System.Text;
using PolicyCuration.Format.Findings;

namespace PolicyCuration.Format;

/// <summary>The bytes of a file with its name, able to turn a byte offset into a line and column.</summary>
public sealed class SourceText
{
    private readonly ReadOnlyMemory<byte> _bytes;
    private int[]? _lineStarts;

    // The last column computed, so that positions asked for in file order on one very long line cost
    // linear time in total rather than quadratic (a minified list is a single line).
    private ColumnMark? _lastColumn;

    /// <summary>Wraps <paramref name="bytes"/>, read from <paramref name="path"/> (used only in messages).</summary>
    public SourceText(string path, byte[] bytes)
        : this(path, bytes.AsMemory())
    {
    }

    /// <summary>Wraps <paramref name="bytes"/> without copying them (a mapped file, a verified release's list).</summary>
    public SourceText(string path, ReadOnlyMemory<byte> bytes)
    {
        Path = path;
        _bytes = bytes;
    }

    /// <summary>The name the file is reported under.</summary>
    public string Path { get; }

    /// <summary>The raw content.</summary>
    public ReadOnlyMemory<byte> Bytes => _bytes;

    /// <summary>Reads a file whole, refusing one larger than <paramref name="maxBytes"/> before reading it.</summary>
    /// <exception cref="InputTooLargeException">The file is larger than the cap.</exception>
    public static SourceText FromFile(string path, long maxBytes, string? displayPath = null)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        if (stream.Length > maxBytes)
        {
            throw new InputTooLargeException(displayPath ?? path, stream.Length, maxBytes);
        }

        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return new SourceText(displayPath ?? path, bytes);
    }

    /// <summary>The 1-based line and column of a byte offset; the column counts Unicode scalar values.</summary>
    public SourceLocation LocationOf(long offset)
    {
        int clamped = (int)Math.Clamp(offset, 0, _bytes.Length);
        int[] starts = _lineStarts ??= IndexLines(_bytes);
        int line = Array.BinarySearch(starts, clamped);
        if (line < 0)
        {
            line = ~line - 1;
        }

        int lineStart = starts[line];
        var mark = _lastColumn;
        int column = mark is not null && mark.LineStart == lineStart && mark.Offset <= clamped
            ? ColumnOf(mark.Offset, clamped, mark.Column)
            : ColumnOf(lineStart, clamped, 1);
        _lastColumn = new ColumnMark(lineStart, clamped, column);
        return new SourceLocation(Path, line + 1, column);
    }

    /// <summary>The byte offset of a 0-based line and a 0-based byte position in it, clamped to the file.</summary>
    public long OffsetOf(long line, long byteInLine)
    {
        int[] starts = _lineStarts ??= IndexLines(_bytes);
        long lineStart = starts[(int)Math.Clamp(line, 0, starts.Length - 1)];
        return Math.Clamp(lineStart + byteInLine, 0, _bytes.Length);
    }

    private int ColumnOf(int from, int offset, int column)
    {
        // Invalid UTF-8 counts one column per byte, so a position is always reportable.
        var span = _bytes.Span.Slice(from, offset - from);
        if (System.Text.Ascii.IsValid(span))
        {
            return column + span.Length;
        }

        while (!span.IsEmpty)
        {
            Rune.DecodeFromUtf8(span, out _, out int consumed);
            span = span[Math.Max(consumed, 1)..];
            column++;
        }

        return column;
    }

    // Counted first and filled once: a large list has a million lines, and a growing list would copy them about twice over.
    private static int[] IndexLines(ReadOnlyMemory<byte> memory)
    {
        var bytes = memory.Span;
        var starts = new int[bytes.Count((byte)'\n') + 1];
        int at = 0;
        for (int line = 1; line < starts.Length; line++)
        {
            at += bytes[at..].IndexOf((byte)'\n') + 1;
            starts[line] = at;
        }

        return starts;
    }

    private sealed record ColumnMark(int LineStart, int Offset, int Column);
}

/// <summary>A file refused before reading because it is larger than the configured cap.</summary>
public sealed class InputTooLargeException(string path, long size, long cap)
    : IOException($"{path}: {size} bytes is more than the {cap}-byte limit")
{
    /// <summary>The file's size in bytes.</summary>
    public long Size { get; } = size;

    /// <summary>The cap it exceeded.</summary>
    public long Cap { get; } = cap;
}
