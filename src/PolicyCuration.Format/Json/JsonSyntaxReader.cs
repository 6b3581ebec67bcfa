using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using PolicyCuration.Format.Findings;

namespace PolicyCuration.Format.Json;

/// <summary>Reads strict RFC 8259 JSON into a <see cref="JsonSyntax"/> tree that keeps positions.</summary>
/// <remarks>
/// Stricter than most readers on purpose, because the input is a security list: a byte order mark,
/// invalid UTF-8, comments, trailing commas, duplicate keys, unpaired surrogates and NaN are refused, and
/// depth and the length of any one token are capped so that hostile input costs bounded time and memory.
/// The grammar is <see cref="Utf8JsonReader"/>'s; this reader adds the rest and the positions.
/// </remarks>
public static class JsonSyntaxReader
{
    /// <summary>Deepest nesting accepted; a policy list needs four levels.</summary>
    public const int MaxDepth = 32;

    /// <summary>Longest string or number token accepted, in bytes as written.</summary>
    public const int MaxTokenBytes = 64 * 1024;

    // Objects up to this many members find a duplicate by looking at each; larger ones keep an index of their names.
    private const int ScannedMembers = 8;

    [ThreadStatic]
    private static ContainerStack? t_spareStack;

    private static readonly JsonReaderOptions Strict = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,

