using System.Text;
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

        if (deferFromDepth < MaxDepth && ReadSkipping(source, deferFromDepth) is { } quick)
        {
            return quick;
        }

        var scanner = new JsonScanner(bytes, MaxDepth, MaxTokenBytes);
        if (!scanner.Read())
        {
            return Fail(source, ref scanner);
        }

        var root = ReadValue(ref scanner, source, 0, deferFromDepth, skipped: null);
        if (root.Failure is not null)
        {
            return root;
        }

        return scanner.Read() || scanner.Error != JsonScanError.None ? Fail(source, ref scanner) : root;
    }

    /// <summary>The tree of a file that reads without failure, or null when it fails or may: the exact reader then says how.</summary>
    /// <remarks>
    /// The exact reader checks each deferred container's keys as it goes, which keeps the whole file on one core.
    /// Here the containers are only scanned on the way (which checks all but their keys), and their keys are
    /// checked on other cores while the scan goes on. A failure found either way is left to the exact reader, so
    /// that the finding is the same one, at the first failing position in the file.
    /// </remarks>
    private static JsonReadResult? ReadSkipping(SourceText source, int deferFromDepth)
    {
        var scanner = new JsonScanner(source.Bytes.Span, MaxDepth, MaxTokenBytes);
        var skipped = new SkippedContainers(source);
        var tail = deferFromDepth == 2 ? MapTail.Start(source) : null;
        var root = scanner.Read() ? ReadValue(ref scanner, source, 0, deferFromDepth, skipped, tail) : null;
        bool read = root is { Failure: null } && !scanner.Read() && scanner.Error == JsonScanError.None;

        // Ended even after a failure, so that nothing goes on reading beside the exact reader or the caller.
        tail?.Abandon();
        bool distinct = skipped.KeysAreDistinct();
        return read && distinct ? root : null;
    }

    /// <summary>The value that starts at <paramref name="offset"/> of a source already read without failure, built whole.</summary>
    public static JsonSyntax ReadAt(SourceText source, long offset)
    {
        var scanner = new JsonScanner(source.Bytes.Span[(int)offset..], MaxDepth, MaxTokenBytes);
        scanner.Read();
        return ReadValue(ref scanner, source, offset, int.MaxValue, skipped: null).Root
            ?? throw new InvalidOperationException($"{source.Path}: no valid JSON value at offset {offset}");
    }

    // With skipped, containers at deferFromDepth are scanned past and noted there for their keys to be checked
    // elsewhere; without, their keys are checked here.
    // With a tail, the members of a large map from a point on are read on another core while this reader reads up to
    // that point; they are joined in when this reader gets there inside the same map.
    private static JsonReadResult ReadValue(ref JsonScanner scanner, SourceText source, long baseOffset, int deferFromDepth, SkippedContainers? skipped, MapTail? tail = null)
    {
        // Containers are built with explicit stacks rather than recursion so that depth costs heap, not stack.
        var state = ReaderState.Current;
        var containers = state.Containers;
        var names = state.Names;
        containers.Clear();
        JsonSyntax? completed = null;
        while (true)
        {
            long start = baseOffset + scanner.TokenStart;
            bool deferred = containers.Count > 0 && containers.Peek().Deferred;
            switch (scanner.Token)
            {
                case JsonToken.StartObject or JsonToken.StartArray when skipped is not null && containers.Count == deferFromDepth:
                    var kind = scanner.Token == JsonToken.StartObject ? JsonKind.Object : JsonKind.Array;
                    if (!scanner.Skip())
                    {
                        return Fail(source, ref scanner, baseOffset);
                    }

                    skipped.Add(start);
                    completed = new JsonDeferredSyntax(kind, start);
                    break;
                case JsonToken.StartObject:
                case JsonToken.StartArray:
                    containers.Push(state.Rent(scanner.Token == JsonToken.StartObject, start, deferred || containers.Count == deferFromDepth));
                    break;
                case JsonToken.EndObject:
                case JsonToken.EndArray:
                    var done = containers.Pop();
                    completed = done switch
                    {
                        { Deferred: false, IsObject: true } => new JsonObjectSyntax(done.Offset, done.TakeProperties()),
                        { Deferred: false } => new JsonArraySyntax(done.Offset, [.. done.Items]),
                        _ when containers.Count == deferFromDepth => new JsonDeferredSyntax(done.IsObject ? JsonKind.Object : JsonKind.Array, done.Offset),
                        _ => JsonDeferredSyntax.Inner,
                    };
                    state.Return(done);
                    break;
                case JsonToken.PropertyName:
                    var frame = containers.Peek();

                    // Keys inside deferred values repeat ("mode", "mxs"): share them. Other keys, such as the
                    // domains of a large map, are mostly distinct and would only fill the table.
                    string name = deferred ? names.Get(scanner.Value, scanner.ValueIsEscaped) : scanner.GetString();
                    if (!frame.AddName(name, start, out long firstOffset))
                    {
                        var first = source.LocationOf(firstOffset);
                        return Fail(source, JsonFindingKinds.DuplicateKey, start,
                            $"key {MessageText.Quote(name)} appears twice in the same object (first at line {first.Line}, column {first.Column}); keep one");
                    }

                    break;
                case JsonToken.String:
                    // The scanner has checked every escape, unpaired surrogates included.
                    completed = deferred ? JsonDeferredSyntax.Inner : new JsonScalarSyntax(JsonKind.String, start, names.Get(scanner.Value, scanner.ValueIsEscaped));
                    break;
                case JsonToken.Number:
                    completed = deferred ? JsonDeferredSyntax.Inner : new JsonScalarSyntax(JsonKind.Number, start, Encoding.ASCII.GetString(scanner.Value));
                    break;
                case JsonToken.True:
                    completed = deferred ? JsonDeferredSyntax.Inner : new JsonScalarSyntax(JsonKind.Boolean, start, "true");
                    break;
                case JsonToken.False:
                    completed = deferred ? JsonDeferredSyntax.Inner : new JsonScalarSyntax(JsonKind.Boolean, start, "false");
                    break;
                default:
                    completed = deferred ? JsonDeferredSyntax.Inner : new JsonScalarSyntax(JsonKind.Null, start, "null");
                    break;
            }

            if (completed is not null)
            {
                if (containers.Count == 0)
                {
                    return new JsonReadResult(completed, null);
                }

                var container = containers.Peek();
                container.Add(completed);
                completed = null;
                if (tail is not null && containers.Count == deferFromDepth && scanner.Position == tail.Comma && container is { IsObject: true, Deferred: false })
                {
                    if (tail.JoinTo(container, skipped!) is { } end)
                    {
                        scanner.ContinueAfterMember(end, separatorRead: false);
                    }

                    tail = null;
                }
            }

            if (!scanner.Read())
            {
                return Fail(source, ref scanner, baseOffset);
            }
        }
    }

    private static JsonReadResult Fail(SourceText source, ref JsonScanner scanner, long baseOffset = 0)
    {
        long at = baseOffset + scanner.ErrorOffset;
        return scanner.Error switch
        {
            JsonScanError.TooDeep => Fail(source, JsonFindingKinds.TooDeep, at, $"nesting deeper than {MaxDepth} levels; a policy list needs four"),
            JsonScanError.TokenTooLong => Fail(source, JsonFindingKinds.TokenTooLong, at, $"{scanner.ErrorMessage}; nothing in a policy list needs that"),
            JsonScanError.Syntax when at == 0 && source.Bytes.Span.Trim(" \t\r\n"u8).IsEmpty =>
                Fail(source, JsonFindingKinds.Syntax, 0, "the file is empty; a policy list is one JSON object"),
            _ => Fail(source, JsonFindingKinds.Syntax, at, $"{scanner.ErrorMessage}; fix the JSON syntax"),
        };
    }

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

    /// <summary>The members of a large map from a point on, read on another core while the main reader reads up to that point.</summary>
    /// <remarks>
    /// The point is a <c>,</c> followed by a line break and the four spaces that indent a map's members in the canonical
    /// form: in valid JSON no string holds a line break, so it can only separate two values. This reader assumes it
    /// separates two members of a map whose values it skips, and reads on to the end of that map; the main reader
    /// relies on it only once it reaches that same <c>,</c> inside such a map, and only when the names go on in
    /// ascending order across the point. Anything else and the main reader goes on as if there were no tail.
    /// </remarks>
    private sealed class MapTail
    {
        // Below this, splitting costs more than it saves.
        private const int MinBytes = 1 << 20;

        private readonly SourceText _source;
        private readonly Task<Members?> _members;
        private volatile bool _abandoned;

        private MapTail(SourceText source, int comma)
        {
            _source = source;
            Comma = comma;
            _members = Task.Run(Read);
        }

        /// <summary>The offset of the <c>,</c> where the tail starts.</summary>
        public int Comma { get; }

        /// <summary>A tail started from the middle of <paramref name="source"/>, or null when the file is small or has no such point.</summary>
        public static MapTail? Start(SourceText source)
        {
            var bytes = source.Bytes.Span;
            if (bytes.Length < MinBytes)
            {
                return null;
            }

            int found = bytes[(bytes.Length / 2)..].IndexOf(",\n    \""u8);
            if (found < 0)
            {
                return null;
            }

            return new MapTail(source, (bytes.Length / 2) + found);
        }

        /// <summary>Stops reading the tail if it is still being read, and waits until it has stopped.</summary>
        public void Abandon()
        {
            _abandoned = true;
            _members.Wait();
        }

        /// <summary>Appends the tail's members to <paramref name="map"/> and notes its containers; the offset of the map's <c>}</c>, or null when the tail cannot be used.</summary>
        public int? JoinTo(Frame map, SkippedContainers skipped)
        {
            if (_members.GetAwaiter().GetResult() is not { } tail || !map.TryAppendInOrder(tail.Properties))
            {
                return null;
            }

            foreach (var property in tail.Properties)
            {
                skipped.Add(property.Value.Offset);
            }

            return tail.End;
        }

        private Members? Read()
        {
            // The map is at depth 2 for the main reader and at depth 1 here.
            var scanner = JsonScanner.InsideObject(_source.Bytes.Span, Comma + 1, MaxDepth - 1, MaxTokenBytes);
            var properties = new List<JsonPropertySyntax>();
            while (!_abandoned && scanner.Read())
            {
                if (scanner.Token == JsonToken.EndObject)
                {
                    return new Members(properties, scanner.TokenStart);
                }

                string name = scanner.GetString();
                long nameOffset = scanner.TokenStart;
                if ((properties.Count > 0 && string.CompareOrdinal(properties[^1].Name, name) >= 0) || !scanner.Read()
                    || scanner.Token is not (JsonToken.StartObject or JsonToken.StartArray))
                {
                    return null;
                }

                var kind = scanner.Token == JsonToken.StartObject ? JsonKind.Object : JsonKind.Array;
                long offset = scanner.TokenStart;
                if (!scanner.Skip())
                {
                    return null;
                }

                properties.Add(new JsonPropertySyntax(name, nameOffset, new JsonDeferredSyntax(kind, offset)));
            }

            return null;
        }

        private sealed record Members(List<JsonPropertySyntax> Properties, int End);
    }

    /// <summary>Containers scanned past whose keys are still to be checked: a batch at a time, on other cores, while the scan goes on.</summary>
    private sealed class SkippedContainers(SourceText source)
    {
        private const int BatchSize = 4096;
        private readonly List<Task> _checks = [];
        private long[] _batch = new long[BatchSize];
        private int _count;
        private volatile bool _repeated;

        /// <summary>Notes the container that starts at <paramref name="offset"/>.</summary>
        public void Add(long offset)
        {
            _batch[_count++] = offset;
            if (_count == BatchSize)
            {
                Dispatch();
            }
        }

        /// <summary>Whether every container noted has distinct keys in each of its objects, once every check has ended.</summary>
        public bool KeysAreDistinct()
        {
            if (_count > 0)
            {
                Dispatch();
            }

            Task.WaitAll(_checks);
            return !_repeated;
        }

        private void Dispatch()
        {
            long[] batch = _batch;
            int count = _count;
            _checks.Add(Task.Run(() =>
            {
                for (int i = 0; i < count && !_repeated; i++)
                {
                    if (!DeferredKeys.AreDistinct(source.Bytes.Span[(int)batch[i]..]))
                    {
                        _repeated = true;
                    }
                }
            }));
            _batch = new long[BatchSize];
            _count = 0;
        }
    }

    /// <summary>A container being read; frames are reused, so that checking a large list allocates little.</summary>
    private sealed class Frame
    {
        private List<JsonPropertySyntax> _properties = [];
        private readonly List<JsonSyntax> _items = [];
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
        private string? _pendingName;
        private long _pendingOffset;
        private bool _inOrder;

        /// <summary>Whether this container is only checked, not built.</summary>
        public bool Deferred { get; private set; }

        public bool IsObject { get; private set; }

        public long Offset { get; private set; }

        public List<JsonPropertySyntax> Properties => _properties;

        /// <summary>The members read, for the object's syntax: a large map keeps the list it was read into rather than a copy.</summary>
        public IReadOnlyList<JsonPropertySyntax> TakeProperties()
        {
            // A small object's members are copied, so that the frame keeps its list for the next one.
            if (_properties.Count < 4096)
            {
                return [.. _properties];
            }

            var taken = _properties.AsReadOnly();
            _properties = [];
            return taken;
        }

        public List<JsonSyntax> Items => _items;

        public Frame Reset(bool isObject, long offset, bool deferred)
        {
            IsObject = isObject;
            Offset = offset;
            Deferred = deferred;
            _properties.Clear();
            _items.Clear();
            _seen.Clear();
            _inOrder = true;
            return this;
        }

        public bool AddName(string name, long nameOffset, out long firstOffset)
        {
            firstOffset = 0;

            // A canonical list's keys are sorted: while each sorts after the one before, none can repeat, and the
            // 200 000 names of a large list are never hashed.
            if (_inOrder && (_properties.Count == 0 || string.CompareOrdinal(name, _properties[^1].Name) > 0))
            {
            }
            else if (_properties.Count < 8)
            {
                _inOrder = false;
                if (FirstOffsetOf(name) is { } first)
                {
                    firstOffset = first;
                    return false;
                }
            }
            else
            {
                _inOrder = false;
                if (_seen.Count == 0)
                {
                    foreach (var property in _properties)
                    {
                        _seen.Add(property.Name);
                    }
                }

                if (!_seen.Add(name))
                {
                    firstOffset = FirstOffsetOf(name)!.Value;
                    return false;
                }
            }

            _pendingName = name;
            _pendingOffset = nameOffset;
            return true;
        }

        // A loop rather than a lambda: a lambda capturing the name costs an allocation on every call of AddName.
        private long? FirstOffsetOf(string name)
        {
            foreach (var property in _properties)
            {
                if (property.Name == name)
                {
                    return property.NameOffset;
                }
            }

            return null;
        }

        /// <summary>Appends members read elsewhere, which the caller has found in ascending ordinal order, when the first comes after this object's last; false, appending nothing, otherwise.</summary>
        public bool TryAppendInOrder(List<JsonPropertySyntax> members)
        {
            if (!IsObject || !_inOrder || members.Count == 0 || (_properties.Count > 0 && string.CompareOrdinal(_properties[^1].Name, members[0].Name) >= 0))
            {
                return false;
            }

            _properties.AddRange(members);
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

    /// <summary>A string or name's text (its bytes between quotes, escapes undecoded) as a string, shared when short.</summary>
    public string Get(ReadOnlySpan<byte> raw, bool escaped)
    {
        if (escaped || raw.Length > MaxInterned)
        {
            return escaped ? Encoding.UTF8.GetString(JsonScanner.Unescape(raw)) : Encoding.UTF8.GetString(raw);
        }

        Span<char> chars = stackalloc char[MaxInterned];
        int length = Encoding.UTF8.GetChars(raw, chars);
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
