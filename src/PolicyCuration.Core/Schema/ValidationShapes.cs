using System.Text;
using System.Text.RegularExpressions;
using NJsonSchema;
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
    private readonly HashSet<string> _named = new(StringComparer.Ordinal);
    private readonly List<Regex> _valuePatterns = [];
    private readonly List<Regex> _namePatterns = [];
    private readonly SortedSet<int> _lengthBounds = [];

    private ValidationShapes()
    {
    }

    /// <summary>The shapes for <paramref name="schema"/>, or null when it judges strings in a way shapes cannot follow.</summary>
    public static ValidationShapes? For(JsonSchema schema)
    {
        var shapes = new ValidationShapes();
        return shapes.Collect(schema, new HashSet<JsonSchema>(ReferenceEqualityComparer.Instance)) ? shapes : null;
    }

    /// <summary>The shape of the member <paramref name="entry"/> (name and value), or null when it cannot be reduced.</summary>
    public string? Of(JsonPropertySyntax entry)
    {
        var shape = new StringBuilder(128);
        return AppendString(shape, entry.Name, _namePatterns) && Append(shape.Append(':'), entry.Value) ? shape.ToString() : null;
    }

    private bool Append(StringBuilder shape, JsonSyntax value)
    {
        switch (value)
        {
            case JsonObjectSyntax obj:
                shape.Append('{');
                foreach (var member in obj.Properties)
                {
                    if (!AppendString(shape, member.Name, _namePatterns) || !Append(shape.Append(':'), member.Value))
                    {
                        return false;
                    }

                    shape.Append(',');
                }

                shape.Append('}');
                return true;
            case JsonArraySyntax array:
                shape.Append('[');
                foreach (var item in array.Items)
                {
                    if (!Append(shape, item))
                    {
                        return false;
                    }

                    shape.Append(',');
                }

                shape.Append(']');
                return true;
            case JsonScalarSyntax { Kind: JsonKind.String } text:
                return AppendString(shape, text.Text, _valuePatterns);
            case JsonScalarSyntax scalar:
                shape.Append('#').Append(scalar.Text);
                return true;
            default:
                return false;
        }
    }

    /// <remarks>A member name is judged only by patternProperties, a string value only by pattern and lengths.</remarks>
    private bool AppendString(StringBuilder shape, string text, List<Regex> patterns)
    {
        if (_named.Contains(text))
        {
            shape.Append('=').Append(text.Length).Append('=').Append(text);
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

        if (patterns == _namePatterns)
        {
            return true;
        }

        foreach (int bound in _lengthBounds)
        {
            shape.Append(text.Length.CompareTo(bound) switch { < 0 => '<', 0 => '=', _ => '>' });
        }

        return true;
    }

    private bool Collect(JsonSchema schema, HashSet<JsonSchema> seen)
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
            _named.Add(value?.ToString() ?? "null");
        }

        foreach (string name in actual.RequiredProperties)
        {
            _named.Add(name);
        }

        AddPattern(actual.Pattern, _valuePatterns);
        if (actual.MinLength is int min)
        {
            _lengthBounds.Add(min);
        }

        if (actual.MaxLength is int max)
        {
            _lengthBounds.Add(max);
        }

        var children = new List<JsonSchema>();
        foreach (var (name, property) in actual.Properties)
        {
            _named.Add(name);
            children.Add(property);
        }

        foreach (var (pattern, property) in actual.PatternProperties)
        {
            AddPattern(pattern, _namePatterns);
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

    private static void AddPattern(string? pattern, List<Regex> patterns)
    {
        if (!string.IsNullOrEmpty(pattern) && !patterns.Exists(p => p.ToString() == pattern))
        {
            // The same pattern text and default options as the validator's own matching, compiled for speed.
            patterns.Add(new Regex(pattern, RegexOptions.Compiled));
        }
    }
}
