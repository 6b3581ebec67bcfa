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

    /// <summary>
    /// Asserts that what a <c>policyctl</c> run with <paramref name="args"/> wrote in JSON meets its schema: the
    /// findings, probe reports or review it printed with <c>--format json</c>, the review of <c>--json-out</c>, the
    /// audit lines of <c>audit --out</c>, the manifest of <c>release --out</c>.
    /// </summary>
    public static void OfCommand(IReadOnlyList<string> args, string output)
    {
        string? Option(string name) => args.Select((a, i) => (a, i)).Where(p => p.a == name && p.i + 1 < args.Count).Select(p => args[p.i + 1]).LastOrDefault();
        string command = args.Count > 0 ? args[0] : string.Empty;
        string? printed = command switch
        {
            "validate" => "findings.schema.json",
            "probe" => "probe-report.schema.json",
            "check-pr" => "review-report.schema.json",
            "diff" => "diff.schema.json",
            _ => null,
        };
        if (printed is not null && Option("--format") == "json" && output.TrimStart() is ['[' or '{', ..])
        {
            Meets(printed, output);
        }

        if (command == "check-pr" && Option("--json-out") is { } review && File.Exists(review))
        {
            Meets("review-report.schema.json", File.ReadAllText(review));
        }

        if (command == "audit" && Option("--out") is { } lines && File.Exists(lines))
        {
            AuditLines(lines);
        }

        if (command == "release" && Option("--out") is { } release && File.Exists(Path.Combine(release, "manifest.json")))
        {
            Meets("release-manifest.schema.json", File.ReadAllText(Path.Combine(release, "manifest.json")));
        }
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
