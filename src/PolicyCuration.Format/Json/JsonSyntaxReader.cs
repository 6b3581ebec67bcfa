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
            return Fail(source, JsonFindingKinds.Syntax, at, SyntaxMessage(ex.Message, at < bytes.Length ? bytes[(int)at] : null));
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
        // Containers are built with an explicit stack rather than recursion, so that depth costs heap, not stack.
        var open = new ContainerStack();
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

/// <summary>The tree, or the finding that stopped the reader.</summary>
public sealed record JsonReadResult(JsonSyntax? Root, Finding? Failure);
