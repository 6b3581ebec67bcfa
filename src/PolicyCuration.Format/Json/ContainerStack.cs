using System.Text;
using System.Text.Json;

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

    // The keys met so far, once they are out of order: where each starts (its opening quote), its length as written,
    // and its text once made. While they are in order only the last is kept (a large sorted map then costs no list).
    private readonly List<(long Offset, int Length, string? Text)> _keys = [];
    private (long Offset, int Length, string? Text) _last;
    private bool _anyKey;
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
        _anyKey = false;
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
        bool wasAscending = _ascending;
        _ascending &= !_anyKey || Precedes(source, _last, name, offset, length);
        (_last, _anyKey) = ((offset, length, name), true);
        if (_ascending)
        {
            return null;
        }

        if (wasAscending)
        {
            Recall(source, offset);
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

    // The keys before the one at <paramref name="upTo"/>, read again from the source, made into text as they were met.
    private void Recall(SourceText source, long upTo)
    {
        var reader = new Utf8JsonReader(source.Bytes.Span[(int)Offset..], new JsonReaderOptions { MaxDepth = JsonSyntaxReader.MaxDepth + 1 });
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName && Offset + reader.TokenStartIndex < upTo)
        {
            _keys.Add((Offset + reader.TokenStartIndex, reader.ValueSpan.Length, Kept || reader.ValueIsEscaped ? reader.GetString() : null));
            reader.Read();
            reader.Skip();
        }
    }

    // Any one order serves, as long as all keys are compared in it: ordinal text when every key has its text made,
    // the bytes as written when none has (a large map not kept), which are their UTF-8 since they hold no escape.
    private static bool Precedes(SourceText source, (long Offset, int Length, string? Text) last, string? name, long offset, int length) =>
        (last.Text, name) switch
        {
            (not null, not null) => string.CompareOrdinal(last.Text, name) < 0,
            (null, null) => source.Bytes.Span.Slice((int)last.Offset + 1, last.Length)
                .SequenceCompareTo(source.Bytes.Span.Slice((int)offset + 1, length)) < 0,
            _ => false,
        };

    // Only keys without escapes are kept as written, so their bytes are their text.
    private static string Unescaped(SourceText source, long offset, int length) =>
        Encoding.UTF8.GetString(source.Bytes.Span.Slice((int)offset + 1, length));
}
