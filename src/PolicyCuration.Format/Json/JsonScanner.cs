using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;

namespace PolicyCuration.Format.Json;

/// <summary>The token a <see cref="JsonScanner"/> stands on.</summary>
public enum JsonToken : byte
{
    /// <summary>Before the first token, after the last, or after a failure.</summary>
    None,

    /// <summary><c>{</c>.</summary>
    StartObject,

    /// <summary><c>}</c>.</summary>
    EndObject,

    /// <summary><c>[</c>.</summary>
    StartArray,

    /// <summary><c>]</c>.</summary>
    EndArray,

    /// <summary>A member name; its colon has been read.</summary>
    PropertyName,

    /// <summary>A string value.</summary>
    String,

    /// <summary>A number.</summary>
    Number,

    /// <summary><c>true</c>.</summary>
    True,

    /// <summary><c>false</c>.</summary>
    False,

    /// <summary><c>null</c>.</summary>
    Null,
}

/// <summary>Why a <see cref="JsonScanner"/> stopped.</summary>
public enum JsonScanError : byte
{
    /// <summary>It did not.</summary>
    None,

    /// <summary>Not well-formed JSON.</summary>
    Syntax,

    /// <summary>Nesting deeper than the scanner's limit.</summary>
    TooDeep,

    /// <summary>A string or number longer than the scanner's limit.</summary>
    TokenTooLong,
}