        // One above ours, so that this reader, not Utf8JsonReader, reports nesting too deep.
        MaxDepth = MaxDepth + 1,
    };

    /// <summary>Parses <paramref name="source"/>; on failure returns the one finding that stopped it.</summary>
    /// <param name="source">The file.</param>
    /// <param name="deferFromDepth">
    /// Containers at this depth (the root is depth 0) are checked as strictly as the rest but kept only as
    /// <see cref="JsonDeferredSyntax"/>, to be built one at a time when needed: a large list then never holds
    /// an object for every JSON value at once, which would cost more in garbage collection than in reading.
    /// </param>
    public static JsonReadResult Read(SourceText source, int deferFromDepth = int.MaxValue)
    {
        var bytes = source.Bytes.Span;
        if (bytes.StartsWith("\uFEFF"u8))
        {
            return Fail(source, JsonFindingKinds.ByteOrderMark, 0,
                "the file starts with a UTF-8 byte order mark, which JSON (RFC 8259) does not allow; save it as UTF-8 without BOM");
        }

        if (!Utf8.IsValid(bytes))
        {
            long at = FirstInvalidUtf8(bytes);
            return Fail(source, JsonFindingKinds.InvalidUtf8, at,
                $"byte 0x{bytes[(int)at]:X2} at offset {at} is not valid UTF-8; the list must be UTF-8 text");
        }

        if (bytes.Trim(" \t\r\n"u8).IsEmpty)
        {
            return Fail(source, JsonFindingKinds.Syntax, 0, "the file is empty; a policy list is one JSON object");
        }

        var reader = new Utf8JsonReader(bytes, Strict);
        try
        {
            var read = ReadValue(ref reader, source, 0, deferFromDepth);

            // Anything after the one value is refused by the reader itself.
            return read.Failure is null && reader.Read() ? throw new InvalidOperationException("a second JSON value was read") : read;
        }
        catch (JsonException ex)
        {
            long at = source.OffsetOf(ex.LineNumber ?? 0, ex.BytePositionInLine ?? 0);
            return Fail(source, JsonFindingKinds.Syntax, at, $"{WithoutPosition(ex.Message)}; fix the JSON syntax");
        }
    }

    /// <summary>The container that starts at <paramref name="offset"/> of a source already read without failure, built whole.</summary>
    public static JsonSyntax ReadAt(SourceText source, long offset)
    {
        var reader = new Utf8JsonReader(source.Bytes.Span[(int)offset..], Strict);
        return ReadValue(ref reader, source, offset, int.MaxValue).Root
            ?? throw new InvalidOperationException($"{source.Path}: no valid JSON value at offset {offset}");
    }

    /// <summary>Reads one value and stops after it.</summary>
    private static JsonReadResult ReadValue(ref Utf8JsonReader reader, SourceText source, long baseOffset, int deferFromDepth)
    {
        // Building a large list's entries one at a time reads many small values: each thread keeps its stack.
        var open = t_spareStack ?? new ContainerStack();
        t_spareStack = null;
        try
        {
            return ReadValue(ref reader, source, baseOffset, deferFromDepth, open);
        }
        finally
        {
            open.Clear();
            t_spareStack = open;
        }
    }

    private static JsonReadResult ReadValue(ref Utf8JsonReader reader, SourceText source, long baseOffset, int deferFromDepth, ContainerStack open)
    {
        // Containers are built with an explicit stack rather than recursion, so that depth costs heap, not stack.
        while (reader.Read())
        {
            long start = baseOffset + reader.TokenStartIndex;
            bool kept = open.Count == 0 || open.Peek().Kept;
            JsonSyntax? value;
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    if (open.Count >= MaxDepth)
                    {
                        return Fail(source, JsonFindingKinds.TooDeep, start, $"nesting deeper than {MaxDepth} levels; a policy list needs four");
                    }

                    open.Push(reader.TokenType == JsonTokenType.StartObject, start, kept && open.Count < deferFromDepth);
                    continue;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    var done = open.Pop();
                    value = done.Kept ? done.Build()
                        : open.Count == 0 || open.Peek().Kept ? new JsonDeferredSyntax(done.IsObject ? JsonKind.Object : JsonKind.Array, done.Offset)
                        : null;
                    break;
                case JsonTokenType.PropertyName:
                    // A key of a container not kept is compared as written when it holds no escape: no string is made for it.
                    bool asWritten = !kept && !reader.ValueIsEscaped && reader.ValueSpan.Length <= MaxTokenBytes;
                    string? name = asWritten ? null : Text(ref reader);
                    if (!asWritten && name is null)
                    {
                        return TextFailure(ref reader, source, start);
                    }

                    if (open.Peek().AddName(source, name, start, reader.ValueSpan.Length) is { } first)
                    {
                        var firstAt = source.LocationOf(first);
                        return Fail(source, JsonFindingKinds.DuplicateKey, start,
                            $"key {MessageText.Quote(name ?? reader.GetString()!)} appears twice in the same object (first at line {firstAt.Line}, column {firstAt.Column}); keep one");
                    }

                    continue;
                case JsonTokenType.String:
                    // Unescaped text needs no check beyond the UTF-8 one, so a deferred string is only measured.
                    string? text = kept || reader.ValueIsEscaped || reader.ValueSpan.Length > MaxTokenBytes ? Text(ref reader) : string.Empty;
                    if (text is null)
                    {
                        return TextFailure(ref reader, source, start);
                    }

                    value = kept ? new JsonScalarSyntax(JsonKind.String, start, text) : null;
                    break;
                case JsonTokenType.Number:
                    if (reader.ValueSpan.Length > MaxTokenBytes)
                    {
                        return TextFailure(ref reader, source, start);
                    }

                    value = kept ? new JsonScalarSyntax(JsonKind.Number, start, Encoding.ASCII.GetString(reader.ValueSpan)) : null;
                    break;
                case JsonTokenType.True or JsonTokenType.False:
                    value = kept ? new JsonScalarSyntax(JsonKind.Boolean, start, reader.GetBoolean() ? "true" : "false") : null;
                    break;
                default:
                    value = kept ? new JsonScalarSyntax(JsonKind.Null, start, "null") : null;
                    break;
            }

            if (open.Count == 0)
            {
                return new JsonReadResult(value, null);
            }

            if (value is not null)
            {
                open.Peek().Add(value);
            }
        }

        throw new InvalidOperationException("Utf8JsonReader ended inside a value");
    }

    /// <summary>The unescaped text of a string or key, or null when it is too long or holds an unpaired surrogate.</summary>
    private static string? Text(ref Utf8JsonReader reader)
    {
        if (reader.ValueSpan.Length > MaxTokenBytes)
        {
            return null;
        }

        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            // Utf8JsonReader checks surrogate pairs only when it unescapes.
            return null;
        }
    }

    private static JsonReadResult TextFailure(ref Utf8JsonReader reader, SourceText source, long start) =>
        reader.ValueSpan.Length > MaxTokenBytes
            ? Fail(source, JsonFindingKinds.TokenTooLong, start,
                $"a {(reader.TokenType == JsonTokenType.Number ? "number" : "string")} of {reader.ValueSpan.Length} bytes is longer than the {MaxTokenBytes}-byte limit; nothing in a policy list needs that")
            : Fail(source, JsonFindingKinds.Syntax, start + 1 + UnpairedSurrogate(reader.ValueSpan),
                "a \\u escape of half a surrogate pair, which is not a character; fix the JSON syntax");

    /// <summary>Where the first \u escape of an unpaired surrogate starts in a string as written, or 0.</summary>
    private static int UnpairedSurrogate(ReadOnlySpan<byte> raw)
    {
        for (int i = 0; i + 5 < raw.Length; i++)
        {
            if (raw[i] != '\\')
            {
                continue;
            }

            if (raw[i + 1] != 'u')
            {
                i++;
                continue;
            }

            int unit = Convert.ToInt32(Encoding.ASCII.GetString(raw.Slice(i + 2, 4)), 16);
            bool high = unit is >= 0xD800 and <= 0xDBFF;
            bool paired = high && i + 11 < raw.Length && raw[i + 6] == '\\' && raw[i + 7] == 'u'
                && Convert.ToInt32(Encoding.ASCII.GetString(raw.Slice(i + 8, 4)), 16) is >= 0xDC00 and <= 0xDFFF;
            if ((high && !paired) || unit is >= 0xDC00 and <= 0xDFFF)
            {
                return i;
            }

            i += paired ? 11 : 5;
        }

        return 0;
    }

    private static JsonReadResult Fail(SourceText source, FindingKind kind, long offset, string message) =>
        new(null, kind.At("json", message, source.LocationOf(offset)));

    // System.Text.Json ends its messages with its own 0-based position; the finding carries the 1-based one.
    private static string WithoutPosition(string message)
    {
        int at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (at < 0 ? message : message[..at]).TrimEnd('.', ' ');
    }

    private static long FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        long offset = 0;
        while (!bytes.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(bytes, out _, out int consumed) != System.Buffers.OperationStatus.Done)
            {
                return offset;
            }

            bytes = bytes[consumed..];
            offset += consumed;
        }

        return offset;
    }

    /// <summary>The containers open, innermost last, each level's container kept for reuse.</summary>
    private sealed class ContainerStack
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
    private sealed class Container
    {
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
}

/// <summary>The tree, or the finding that stopped the reader.</summary>
public sealed record JsonReadResult(JsonSyntax? Root, Finding? Failure);
