using System.Text;

namespace PolicyCuration.Format.Json;

/// <summary>The containers open, innermost last.</summary>
internal sealed class ContainerStack
{
    private readonly List<Container> _levels = [];

    public int Count => _levels.Count;

    public void Push(bool isObject, long offset, bool kept) => _levels.Add(new Container(isObject, offset, kept));

    public Container Peek() => _levels[^1];

    public Container Pop()
    {
        var top = _levels[^1];
        _levels.RemoveAt(_levels.Count - 1);
        return top;
    }
}

/// <summary>An object or array being read; one not kept only has its keys checked.</summary>
internal sealed class Container
{
    // Objects up to this many members find a duplicate by looking at each; larger ones keep an index of their keys.
    private const int ScannedMembers = 8;

    // The keys met so far: where each starts (its opening quote), its length as written, and its text once made.
    private readonly List<(long Offset, int Length, string? Text)> _keys = [];
    private readonly List<JsonPropertySyntax>? _properties;
    private readonly List<JsonSyntax>? _items;
    private (long Offset, int Length, string? Text) _last;
    private Dictionary<string, long>? _index;

    public Container(bool isObject, long offset, bool kept)
    {
        (IsObject, Offset, Kept) = (isObject, offset, kept);

        // The lists of a kept container go to the tree it builds.
        _properties = kept && isObject ? [] : null;
        _items = kept && !isObject ? [] : null;
    }

    public bool IsObject { get; }

    public long Offset { get; }

    /// <summary>Whether the container's values are kept (built), rather than only checked.</summary>
    public bool Kept { get; }

    /// <summary>Notes a key (its text, or null to compare it as written); the offset of the same key met earlier, or null.</summary>
    public long? AddName(SourceText source, string? name, long offset, int length)
    {
        _last = (offset, length, name);
        if (_index is null && _keys.Count >= ScannedMembers)
        {
            _index = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var key in _keys)
            {
                _index[key.Text ?? Unescaped(source, key.Offset, key.Length)] = key.Offset;
            }
        }

        if (_index is not null)
        {
            string text = name ?? Unescaped(source, offset, length);
            return _index.TryAdd(text, offset) ? null : _index[text];
        }
        else
        {
            var bytes = source.Bytes.Span;
            foreach (var key in _keys)
            {
                bool same = name is null && key.Text is null
                    ? bytes.Slice((int)offset + 1, length).SequenceEqual(bytes.Slice((int)key.Offset + 1, key.Length))
                    : (name ?? Unescaped(source, offset, length)) == (key.Text ?? Unescaped(source, key.Offset, key.Length));
                if (same)
                {
                    return key.Offset;
                }
            }
        }

        _keys.Add((offset, length, name));
        return null;
    }

    public void Add(JsonSyntax value)
    {
        if (_properties is not null)
        {
            var key = _last;
            _properties.Add(new JsonPropertySyntax(key.Text!, key.Offset, value));
        }
        else
        {
            _items!.Add(value);
        }
    }

    public JsonSyntax Build() => IsObject
        ? new JsonObjectSyntax(Offset, _properties!)
        : new JsonArraySyntax(Offset, _items!);

    // Only keys without escapes are kept as written, so their bytes are their text.
    private static string Unescaped(SourceText source, long offset, int length) =>
        Encoding.UTF8.GetString(source.Bytes.Span.Slice((int)offset + 1, length));
}
