using System.Buffers;
using System.Collections.Frozen;
using System.Text;
using System.Text.RegularExpressions;
using NJsonSchema;
using PolicyCuration.Format;
using PolicyCuration.Format.Json;

namespace PolicyCuration.Core.Schema;

/// <summary>
/// Reduces an entry of a map to its shape as far as the map's schema can tell: two entries with the same shape get
/// the same verdict from that schema, so the verdict on one stands for all.
/// </summary>
/// <remarks>
/// The shape keeps the structure (objects, member order, arrays), numbers, booleans and null as written, and
/// every string that the schema names anywhere (a property name, a required name, an enum value). Any other
/// string is replaced by the outcome of every test that the schema could apply where the string stands
/// (<see cref="Place"/>): a member name by each patternProperties pattern of its object, a string value by
/// each pattern and each length bound. A schema keyword that judges a string any other way (a format, or
/// uniqueItems, which compares them) makes the schema unsuitable, and then no shape is computed.
/// </remarks>
internal sealed class ValidationShapes
{
    // Most strings judged are not named by the schema; a frozen set turns most of them away on their length.
    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _named;
    private readonly string[] _patterns;
    private readonly FrozenDictionary<JsonSchema, Place> _roots;

    private ValidationShapes(HashSet<string> named, PlaceBuilder places, FrozenDictionary<JsonSchema, Place> roots)
    {
        _named = named.ToFrozenSet(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        _patterns = [.. places.Patterns];
        _roots = roots;
    }

    /// <summary>The shapes of entries of the maps <paramref name="maps"/> of <paramref name="schema"/>, or null when it judges strings in a way shapes cannot follow.</summary>
    public static ValidationShapes? For(JsonSchema schema, IEnumerable<JsonSchema> maps)
    {
        var named = new HashSet<string>(StringComparer.Ordinal);
        if (!Suits(schema, named, new HashSet<JsonSchema>(ReferenceEqualityComparer.Instance)))
        {
            return null;
        }

        var places = new PlaceBuilder();
        var roots = maps.Distinct().ToFrozenDictionary<JsonSchema, JsonSchema, Place>(map => map, map => places.For([map]), ReferenceEqualityComparer.Instance);
        return new ValidationShapes(named, places, roots);
    }

    /// <summary>A buffer for one thread, with its own copies of the schema's patterns (a shared Regex hands out one runner at a time).</summary>
    public ShapeText NewText() => new([.. _patterns.Select(Compile)]);

    // The same pattern text and default options as the validator's own matching, compiled once per thread.
    private static Regex Compile(string pattern) => new(pattern, RegexOptions.Compiled);

    /// <summary>Where the entries of the map whose schema is <paramref name="map"/> stand, one of the maps the shapes were made for.</summary>
    public Place PlaceOf(JsonSchema map) => _roots[map];

    /// <summary>Writes the shape of the member <paramref name="entry"/> (name and value) of a map at <paramref name="root"/> into <paramref name="shape"/>; false when it cannot be reduced.</summary>
    /// <remarks>Reads the value from the source's bytes, so that a deferred value is never built to be judged.</remarks>
    public bool TryWrite(SourceText source, Place root, JsonPropertySyntax entry, ShapeText shape)
    {
        shape.Clear();

        // Entries of different maps are judged by different schemas: their shapes must never meet.
        shape.Append((char)root.Id).Append(':');
        if (!AppendString(shape, entry.Name, root.NamePatterns, null))
        {
            return false;
        }

        shape.Append(':');
        var next = root.Child(entry.Name);
        var open = shape.Open;
        open.Clear();

        // The reader has checked these bytes strictly already; this pass only walks them.
        var json = new JsonScanner(source.Bytes.Span[(int)entry.Value.Offset..], JsonSyntaxReader.MaxDepth, JsonSyntaxReader.MaxTokenBytes);
        do
        {
            if (!json.Read())
            {
                return false;
            }

            switch (json.Token)
            {
                case JsonToken.StartObject:
                    open.Add((next, false));
                    shape.Append('{');
                    break;
                case JsonToken.StartArray:
                    open.Add((next, true));
                    next = next.Items;
                    shape.Append('[');
                    break;
                case JsonToken.EndObject:
                case JsonToken.EndArray:
                    open.RemoveAt(open.Count - 1);
                    if (open.Count > 0 && open[^1].IsArray)
                    {
                        next = open[^1].Place.Items;
                    }

                    shape.Append(json.Token == JsonToken.EndObject ? '}' : ']').Append(',');
                    break;
                case JsonToken.PropertyName:
                    var owner = open[^1].Place;
                    var name = shape.Decode(json.Value, json.ValueIsEscaped);
                    if (!AppendString(shape, name, owner.NamePatterns, null))
                    {
                        return false;
                    }

                    next = owner.Child(name);
                    shape.Append(':');
                    break;
                case JsonToken.String:
                    if (!AppendString(shape, shape.Decode(json.Value, json.ValueIsEscaped), next.ValuePatterns, next.LengthBounds))
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
        while (open.Count > 0);

        return true;
    }

    /// <remarks>A member name is judged only by patternProperties, a string value only by pattern and lengths.</remarks>
    private bool AppendString(ShapeText shape, ReadOnlySpan<char> text, int[] patterns, int[]? lengthBounds)
    {
        if (_named.Contains(text))
        {
            shape.Append('=').Append(text).Append('=');
            return true;
        }

        // Length is counted the way .NET strings count it; text outside the BMP is kept out of shapes
        // rather than trusting that every validator counts it the same way.
        if (text.ContainsAnyInRange('\uD800', '\uDFFF'))
        {
            return false;
        }

        shape.Append('~');
        foreach (int pattern in patterns)
        {
            shape.Append(shape.Patterns[pattern].IsMatch(text) ? '1' : '0');
        }

        foreach (int bound in lengthBounds ?? [])
        {
            shape.Append(text.Length.CompareTo(bound) switch { < 0 => '<', 0 => '=', _ => '>' });
        }

        return true;
    }

    /// <summary>Whether shapes can follow every test <paramref name="schema"/> applies to strings; gathers the strings it names.</summary>
    private static bool Suits(JsonSchema schema, HashSet<string> named, HashSet<JsonSchema> seen)
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
            named.Add(value?.ToString() ?? "null");
        }

        named.UnionWith(actual.RequiredProperties);
        named.UnionWith(actual.Properties.Keys);
        return Children(actual).Concat(actual.Definitions.Values).All(child => Suits(child, named, seen));
    }

    /// <summary>Every schema that <paramref name="schema"/> applies to its value or to values inside it.</summary>
    private static IEnumerable<JsonSchema> Children(JsonSchema schema) =>
        schema.Properties.Values.Concat(MemberSchemas(schema)).Concat(Applied(schema).Skip(1)).Concat(ItemSchemas(schema));

    /// <summary>The schemas that may judge any member of an object: patternProperties and additionalProperties.</summary>
    private static IEnumerable<JsonSchema> MemberSchemas(JsonSchema schema) =>
        schema.PatternProperties.Values.Concat(new[] { schema.AdditionalPropertiesSchema }.OfType<JsonSchema>());

    /// <summary>The schemas that may judge an item of an array.</summary>
    private static IEnumerable<JsonSchema> ItemSchemas(JsonSchema schema) =>
        schema.Items.Concat(new[] { schema.Item, schema.AdditionalItemsSchema }.OfType<JsonSchema>());

    /// <summary>The schema itself and those it applies to the same value (allOf, anyOf, oneOf, not).</summary>
    private static IEnumerable<JsonSchema> Applied(JsonSchema schema) =>
        new[] { schema }.Concat(schema.AllOf).Concat(schema.AnyOf).Concat(schema.OneOf).Concat(new[] { schema.Not }.OfType<JsonSchema>());

    /// <summary>
    /// The tests that may apply to a value at one position of an entry: those of every schema that may judge it.
    /// A superset is safe (a shape then only tells apart more strings than it needs to); the place of a position
    /// depends only on what the shape keeps before it (member names the schema names, and array nesting).
    /// </summary>
    internal sealed class Place
    {
        private Dictionary<string, Place>.AlternateLookup<ReadOnlySpan<char>> _named;

        /// <summary>Tells apart the places of one schema.</summary>
        public int Id { get; init; }

        /// <summary>The patterns (by index) that judge the names of an object's members here.</summary>
        public int[] NamePatterns { get; set; } = [];

        /// <summary>The patterns (by index) that judge a string here.</summary>
        public int[] ValuePatterns { get; set; } = [];

        /// <summary>The length bounds that judge a string here.</summary>
        public int[] LengthBounds { get; set; } = [];

        /// <summary>The place of the items of an array here.</summary>
        public Place Items { get; set; } = null!;

        /// <summary>The place of a member not named by any schema here.</summary>
        public Place Other { get; set; } = null!;

        public void SetNamed(Dictionary<string, Place> named) => _named = named.GetAlternateLookup<ReadOnlySpan<char>>();

        /// <summary>The place of the member <paramref name="name"/> of an object here.</summary>
        public Place Child(ReadOnlySpan<char> name) => _named.TryGetValue(name, out var place) ? place : Other;
    }

    /// <summary>Builds the places of one schema, one per distinct set of schemas that may judge a position.</summary>
    private sealed class PlaceBuilder
    {
        private readonly Dictionary<string, Place> _bySet = new(StringComparer.Ordinal);
        private readonly Dictionary<JsonSchema, int> _ids = new(ReferenceEqualityComparer.Instance);

        public List<string> Patterns { get; } = [];

        /// <summary>The place where exactly <paramref name="schemas"/> (and what they apply) may judge a value.</summary>
        public Place For(IEnumerable<JsonSchema> schemas)
        {
            var set = Closure(schemas);
            string key = string.Join(',', set.Select(s => _ids.TryGetValue(s, out int id) ? id : _ids[s] = _ids.Count).Order());
            if (_bySet.TryGetValue(key, out var known))
            {
                return known;
            }

            // Registered before its children are built, so that a recursive schema ends.
            var place = new Place { Id = _bySet.Count };
            _bySet.Add(key, place);
            place.NamePatterns = [.. set.SelectMany(s => s.PatternProperties.Keys).Select(PatternIndex).Distinct()];
            place.ValuePatterns = [.. set.Select(s => s.Pattern).OfType<string>().Where(p => p.Length > 0).Select(PatternIndex).Distinct()];
            place.LengthBounds = [.. set.SelectMany(s => new[] { s.MinLength, s.MaxLength }).OfType<int>().Distinct().Order()];

            // Any member may be judged by every patternProperties schema and by additionalProperties:
            // which patterns match is in the shape already, and a superset is safe.
            var anyMember = set.SelectMany(MemberSchemas).ToList();
            place.Other = For(anyMember);
            place.SetNamed(set.SelectMany(s => s.Properties.Keys).Distinct().ToDictionary(
                name => name,
                name => For(anyMember.Concat(set.Where(s => s.Properties.ContainsKey(name)).Select(s => s.Properties[name]))),
                StringComparer.Ordinal));
            place.Items = For(set.SelectMany(ItemSchemas));
            return place;
        }

        private int PatternIndex(string pattern)
        {
            int index = Patterns.IndexOf(pattern);
            if (index < 0)
            {
                Patterns.Add(pattern);
                index = Patterns.Count - 1;
            }

            return index;
        }

        private static List<JsonSchema> Closure(IEnumerable<JsonSchema> schemas)
        {
            var seen = new HashSet<JsonSchema>(ReferenceEqualityComparer.Instance);
            var pending = new Stack<JsonSchema>(schemas);
            while (pending.TryPop(out var schema))
            {
                var actual = schema.ActualSchema;
                if (seen.Add(actual))
                {
                    foreach (var applied in Applied(actual).Skip(1))
                    {
                        pending.Push(applied);
                    }
                }
            }

            return [.. seen];
        }
    }
}

/// <summary>A reusable buffer for shapes and for the strings decoded while writing them.</summary>
internal sealed class ShapeText(Regex[] patterns)
{
    private char[] _shape = new char[256];
    private char[] _decoded = new char[256];
    private int _length;

    /// <summary>The schema's patterns, compiled for this thread, by index.</summary>
    public Regex[] Patterns { get; } = patterns;

    /// <summary>The containers open while a shape is written, each with its place.</summary>
    public List<(ValidationShapes.Place Place, bool IsArray)> Open { get; } = [];

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
