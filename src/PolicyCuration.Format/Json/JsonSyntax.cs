namespace PolicyCuration.Format.Json;

/// <summary>The kind of a JSON value.</summary>
public enum JsonKind
{
    /// <summary>An object.</summary>
    Object,

    /// <summary>An array.</summary>
    Array,

    /// <summary>A string.</summary>
    String,

    /// <summary>A number, kept as written.</summary>
    Number,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary><c>null</c>.</summary>
    Null,
}

/// <summary>A JSON value as it stands in its file: kind, content and the byte offset where it starts.</summary>
public abstract class JsonSyntax(JsonKind kind, long offset)
{
    /// <summary>What kind of value this is.</summary>
    public JsonKind Kind { get; } = kind;

    /// <summary>Byte offset of the value's first character in the source.</summary>
    public long Offset { get; } = offset;

    /// <summary>This value, or, when deferred, the value built whole from <paramref name="source"/>.</summary>
    public JsonSyntax Built(SourceText source) => this is JsonDeferredSyntax deferred ? deferred.Build(source) : this;
}

/// <summary>A JSON object; its members keep their order in the file.</summary>
public sealed class JsonObjectSyntax(long offset, IReadOnlyList<JsonPropertySyntax> properties)
    : JsonSyntax(JsonKind.Object, offset)
{
    /// <summary>The members, in file order (duplicates are refused by the reader).</summary>
    public IReadOnlyList<JsonPropertySyntax> Properties { get; } = properties;

    /// <summary>The member named <paramref name="name"/>, compared ordinally, or null.</summary>
    public JsonPropertySyntax? Find(string name)
    {
        foreach (var property in Properties)
        {
            if (property.Name == name)
            {
                return property;
            }
        }

        return null;
    }
}

/// <summary>A member of an object: its name, where the name starts, and its value.</summary>
public readonly record struct JsonPropertySyntax(string Name, long NameOffset, JsonSyntax Value);

/// <summary>A JSON array.</summary>
public sealed class JsonArraySyntax(long offset, IReadOnlyList<JsonSyntax> items)
    : JsonSyntax(JsonKind.Array, offset)
{
    /// <summary>The items, in file order.</summary>
    public IReadOnlyList<JsonSyntax> Items { get; } = items;
}

/// <summary>A string, number, boolean or null.</summary>
/// <remarks>For a string, <see cref="Text"/> is the unescaped value; for the others it is the token as written.</remarks>
public sealed class JsonScalarSyntax(JsonKind kind, long offset, string text) : JsonSyntax(kind, offset)
{
    /// <summary>The unescaped string, or the literal text of a number, boolean or null.</summary>
    public string Text { get; } = text;
}

/// <summary>A container that the reader checked but did not build; <see cref="Build"/> builds it from the source.</summary>
public sealed class JsonDeferredSyntax(JsonKind kind, long offset) : JsonSyntax(kind, offset)
{
    /// <summary>The container, built whole from <paramref name="source"/>, which must be the file it was read from.</summary>
    public JsonSyntax Build(SourceText source) => JsonSyntaxReader.ReadAt(source, Offset);
}
