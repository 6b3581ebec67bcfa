using System.Buffers;
using System.Collections.Frozen;
using System.Text;
using System.Text.RegularExpressions;
using NJsonSchema;
using PolicyCuration.Format;
using PolicyCuration.Format.Json;

namespace PolicyCuration.Core.Schema;

/// <summary>
/// Reduces a JSON value to its shape as far as one schema can tell: two values with the same shape get the
/// same verdict from that schema, so the verdict on one stands for all.
/// </summary>
/// <remarks>
/// The shape keeps the structure (objects, member order, arrays), numbers, booleans and null as written, and
/// every string that the schema names anywhere (a property name, a required name, an enum value). Any other
/// string is replaced by the outcome of every test the schema could apply to it: a member name by each
/// patternProperties pattern, a string value by each pattern and each length bound. A schema keyword that judges a string any other
/// way (a format, or uniqueItems, which compares them) makes the schema unsuitable, and then no shape is computed.
/// </remarks>
internal sealed class ValidationShapes
{
    // Most strings judged are not named by the schema; a frozen set turns most of them away on their length.
    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _named;
    private readonly string[] _namePatterns;
    private readonly string[] _valuePatterns;

    // Sorted, in an array: the bounds are read once per string, and enumerating a SortedSet allocates each time.
    private readonly int[] _lengthBounds;

    private ValidationShapes(SchemaTests tests)
    {
        _named = tests.Named.ToFrozenSet(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        _namePatterns = [.. tests.NamePatterns];
        _valuePatterns = [.. tests.ValuePatterns];
        _lengthBounds = [.. tests.LengthBounds];
    }

    /// <summary>The shapes for <paramref name="schema"/>, or null when it judges strings in a way shapes cannot follow.</summary>
    public static ValidationShapes? For(JsonSchema schema)
    {
        var tests = new SchemaTests();
        return tests.Collect(schema, new HashSet<JsonSchema>(ReferenceEqualityComparer.Instance)) ? new ValidationShapes(tests) : null;
    }

    /// <summary>A buffer for one thread, with its own copies of the schema's patterns (a shared Regex hands out one runner at a time).</summary>
    public ShapeText NewText()
    {
        // The same pattern text and default options as the validator's own matching, compiled for speed; a
        // pattern that judges both names and values (an alias's name and a reference to it) is compiled once.
        var compiled = new Dictionary<string, Regex>(StringComparer.Ordinal);
        Regex[] Compile(string[] patterns) =>
            [.. patterns.Select(p => compiled.TryGetValue(p, out var regex) ? regex : compiled[p] = new Regex(p, RegexOptions.Compiled))];
        return new(Compile(_namePatterns), Compile(_valuePatterns));
    }

    /// <summary>Writes the shape of the member <paramref name="entry"/> (name and value) into <paramref name="shape"/>; false when it cannot be reduced.</summary>
    /// <remarks>Reads the value from the source's bytes, so that a deferred value is never built to be judged.</remarks>
    public bool TryWrite(SourceText source, JsonPropertySyntax entry, ShapeText shape)
    {
        shape.Clear();
        if (!AppendString(shape, entry.Name, shape.NamePatterns))
        {
            return false;
        }

        shape.Append(':');
        // The reader has checked these bytes strictly already; this pass only walks them.
        var json = new JsonScanner(source.Bytes.Span[(int)entry.Value.Offset..], JsonSyntaxReader.MaxDepth, JsonSyntaxReader.MaxTokenBytes);
        int depth = 0;
        do
        {
            if (!json.Read())
            {
                return false;
            }

            switch (json.Token)
            {
                case JsonToken.StartObject:
                    depth++;
                    shape.Append('{');
                    break;
                case JsonToken.StartArray:
                    depth++;
                    shape.Append('[');
                    break;
                case JsonToken.EndObject:
                    depth--;
                    shape.Append('}').Append(',');
                    break;
                case JsonToken.EndArray:
                    depth--;
                    shape.Append(']').Append(',');
                    break;
                case JsonToken.PropertyName:
                    if (!AppendString(shape, shape.Decode(json.Value, json.ValueIsEscaped), shape.NamePatterns))
                    {
                        return false;
                    }

                    shape.Append(':');
                    break;
                case JsonToken.String:
                    if (!AppendString(shape, shape.Decode(json.Value, json.ValueIsEscaped), shape.ValuePatterns))
                    {
                        return false;
                    }

                    shape.Append(',');
                    break;
                default:
                    shape.Append('#').AppendAscii(json.Value).Append(',');
                    break;
            }
        }
        while (depth > 0);

        return true;
    }

    /// <remarks>A member name is judged only by patternProperties, a string value only by pattern and lengths.</remarks>
    private bool AppendString(ShapeText shape, ReadOnlySpan<char> text, Regex[] patterns)
    {
        if (_named.Contains(text))
        {
            shape.Append('=').Append(text).Append('=');
            return true;
        }

        // Length is counted the way .NET strings count it; text outside the BMP is kept out of shapes
        // rather than trusting that every validator counts it the same way.
        foreach (char c in text)
        {
            if (char.IsSurrogate(c))
            {
                return false;
            }
        }

        shape.Append('~');
        foreach (var pattern in patterns)
        {
            shape.Append(pattern.IsMatch(text) ? '1' : '0');
        }

        if (patterns == shape.NamePatterns)
        {
            return true;
        }

        foreach (int bound in _lengthBounds)
        {
            shape.Append(text.Length.CompareTo(bound) switch { < 0 => '<', 0 => '=', _ => '>' });
        }

        return true;
    }

    /// <summary>Every test the schema applies to strings, gathered by walking it once.</summary>
    private sealed class SchemaTests
    {
        public HashSet<string> Named { get; } = new(StringComparer.Ordinal);

        public List<string> NamePatterns { get; } = [];

        public List<string> ValuePatterns { get; } = [];

        public SortedSet<int> LengthBounds { get; } = [];

        public bool Collect(JsonSchema schema, HashSet<JsonSchema> seen)
        {
            var actual = schema.ActualSchema;
            if (!seen.Add(actual))
            {
                return true;
            }

            // A format is judged by code the shape cannot see; uniqueItems compares strings with each other.
            if (!string.IsNullOrEmpty(actual.Format) || actual.Type.HasFlag(JsonObjectType.File) || actual.UniqueItems)
            {
                return false;
            }

            foreach (object? value in actual.Enumeration)
            {
                Named.Add(value?.ToString() ?? "null");
            }

            foreach (string name in actual.RequiredProperties)
            {
                Named.Add(name);
            }

            AddPattern(actual.Pattern, ValuePatterns);
            if (actual.MinLength is int min)
            {
                LengthBounds.Add(min);
            }

            if (actual.MaxLength is int max)
            {
                LengthBounds.Add(max);
            }

            var children = new List<JsonSchema>();
            foreach (var (name, property) in actual.Properties)
            {
                Named.Add(name);
                children.Add(property);
            }

            foreach (var (pattern, property) in actual.PatternProperties)
            {
                AddPattern(pattern, NamePatterns);
                children.Add(property);
            }

            children.AddRange(actual.Definitions.Values);
            children.AddRange(actual.AllOf);
            children.AddRange(actual.AnyOf);
            children.AddRange(actual.OneOf);
            children.AddRange(actual.Items);
            if (actual.Item is { } item)
            {
                children.Add(item);
            }

            if (actual.Not is { } not)
            {
                children.Add(not);
            }

            if (actual.AdditionalPropertiesSchema is { } additional)
            {
                children.Add(additional);
            }

            if (actual.AdditionalItemsSchema is { } additionalItems)
            {
                children.Add(additionalItems);
            }

            return children.All(child => Collect(child, seen));
        }

        private static void AddPattern(string? pattern, List<string> patterns)
        {
            if (!string.IsNullOrEmpty(pattern) && !patterns.Contains(pattern))
            {
                patterns.Add(pattern);
            }
        }
    }
}

/// <summary>A reusable buffer for shapes and for the strings decoded while writing them.</summary>
internal sealed class ShapeText(Regex[] namePatterns, Regex[] valuePatterns)
{
    private char[] _shape = new char[256];
    private char[] _decoded = new char[256];
    private int _length;

