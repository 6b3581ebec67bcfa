using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using PolicyCuration.Format.Findings;

namespace PolicyCuration.Format.Json;

/// <summary>Reads strict RFC 8259 JSON into a <see cref="JsonSyntax"/> tree that keeps positions.</summary>
/// <remarks>
/// Stricter than most readers on purpose, because the input is a security list: a byte order mark,
/// invalid UTF-8, comments, trailing commas, duplicate keys and NaN are refused, and depth and the
/// length of any one token are capped so that hostile input costs bounded time and memory.
/// </remarks>
public static class JsonSyntaxReader
{
    /// <summary>Deepest nesting accepted; a policy list needs four levels.</summary>
    public const int MaxDepth = 32;

    /// <summary>Longest string or number token accepted, in bytes.</summary>
    public const int MaxTokenBytes = 64 * 1024;

    /// <summary>Parses <paramref name="source"/>; on failure returns the one finding that stopped it.</summary>
    /// <param name="source">The file.</param>
    /// <param name="deferFromDepth">
    /// Containers at this depth (the root is depth 0) are checked as strictly as the rest but kept only as
    /// <see cref="JsonDeferredSyntax"/>, to be built one at a time when needed: a large list then never holds
    /// an object for every JSON value at once.
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

        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions
        {
            AllowTrailingCommas = false,
            CommentHandling = JsonCommentHandling.Disallow,
            MaxDepth = MaxDepth + 2,
        });
        try
        {
            if (!reader.Read())
            {
                return Fail(source, JsonFindingKinds.Syntax, 0, "the file is empty; a policy list is one JSON object");
            }

            var root = ReadValue(ref reader, source, 0, deferFromDepth);
            return root.Failure is null && reader.Read()
                ? Fail(source, JsonFindingKinds.Syntax, reader.TokenStartIndex, "unexpected content after the end of the JSON value")
                : root;
        }
        catch (InvalidOperationException)
        {
            // Utf8JsonReader validates escapes only when a string is decoded: a lone \uD800 surfaces here.
            return Fail(source, JsonFindingKinds.Syntax, reader.TokenStartIndex,
                "a \\u escape in this string is an unpaired UTF-16 surrogate, which is not text; fix the escape");
        }
        catch (JsonException ex)
        {
            var location = ex.LineNumber is long line && ex.BytePositionInLine is long column
                ? source.LocationOfLineByte(line, column)
                : source.LocationOf(0);
            return new JsonReadResult(null, JsonFindingKinds.Syntax.At("json", $"{Describe(ex)}; fix the JSON syntax", location));
        }
    }

    /// <summary>The value that starts at <paramref name="offset"/> of a source already read without failure, built whole.</summary>
    public static JsonSyntax ReadAt(SourceText source, long offset)
    {
        var reader = new Utf8JsonReader(source.Bytes.Span[(int)offset..], new JsonReaderOptions { MaxDepth = MaxDepth + 2 });
        reader.Read();
        return ReadValue(ref reader, source, offset, int.MaxValue).Root
            ?? throw new InvalidOperationException($"{source.Path}: no valid JSON value at offset {offset}");
    }

    private static JsonReadResult ReadValue(ref Utf8JsonReader reader, SourceText source, long baseOffset, int deferFromDepth)
    {
        // Containers are built with explicit stacks rather than recursion so that depth costs heap, not stack.
        var state = ReaderState.Current;
        var containers = state.Containers;
        var names = state.Names;
        containers.Clear();
        JsonSyntax? completed = null;
        while (true)
        {
            long start = baseOffset + reader.TokenStartIndex;
            bool deferred = containers.Count > 0 && containers.Peek().Deferred;
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    if (containers.Count >= MaxDepth)
                    {
                        return Fail(source, JsonFindingKinds.TooDeep, start,
                            $"nesting deeper than {MaxDepth} levels; a policy list needs four");
                    }

                    containers.Push(state.Rent(reader.TokenType == JsonTokenType.StartObject, start, deferred || containers.Count == deferFromDepth));
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    var done = containers.Pop();
                    completed = done switch
                    {
                        { Deferred: false, IsObject: true } => new JsonObjectSyntax(done.Offset, [.. done.Properties]),
                        { Deferred: false } => new JsonArraySyntax(done.Offset, [.. done.Items]),
                        _ when containers.Count == deferFromDepth => new JsonDeferredSyntax(done.IsObject ? JsonKind.Object : JsonKind.Array, done.Offset),
                        _ => JsonDeferredSyntax.Inner,
                    };
                    state.Return(done);
                    break;
                case JsonTokenType.PropertyName:
                    if (TokenTooLong(ref reader))
                    {
                        return Fail(source, JsonFindingKinds.TokenTooLong, start, TooLongMessage("key", ref reader));
                    }

                    var frame = containers.Peek();
                    // Keys inside deferred values repeat ("mode", "mxs"): share them. Other keys, such as the
                    // domains of a large map, are mostly distinct and would only fill the table.
                    string name = deferred ? names.Get(ref reader) : reader.GetString()!;
                    if (!frame.AddName(name, start, out long firstOffset))
                    {
                        var first = source.LocationOf(firstOffset);
                        return Fail(source, JsonFindingKinds.DuplicateKey, start,
                            $"key {MessageText.Quote(name)} appears twice in the same object (first at line {first.Line}, column {first.Column}); keep one");
                    }

                    break;
                case JsonTokenType.String:
                    if (TokenTooLong(ref reader))
                    {
                        return Fail(source, JsonFindingKinds.TokenTooLong, start, TooLongMessage("string", ref reader));
                    }

                    if (deferred)
                    {
                        // Decoding is what catches an unpaired surrogate escape; only escaped strings can hold one.
                        _ = reader.ValueIsEscaped ? reader.GetString() : null;
                        completed = JsonDeferredSyntax.Inner;
                    }
                    else
                    {
                        completed = new JsonScalarSyntax(JsonKind.String, start, names.Get(ref reader));
                    }

                    break;
                case JsonTokenType.Number:
                    if (TokenTooLong(ref reader))
                    {
                        return Fail(source, JsonFindingKinds.TokenTooLong, start, TooLongMessage("number", ref reader));
                    }

                    completed = deferred ? JsonDeferredSyntax.Inner : new JsonScalarSyntax(JsonKind.Number, start, Encoding.ASCII.GetString(reader.ValueSpan));
                    break;
                case JsonTokenType.True:
                    completed = deferred ? JsonDeferredSyntax.Inner : new JsonScalarSyntax(JsonKind.Boolean, start, "true");
                    break;
                case JsonTokenType.False:
                    completed = deferred ? JsonDeferredSyntax.Inner : new JsonScalarSyntax(JsonKind.Boolean, start, "false");
                    break;
                case JsonTokenType.Null:
                    completed = deferred ? JsonDeferredSyntax.Inner : new JsonScalarSyntax(JsonKind.Null, start, "null");
                    break;
                default:
                    return Fail(source, JsonFindingKinds.Syntax, start, $"unexpected {reader.TokenType}");
            }

            if (completed is not null)
            {
                if (containers.Count == 0)
                {
                    return new JsonReadResult(completed, null);
                }

                containers.Peek().Add(completed);
                completed = null;
            }

            if (!reader.Read())
            {
                return Fail(source, JsonFindingKinds.Syntax, reader.BytesConsumed,
                    "the file ends before the JSON value does (truncated?)");
            }
        }
    }

    private static bool TokenTooLong(ref Utf8JsonReader reader) =>
        (reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length) > MaxTokenBytes;

    private static string TooLongMessage(string what, ref Utf8JsonReader reader) =>
        $"a {what} of {reader.ValueSpan.Length} bytes is longer than the {MaxTokenBytes}-byte limit; nothing in a policy list needs that";

    private static JsonReadResult Fail(SourceText source, FindingKind kind, long offset, string message) =>
        new(null, kind.At("json", message, source.LocationOf(offset)));

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

    private static string Describe(JsonException ex)
    {
        // The runtime appends its own 0-based position; ours is reported separately, 1-based.
        string message = ex.Message;
        int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.', ' ');
    }

    /// <summary>A container being read; frames are reused, so that checking a large list allocates little.</summary>
    private sealed class Frame
    {
        private readonly List<JsonPropertySyntax> _properties = [];
        private readonly List<JsonSyntax> _items = [];
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
        private string? _pendingName;
        private long _pendingOffset;

        /// <summary>Whether this container is only checked, not built.</summary>
        public bool Deferred { get; private set; }

        public bool IsObject { get; private set; }

        public long Offset { get; private set; }

        public List<JsonPropertySyntax> Properties => _properties;

        public List<JsonSyntax> Items => _items;

        public Frame Reset(bool isObject, long offset, bool deferred)
        {
            IsObject = isObject;
            Offset = offset;
            Deferred = deferred;
            _properties.Clear();
            _items.Clear();
            _seen.Clear();
            return this;
        }

        public bool AddName(string name, long nameOffset, out long firstOffset)
        {
            firstOffset = 0;
            if (_properties.Count < 8)
            {
                foreach (var property in _properties)
                {
                    if (property.Name == name)
                    {
                        firstOffset = property.NameOffset;
                        return false;
                    }
                }
            }
            else
            {
                if (_seen.Count == 0)
                {
                    foreach (var property in _properties)
                    {
                        _seen.Add(property.Name);
                    }
                }

                if (!_seen.Add(name))
                {
                    firstOffset = _properties.First(p => p.Name == name).NameOffset;
                    return false;
                }
            }

            _pendingName = name;
            _pendingOffset = nameOffset;
            return true;
        }

        public void Add(JsonSyntax value)
        {
            if (IsObject)
            {
                _properties.Add(new JsonPropertySyntax(_pendingName!, _pendingOffset, value));
            }
            else
            {
                _items.Add(value);
            }
        }
    }

    /// <summary>What one reader keeps between values: its stack, spare frames and shared short strings.</summary>
    private sealed class ReaderState
    {
        [ThreadStatic]
        private static ReaderState? t_current;

        public Stack<Frame> Containers { get; } = new();

        public Stack<Frame> Spare { get; } = new();

        public ShortStrings Names { get; } = new();

        /// <summary>This thread's state, for building one deferred value after another.</summary>
        public static ReaderState Current => t_current ??= new ReaderState();

        public Frame Rent(bool isObject, long offset, bool deferred) =>
            (Spare.Count > 0 ? Spare.Pop() : new Frame()).Reset(isObject, offset, deferred);

        public void Return(Frame frame)
        {
            // A frame that held a huge object keeps its capacity; keep only ordinary ones.
            if (frame.Properties.Count <= 64 && frame.Items.Count <= 64)
            {
                Spare.Push(frame);
            }
        }
    }
}

/// <summary>One string object per distinct short string: a list repeats "mode", "mxs" and "testing" thousands of times.</summary>
internal sealed class ShortStrings
{
    private const int MaxInterned = 16;

    // Hostile input could fill the table with distinct short strings; past this size it starts again.
    private const int MaxEntries = 1 << 16;
    private readonly Dictionary<string, string> _seen = new(StringComparer.Ordinal);

    /// <summary>The current string or property name token as a string, shared when short.</summary>
    public string Get(ref Utf8JsonReader reader)
    {
        if (reader.HasValueSequence || reader.ValueIsEscaped || reader.ValueSpan.Length > MaxInterned)
        {
            return reader.GetString()!;
        }

        Span<char> chars = stackalloc char[MaxInterned];
        int length = Encoding.UTF8.GetChars(reader.ValueSpan, chars);
        var lookup = _seen.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(chars[..length], out string? shared))
        {
            if (_seen.Count >= MaxEntries)
            {
                _seen.Clear();
            }

            shared = new string(chars[..length]);
            _seen.Add(shared, shared);
        }

        return shared;
    }
}

/// <summary>The outcome of reading JSON: the root value, or the finding that stopped the reader.</summary>
public sealed record JsonReadResult(JsonSyntax? Root, Finding? Failure);
