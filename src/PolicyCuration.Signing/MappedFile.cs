using System.Buffers;
using System.IO.MemoryMappedFiles;

namespace PolicyCuration.Signing;

/// <summary>A file mapped read-only into memory, seen as <see cref="Memory{T}"/>; unmapped once no memory over it is left.</summary>
/// <remarks>
/// Reading a large list this way costs no copy and no fresh pages: its pages are the file cache's, shared by the
/// threads that hash and parse it at once.
/// </remarks>
internal sealed unsafe class MappedFile : MemoryManager<byte>
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _start;
    private readonly int _length;

    private MappedFile(MemoryMappedFile file, MemoryMappedViewAccessor view, int length)
    {
        _file = file;
        _view = view;
        _length = length;
        // Not AcquirePointer: this object holds the view, so the mapping lives as long as any Memory over it, and is
        // unmapped by the handles' finalizers once none is left.
        _start = (byte*)view.SafeMemoryMappedViewHandle.DangerousGetHandle() + view.PointerOffset;
    }

    /// <summary>The first <paramref name="length"/> bytes of the file at <paramref name="path"/>.</summary>
    public static ReadOnlyMemory<byte> Open(string path, long length)
    {
        if (length == 0)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, int.MaxValue);
        var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        try
        {
            var view = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            return new MappedFile(file, view, (int)length).Memory;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public override Span<byte> GetSpan() => new(_start, _length);

    /// <inheritdoc/>
    public override MemoryHandle Pin(int elementIndex = 0) => new(_start + elementIndex);

    /// <inheritdoc/>
    public override void Unpin()
    {
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        _view.Dispose();
        _file.Dispose();
    }
}