    /// <summary>The patterns that judge member names (patternProperties).</summary>
    public Regex[] NamePatterns { get; } = namePatterns;

    /// <summary>The patterns that judge string values.</summary>
    public Regex[] ValuePatterns { get; } = valuePatterns;

    /// <summary>The shape written so far.</summary>
    public ReadOnlySpan<char> Span => _shape.AsSpan(0, _length);

    public void Clear() => _length = 0;

    public ShapeText Append(char c)
    {
        Reserve(1);
        _shape[_length++] = c;
        return this;
    }

    public ShapeText Append(ReadOnlySpan<char> text)
    {
        Reserve(text.Length);
        text.CopyTo(_shape.AsSpan(_length));
        _length += text.Length;
        return this;
    }

    public ShapeText AppendAscii(ReadOnlySpan<byte> text)
    {
        Reserve(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            _shape[_length++] = (char)text[i];
        }

        return this;
    }

    /// <summary>A string token's text (without its quotes), unescaped, in a buffer valid until the next call.</summary>
    public ReadOnlySpan<char> Decode(ReadOnlySpan<byte> raw, bool escaped)
    {
        if (escaped)
        {
            raw = JsonScanner.Unescape(raw);
        }

        if (_decoded.Length < raw.Length)
        {
            _decoded = new char[raw.Length];
        }

        if (Ascii.ToUtf16(raw, _decoded, out int widened) == OperationStatus.Done)
        {
            return _decoded.AsSpan(0, widened);
        }

        return _decoded.AsSpan(0, Encoding.UTF8.GetChars(raw, _decoded));
    }

    public override string ToString() => new(Span);

    private void Reserve(int more)
    {
        if (_length + more > _shape.Length)
        {
            Array.Resize(ref _shape, Math.Max(_shape.Length * 2, _length + more));
        }
    }
}