/// <summary>
/// A strict RFC 8259 tokenizer over bytes already checked to be UTF-8: byte offsets, no line numbers, no allocation.
/// </summary>
/// <remarks>
/// Utf8JsonReader is general (streaming, options, comments) and reads a large list at about 400 MB/s; this one knows
/// only the strict grammar and skips whitespace and string bodies with vector searches. It refuses what the list's
/// reader refuses: comments, trailing commas, control characters and unpaired surrogate escapes in strings, leading
/// zeros, NaN, and content after the value.
/// </remarks>
public ref struct JsonScanner
{
    private const int MaxSupportedDepth = 64;

    private const string LiteralMessage = "expected a value (true, false and null are spelled in lower case; NaN and Infinity are not JSON)";

    private static readonly SearchValues<byte> StringSpecials = SearchValues.Create(
        [(byte)'"', (byte)'\\', 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]);

    private readonly ReadOnlySpan<byte> _bytes;
    private readonly int _maxDepth;
    private readonly int _maxTokenBytes;
    private int _position;
    private ulong _objects;
    private Expect _expect;

    /// <summary>A scanner over <paramref name="bytes"/>, which must hold exactly one JSON value.</summary>
    /// <param name="bytes">Valid UTF-8 (the caller checks it once for the whole file, which is faster than per token).</param>
    /// <param name="maxDepth">Deepest nesting accepted, at most 64.</param>
    /// <param name="maxTokenBytes">Longest string or number accepted, in bytes.</param>
    public JsonScanner(ReadOnlySpan<byte> bytes, int maxDepth, int maxTokenBytes)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDepth, MaxSupportedDepth);
        _bytes = bytes;
        _maxDepth = maxDepth;
        _maxTokenBytes = maxTokenBytes;
        _expect = Expect.Value;
    }

    /// <summary>
    /// A scanner that starts inside an object, at <paramref name="start"/>, just after a <c>,</c> between two of its
    /// members; it reads the members that follow and ends with the object's <c>}</c> (depth 0).
    /// </summary>
    /// <remarks>For reading the rest of a large object on another core: the caller must make sure that a scanner that
    /// read the file from its start reaches that <c>,</c> inside the same object before it relies on what this one read.</remarks>
    public static JsonScanner InsideObject(ReadOnlySpan<byte> bytes, int start, int maxDepth, int maxTokenBytes)
    {
        var scanner = new JsonScanner(bytes, maxDepth, maxTokenBytes)
        {
            _position = start,
            _objects = 1,
            _expect = Expect.Name,
            Depth = 1,
        };
        return scanner;
    }

    private enum Expect : byte
    {
        Value,
        ValueOrEnd,
        Name,
        NameOrEnd,
        SeparatorOrEnd,
        Nothing,
    }

    /// <summary>The token read last.</summary>
    public JsonToken Token { get; private set; }

    /// <summary>The offset of the token's first byte (a string's opening quote).</summary>
    public int TokenStart { get; private set; }

    /// <summary>The bytes of a string or name between its quotes, escapes undecoded, or of a number.</summary>
    public readonly ReadOnlySpan<byte> Value => _bytes.Slice(ValueStart, ValueLength);

    /// <summary>Where <see cref="Value"/> starts.</summary>
    public int ValueStart { readonly get; private set; }

    /// <summary>The length of <see cref="Value"/>.</summary>
    public int ValueLength { readonly get; private set; }

    /// <summary>Whether the string or name holds a backslash escape.</summary>
    public bool ValueIsEscaped { readonly get; private set; }

    /// <summary>How many containers are open.</summary>
    public int Depth { readonly get; private set; }

    /// <summary>Why the scanner stopped, or <see cref="JsonScanError.None"/>.</summary>
    public JsonScanError Error { get; private set; }

    /// <summary>What went wrong, for a message.</summary>
    public string? ErrorMessage { get; private set; }

    /// <summary>The offset where it went wrong.</summary>
    public int ErrorOffset { get; private set; }

    /// <summary>Whether the container the scanner is in is an object.</summary>
    public readonly bool InObject => Depth > 0 && (_objects & (1UL << (Depth - 1))) != 0;

    /// <summary>The offset just after the token read last.</summary>
    public readonly int Position => _position;

    /// <summary>Whether the next token must be a member name, or may be one (just after an object's <c>{</c> or a <c>,</c>).</summary>
    public readonly bool ExpectsMemberName => _expect is Expect.Name or Expect.NameOrEnd;

    /// <summary>
    /// Continues after members of the current object that the caller read itself, up to <paramref name="position"/>:
    /// just after a member's value, or after the <c>,</c> that follows it when <paramref name="separatorRead"/>.
    /// </summary>
    /// <remarks>For a caller that recognises a layout faster than tokens can be read; it must accept only valid JSON.</remarks>
    public void ContinueAfterMember(int position, bool separatorRead)
    {
        if (!InObject || position < _position || position > _bytes.Length)
        {
            throw new InvalidOperationException("the scanner can only continue forward, inside an object");
        }

        _position = position;
        _expect = separatorRead ? Expect.Name : Expect.SeparatorOrEnd;
    }

    /// <summary>Moves to the next token; false at the end of the value (with no <see cref="Error"/>) or on a failure.</summary>
    public bool Read()
    {
        int i = SkipWhitespace(_position);
        if (i >= _bytes.Length)
        {
            return _expect == Expect.Nothing
                ? End()
                : Fail(JsonScanError.Syntax, i, "the file ends before the JSON value does (truncated?)");
        }

        byte c = _bytes[i];
        switch (_expect)
        {
            case Expect.Nothing:
                return Fail(JsonScanError.Syntax, i, "unexpected content after the end of the JSON value");
            case Expect.SeparatorOrEnd:
                if (c == ',')
                {
                    i = SkipWhitespace(i + 1);
                    if (i >= _bytes.Length)
                    {
                        return Fail(JsonScanError.Syntax, i, "the file ends before the JSON value does (truncated?)");
                    }

                    c = _bytes[i];
                    return InObject ? ReadName(i, c, allowEnd: false) : ReadValue(i, c, allowEnd: false);
                }

                if (c == (InObject ? (byte)'}' : (byte)']'))
                {
                    return Close(i);
                }

                return Fail(JsonScanError.Syntax, i, InObject ? $"expected ',' or '}}' after a member, found {Describe(c)}" : $"expected ',' or ']' after an item, found {Describe(c)}");
            case Expect.Name:
                return ReadName(i, c, allowEnd: false);
            case Expect.NameOrEnd:
                return ReadName(i, c, allowEnd: true);
            case Expect.ValueOrEnd:
                return ReadValue(i, c, allowEnd: true);
            default:
                return ReadValue(i, c, allowEnd: false);
        }
    }

    /// <summary>On a container's start, moves to its end; on any other token, does nothing.</summary>
    public bool Skip()
    {
        if (Token is not (JsonToken.StartObject or JsonToken.StartArray))
        {
            return Error == JsonScanError.None;
        }

        int depth = Depth;
        while (Read())
        {
            if (Depth < depth)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The current string or name decoded.</summary>
    public readonly string GetString() => ValueIsEscaped ? Encoding.UTF8.GetString(Unescape(Value)) : Encoding.UTF8.GetString(Value);

    /// <summary>The UTF-8 bytes of a string body with its escapes decoded; the escapes must be valid (the scanner checked them).</summary>
    public static byte[] Unescape(ReadOnlySpan<byte> raw)
    {
        var output = new byte[raw.Length];
        int written = 0;
        for (int i = 0; i < raw.Length; i++)
        {
            byte b = raw[i];
            if (b != '\\')
            {
                output[written++] = b;
                continue;
            }

            byte e = raw[++i];
            if (e != 'u')
            {
                output[written++] = e switch { (byte)'b' => 8, (byte)'f' => 12, (byte)'n' => 10, (byte)'r' => 13, (byte)'t' => 9, _ => e };
                continue;
            }

            int code = Hex4(raw, i + 1);
            i += 4;
            if (char.IsHighSurrogate((char)code))
            {
                code = char.ConvertToUtf32((char)code, (char)Hex4(raw, i + 3));
                i += 6;
            }

            written += new Rune(code).EncodeToUtf8(output.AsSpan(written));
        }

        return output[..written];
    }

    private bool ReadValue(int i, byte c, bool allowEnd)
    {
        TokenStart = i;
        switch (c)
        {
            case (byte)'{':
                return Open(i, isObject: true);
            case (byte)'[':
                return Open(i, isObject: false);
            case (byte)']' when allowEnd:
                return Close(i);
            case (byte)'"':
                return ReadString(i, JsonToken.String);
            case (byte)'t':
                return ReadLiteral(i, "true"u8, JsonToken.True);
            case (byte)'f':
                return ReadLiteral(i, "false"u8, JsonToken.False);
            case (byte)'n':
                return ReadLiteral(i, "null"u8, JsonToken.Null);
            default:
                return c == '-' || (uint)(c - '0') <= 9 ? ReadNumber(i)
                    : char.IsAsciiLetter((char)c) ? Fail(JsonScanError.Syntax, i, LiteralMessage)
                    : Fail(JsonScanError.Syntax, i, $"expected a value, found {Describe(c)}");
        }
    }

    private bool ReadName(int i, byte c, bool allowEnd)
    {
        TokenStart = i;
        if (c == '}' && allowEnd)
        {
            return Close(i);
        }

        if (c != '"')
        {
            return Fail(JsonScanError.Syntax, i, $"expected a member name in double quotes, found {Describe(c)}");
        }

        if (!ReadString(i, JsonToken.PropertyName))
        {
            return false;
        }

        int colon = SkipWhitespace(_position);
        if (colon >= _bytes.Length || _bytes[colon] != ':')
        {
            return colon >= _bytes.Length
                ? Fail(JsonScanError.Syntax, colon, "the file ends before the JSON value does (truncated?)")
                : Fail(JsonScanError.Syntax, colon, $"expected ':' after a member name, found {Describe(_bytes[colon])}");
        }

        _position = colon + 1;
        _expect = Expect.Value;
        return true;
    }

    private bool Open(int i, bool isObject)
    {
        if (Depth >= _maxDepth)
        {
            return Fail(JsonScanError.TooDeep, i, $"nesting deeper than {_maxDepth} levels");
        }

        ulong bit = 1UL << Depth;
        _objects = isObject ? _objects | bit : _objects & ~bit;
        Depth++;
        Token = isObject ? JsonToken.StartObject : JsonToken.StartArray;
        TokenStart = i;
        _position = i + 1;
        _expect = isObject ? Expect.NameOrEnd : Expect.ValueOrEnd;
        return true;
    }

    private bool Close(int i)
    {
        Token = InObject ? JsonToken.EndObject : JsonToken.EndArray;
        TokenStart = i;
        Depth--;
        _position = i + 1;
        _expect = Depth == 0 ? Expect.Nothing : Expect.SeparatorOrEnd;
        return true;
    }

    private bool ReadString(int start, JsonToken token)
    {
        int i = start + 1;
        bool escaped = false;
        while (true)
        {
            i = StringStop(i);
            if (i >= _bytes.Length)
            {
                return Fail(JsonScanError.Syntax, _bytes.Length, "the file ends inside a string (truncated?)");
            }

            byte b = _bytes[i];
            if (b == '"')
            {
                break;
            }

            if (b != '\\')
            {
                return Fail(JsonScanError.Syntax, i, $"control character 0x{b:X2} inside a string; write it as an escape");
            }

            escaped = true;
            int length = EscapeLength(i);
            if (length == 0)
            {
                return false;
            }

            i += length;
        }

        int valueLength = i - start - 1;
        if (valueLength > _maxTokenBytes)
        {
            return Fail(JsonScanError.TokenTooLong, start, $"a string of {valueLength} bytes is longer than the {_maxTokenBytes}-byte limit");
        }

        Token = token;
        TokenStart = start;
        ValueStart = start + 1;
        ValueLength = valueLength;
        ValueIsEscaped = escaped;
        _position = i + 1;
        _expect = token == JsonToken.PropertyName ? Expect.Value : AfterValue();
        return true;
    }

    // The length of the valid escape at i (a backslash), or 0 after failing.
    private int EscapeLength(int i)
    {
        if (i + 1 >= _bytes.Length)
        {
            Fail(JsonScanError.Syntax, _bytes.Length, "the file ends inside a string (truncated?)");
            return 0;
        }

        switch (_bytes[i + 1])
        {
            case (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t':
                return 2;
            case (byte)'u':
                int code = Hex4(_bytes, i + 2);
                if (code < 0)
                {
                    Fail(JsonScanError.Syntax, i, "a \\u escape needs four hexadecimal digits");
                    return 0;
                }

                if (char.IsLowSurrogate((char)code))
                {
                    Fail(JsonScanError.Syntax, i, "a \\u escape in this string is an unpaired UTF-16 surrogate, which is not text; fix the escape");
                    return 0;
                }

                if (!char.IsHighSurrogate((char)code))
                {
                    return 6;
                }

                int low = i + 7 < _bytes.Length && _bytes[i + 6] == '\\' && _bytes[i + 7] == 'u' ? Hex4(_bytes, i + 8) : -1;
                if (low < 0 || !char.IsLowSurrogate((char)low))
                {
                    Fail(JsonScanError.Syntax, i, "a \\u escape in this string is an unpaired UTF-16 surrogate, which is not text; fix the escape");
                    return 0;
                }

                return 12;
            default:
                Fail(JsonScanError.Syntax, i, $"\\{(char)_bytes[i + 1]} is not a JSON escape");
                return 0;
        }
    }

    private bool ReadNumber(int start)
    {
        int i = start;
        if (_bytes[i] == '-')
        {
            i++;
        }

        if (i >= _bytes.Length || (uint)(_bytes[i] - '0') > 9)
        {
            return Fail(JsonScanError.Syntax, i, "a number needs a digit after '-'");
        }

        if (_bytes[i] == '0')
        {
            i++;
            if (i < _bytes.Length && (uint)(_bytes[i] - '0') <= 9)
            {
                return Fail(JsonScanError.Syntax, start, "a number cannot start with a leading zero");
            }
        }
        else
        {
            i = Digits(i);
        }

        if (i < _bytes.Length && _bytes[i] == '.')
        {
            int fraction = Digits(i + 1);
            if (fraction == i + 1)
            {
                return Fail(JsonScanError.Syntax, i + 1, "a number needs a digit after its decimal point");
            }

            i = fraction;
        }

        if (i < _bytes.Length && (_bytes[i] | 0x20) == 'e')
        {
            i++;
            if (i < _bytes.Length && (_bytes[i] == '+' || _bytes[i] == '-'))
            {
                i++;
            }

            int exponent = Digits(i);
            if (exponent == i)
            {
                return Fail(JsonScanError.Syntax, i, "a number needs a digit in its exponent");
            }

            i = exponent;
        }

        if (i < _bytes.Length && !IsDelimiter(_bytes[i]))
        {
            return Fail(JsonScanError.Syntax, i, $"unexpected {Describe(_bytes[i])} in a number");
        }

        if (i - start > _maxTokenBytes)
        {
            return Fail(JsonScanError.TokenTooLong, start, $"a number of {i - start} bytes is longer than the {_maxTokenBytes}-byte limit");
        }

        Token = JsonToken.Number;
        TokenStart = start;
        ValueStart = start;
        ValueLength = i - start;
        ValueIsEscaped = false;
        _position = i;
        _expect = AfterValue();
        return true;
    }

    private bool ReadLiteral(int start, ReadOnlySpan<byte> literal, JsonToken token)
    {
        if (!_bytes[start..].StartsWith(literal) || (start + literal.Length < _bytes.Length && !IsDelimiter(_bytes[start + literal.Length])))
        {
            return Fail(JsonScanError.Syntax, start, LiteralMessage);
        }

        Token = token;
        TokenStart = start;
        ValueStart = start;
        ValueLength = literal.Length;
        ValueIsEscaped = false;
        _position = start + literal.Length;
        _expect = AfterValue();
        return true;
    }

    private readonly int StringStop(int i)
    {
        int found = _bytes[i..].IndexOfAny(StringSpecials);
        return found < 0 ? _bytes.Length : i + found;
    }

    private readonly Expect AfterValue() => Depth == 0 ? Expect.Nothing : Expect.SeparatorOrEnd;

    private readonly int Digits(int i)
    {
        while (i < _bytes.Length && (uint)(_bytes[i] - '0') <= 9)
        {
            i++;
        }

        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly int SkipWhitespace(int i)
    {
        // Runs of white space are short (an indentation): a plain loop beats a vector search's set-up.
        var bytes = _bytes;
        while ((uint)i < (uint)bytes.Length)
        {
            byte b = bytes[i];
            if (b > ' ' || (b != ' ' && b != '\n' && b != '\r' && b != '\t'))
            {
                return i;
            }

            i++;
        }

        return bytes.Length;
    }

    private static bool IsDelimiter(byte b) => b is (byte)',' or (byte)'}' or (byte)']' or (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    private static int Hex4(ReadOnlySpan<byte> bytes, int i)
    {
        if (i + 4 > bytes.Length)
        {
            return -1;
        }

        int value = 0;
        for (int k = i; k < i + 4; k++)
        {
            int digit = HexDigit(bytes[k]);
            if (digit < 0)
            {
                return -1;
            }

            value = (value << 4) | digit;
        }

        return value;
    }

    private static int HexDigit(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    private static string Describe(byte c) => c switch
    {
        (byte)'/' => "'/' (comments are not JSON)",
        >= 0x21 and < 0x7F => $"'{(char)c}'",
        _ => $"byte 0x{c:X2}",
    };

    private bool End()
    {
        Token = JsonToken.None;
        return false;
    }

    private bool Fail(JsonScanError error, int offset, string message)
    {
        Error = error;
        ErrorMessage = message;
        ErrorOffset = offset;
        Token = JsonToken.None;
        _expect = Expect.Nothing;
        _position = _bytes.Length;
        return false;
    }
}
