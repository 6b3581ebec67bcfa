using System.Text;

namespace PolicyCuration.Format.Json;

/// <summary>The containers open, innermost last, each level's container kept for reuse.</summary>
internal sealed class ContainerStack
{
    private readonly List<Container> _levels = [];

    public int Count { get; private set; }

    public void Push(bool isObject, long offset, bool kept)
    {
        if (Count == _levels.Count)
        {
            _levels.Add(new Container());
        }

        _levels[Count++].Start(isObject, offset, kept);
    }

    public Container Peek() => _levels[Count - 1];

    public Container Pop() => _levels[--Count];

    public void Clear()
    {
        // A large map's keys are not held on to once it is read.
        _levels.RemoveAll(level => level.KeyCapacity > 1024);
        foreach (var level in _levels)
        {
            level.Start(false, 0, false);
        }

        Count = 0;
    }
}

/// <summary>An object or array being read; one not kept only has its keys checked.</summary>
internal sealed class Container
{
    // Objects up to this many members find a duplicate by looking at each; larger ones keep an index of their keys.
    private const int ScannedMembers = 8;

    // The keys met so far: where each starts (its opening quote), its length as written, and its text once made.
    private readonly List<(long Offset, int Length, string? Text)> _keys = [];
    private List<JsonPropertySyntax>? _properties;
    private List<JsonSyntax>? _items;
    private Dictionary<string, long>? _index;
    private bool _ascending;

    public bool IsObject { get; private set; }

    public long Offset { get; private set; }

    /// <summary>Whether the container's values are kept (built), rather than only checked.</summary>
    public bool Kept { get; private set; }

    public int KeyCapacity => _keys.Capacity;

    public void Start(bool isObject, long offset, bool kept)
    {
        (IsObject, Offset, Kept) = (isObject, offset, kept);
        _keys.Clear();
        _index = null;
        _ascending = true;

        // The lists of a kept container go to the tree it builds, so each gets its own.
        _properties = kept && isObject ? [] : null;
        _items = kept && !isObject ? [] : null;
    }

    /// <summary>Notes a key (its text, or null to compare it as written); the offset of the same key met earlier, or null.</summary>
    public long? AddName(SourceText source, string? name, long offset, int length)
    {
        // Keys in strictly ascending order cannot repeat, and a canonical list's maps are sorted:
        // their keys need no index until one is out of order.
        _ascending &= name is not null && (_keys.Count == 0 || string.CompareOrdinal(_keys[^1].Text, name) < 0);
        if (_ascending)
        {
            _keys.Add((offset, length, name));
            return null;
        }

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
            if (!_index.TryAdd(text, offset))
            {
                return _index[text];
            }

            name = text;
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
            var key = _keys[^1];
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
