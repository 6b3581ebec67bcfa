using NJsonSchema;

namespace PolicyCuration.Testing;

/// <summary>Checks what the tools wrote against the JSON Schemas in <c>schema/</c>, which define every JSON format but the list's.</summary>
public static class WrittenJson
{
    private static readonly Dictionary<string, JsonSchema> Loaded = [];

    /// <summary>Asserts that <paramref name="json"/> meets <c>schema/<paramref name="schemaFile"/></c>.</summary>
    public static void Meets(string schemaFile, string json)
    {
        JsonSchema schema;
        lock (Loaded)
        {
            if (!Loaded.TryGetValue(schemaFile, out schema!))
            {
                schema = JsonSchema.FromFileAsync(Path.Combine(TestFiles.Root, "schema", schemaFile)).GetAwaiter().GetResult();
                Loaded[schemaFile] = schema;
            }
        }

        var errors = schema.Validate(json);
        Assert.True(errors.Count == 0, $"{schemaFile}: {string.Join("; ", errors.Select(e => $"{e.Path}: {e.Kind}"))}\n{json}");
    }

    /// <summary>Asserts that every line of <paramref name="file"/> meets the audit line's schema, and returns the lines.</summary>
    public static string[] AuditLines(string file)
    {
        var lines = File.ReadAllLines(file);
        foreach (string line in lines)
        {
            Meets("audit-line.schema.json", line);
        }

        return lines;
    }
}
