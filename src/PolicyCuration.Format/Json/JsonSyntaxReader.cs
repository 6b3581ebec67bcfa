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

    private static readonly JsonReaderOptions Strict = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,

        // One above ours, so that this reader, not Utf8JsonReader, reports nesting too deep.
        MaxDepth = MaxDepth + 1,
    };

    /// <summary>Parses <paramref name="source"/>; on failure returns the one finding that stopped it.</summary>
    public static JsonReadResult Read(SourceText source)
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
            var read = ReadValue(ref reader, source);

            // Anything after the one value is refused by the reader itself.
            return read.Failure is null && reader.Read() ? throw new InvalidOperationException("a second JSON value was read") : read;
        }
        catch (JsonException ex)
        {
            long at = source.OffsetOf(ex.LineNumber ?? 0, ex.BytePositionInLine ?? 0);
            return Fail(source, JsonFindingKinds.Syntax, at, SyntaxMessage(ex.Message, at < bytes.Length ? bytes[(int)at] : null));
        }
    }

    /// <summary>Reads one value and stops after it.</summary>
    private static JsonReadResult ReadValue(ref Utf8JsonReader reader, SourceText source)
    {
        // Containers are built with an explicit stack rather than recursion, so that depth costs heap, not stack.
        var open = new Stack<Container>();
        while (reader.Read())
        {
            long start = reader.TokenStartIndex;
            JsonSyntax value;
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    if (open.Count >= MaxDepth)
                    {
                        return Fail(source, JsonFindingKinds.TooDeep, start, $"nesting deeper than {MaxDepth} levels; a policy list needs four");
                    }

                    open.Push(new Container(reader.TokenType == JsonTokenType.StartObject, start));
                    continue;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    value = open.Pop().Build();
                    break;
                case JsonTokenType.PropertyName:
                    if (Text(ref reader) is not { } name)
                    {
                        return TextFailure(ref reader, source, start);
                    }

                    if (open.Peek().AddName(name, start) is { } first)
                    {
                        var firstAt = source.LocationOf(first);
                        return Fail(source, JsonFindingKinds.DuplicateKey, start,
                            $"key {MessageText.Quote(name)} appears twice in the same object (first at line {firstAt.Line}, column {firstAt.Column}); keep one");
                    }

                    continue;
                case JsonTokenType.String:
                    if (Text(ref reader) is not { } text)
                    {
                        return TextFailure(ref reader, source, start);
                    }

                    value = new JsonScalarSyntax(JsonKind.String, start, text);
                    break;
                case JsonTokenType.Number:
                    if (reader.ValueSpan.Length > MaxTokenBytes)
                    {
                        return TextFailure(ref reader, source, start);
                    }

                    value = new JsonScalarSyntax(JsonKind.Number, start, Encoding.ASCII.GetString(reader.ValueSpan));
                    break;
                case JsonTokenType.True or JsonTokenType.False:
                    value = new JsonScalarSyntax(JsonKind.Boolean, start, reader.GetBoolean() ? "true" : "false");
                    break;
                default:
                    value = new JsonScalarSyntax(JsonKind.Null, start, "null");
                    break;
            }

            if (open.Count == 0)
            {
                return new JsonReadResult(value, null);
            }

            open.Peek().Add(value);
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
    /// <summary>
    /// What a syntax error means for someone editing the list, in the project's words: System.Text.Json's messages speak to
    /// programmers ("Change the reader options"). <paramref name="found"/> is the byte where the reader stopped, null at the end.
    /// </summary>
    private static string SyntaxMessage(string message, byte? found)
    {
        bool Says(string words) => message.Contains(words, StringComparison.OrdinalIgnoreCase);
        return true switch
        {
            _ when Says("trailing comma") => "a comma after the last member or element: JSON allows none before } or ]; remove it",
            _ when Says("comment") || found == '/' => "a comment: JSON has none; remove it",
            _ when found == '\'' => "a string in single quotes: JSON strings take double quotes (\")",
            _ when found is null || Says("end of the JSON payload") || Says("Expected depth to be zero") =>
                "the file ends inside an object or an array: a closing } or ] is missing",
            _ when Says("property name") => "a member's name must be a string in double quotes, followed by a colon",
            _ when Says("escapable") => "a backslash that starts no valid escape in a string: write \\\\ for a backslash, \\\" for a quote",
            _ when Says("within a JSON string") || Says("control character") => "a control character (a tab, a line break) inside a string: write it as \\t, \\n or \\u00XX",
            _ when Says("after a value") || Says("Expected either") || Says("after a property") => "a comma is missing between two members or elements, or a } or ] is out of place",
            _ when Says("start of a value") || Says("invalid start") => "a value cannot start here: JSON values are strings in double quotes, numbers, true, false, null, objects and arrays",
            _ => "the JSON syntax breaks here: check the brackets, commas and quotes around it",
        };
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
}

/// <summary>An object or array being read.</summary>
internal sealed class Container(bool isObject, long offset)
{
    // Objects up to this many members find a duplicate by looking at each; larger ones keep an index of their keys.
    private const int ScannedMembers = 8;

    private readonly List<JsonPropertySyntax>? _properties = isObject ? [] : null;
    private readonly List<JsonSyntax>? _items = isObject ? null : [];
    private Dictionary<string, long>? _index;
    private (string Name, long Offset) _pending;

    /// <summary>Notes a key; the offset of the same key met earlier in this object, or null.</summary>
    public long? AddName(string name, long offset)
    {
        if (_properties!.Count >= ScannedMembers)
        {
            _index ??= _properties.ToDictionary(p => p.Name, p => p.NameOffset, StringComparer.Ordinal);
            if (!_index.TryAdd(name, offset))
            {
                return _index[name];
            }
        }
        else if (_properties.FindIndex(p => p.Name == name) is >= 0 and int i)
        {
            return _properties[i].NameOffset;
        }

        _pending = (name, offset);
        return null;
    }

    public void Add(JsonSyntax value)
    {
        if (_properties is not null)
        {
            _properties.Add(new JsonPropertySyntax(_pending.Name, _pending.Offset, value));
        }
        else
        {
            _items!.Add(value);
        }
    }

    public JsonSyntax Build() => _properties is not null ? new JsonObjectSyntax(offset, _properties) : new JsonArraySyntax(offset, _items!);
}

/// <summary>The tree, or the finding that stopped the reader.</summary>
public sealed record JsonReadResult(JsonSyntax? Root, Finding? Failure);
