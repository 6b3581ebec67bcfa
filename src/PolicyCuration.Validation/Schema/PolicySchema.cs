using System.Globalization;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.Validation;
using PolicyCuration.Format;
using PolicyCuration.Format.Findings;
using PolicyCuration.Format.Json;

namespace PolicyCuration.Validation.Schema;

/// <summary>The list's JSON Schema (the contract), loaded from its file and applied to parsed lists.</summary>
/// <remarks>
/// Validation is exact but partitioned: a member of the root whose schema only constrains each of its
/// entries on its own (a map such as <c>policies</c>) is validated one entry at a time, and the root is
/// validated with such maps emptied. Per-entry validation of a map schema is the same as validating
/// the whole map when the map schema has no object-wide constraint (required, min/max properties); the
/// loader checks that before partitioning, and tests compare both ways on every file of the corpus.
/// Partitioning bounds memory: a large list as one Newtonsoft tree would take several times the file's size.
/// </remarks>
public sealed class PolicySchema
{
    private readonly JsonSchema _schema;
    private readonly HashSet<string> _maps;

    private PolicySchema(JsonSchema schema, string path)
    {
        _schema = schema;
        Path = path;
        _maps = [.. schema.Properties.Where(p => IsEntryWise(p.Value)).Select(p => p.Key)];
    }

    /// <summary>The file the schema was loaded from.</summary>
    public string Path { get; }

    /// <summary>Loads the schema from <paramref name="path"/>.</summary>
    /// <exception cref="SchemaLoadException">The file is missing or not a JSON Schema.</exception>
    public static PolicySchema Load(string path)
    {
        try
        {
            string text = File.ReadAllText(path);
            var schema = JsonSchema.FromJsonAsync(text, System.IO.Path.GetFullPath(path)).GetAwaiter().GetResult();
            return new PolicySchema(schema, path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Newtonsoft.Json.JsonException or InvalidOperationException or NotSupportedException)
        {
            throw new SchemaLoadException($"{path}: cannot load the JSON Schema: {ex.Message}", ex);
        }
    }

    /// <summary>The schema violations of <paramref name="root"/>, parsed from <paramref name="source"/>.</summary>
    public IReadOnlyList<Finding> Validate(SourceText source, JsonSyntax root) => Validate(source, root, partitioned: true);

    /// <summary>The same as <see cref="Validate(SourceText, JsonSyntax)"/>, optionally as one whole-document validation.</summary>
    public IReadOnlyList<Finding> Validate(SourceText source, JsonSyntax root, bool partitioned)
    {
        var findings = new List<Finding>();
        var validator = new JsonSchemaValidator();
        if (!partitioned || root is not JsonObjectSyntax top)
        {
            Report(validator.Validate(ToToken(source, root, skipMaps: false), _schema), source, findings);
            return findings;
        }

        Report(validator.Validate(ToToken(source, root, skipMaps: true), _schema), source, findings);
        foreach (var member in top.Properties)
        {
            if (_maps.Contains(member.Name) && member.Value is JsonObjectSyntax map)
            {
                foreach (var entry in map.Properties)
                {
                    Report(validator.Validate(new JObject(Property(source, entry)), _schema.Properties[member.Name]), source, findings, entry.Name);
                }
            }
        }

        return findings;
    }

    private static bool IsEntryWise(JsonSchema schema)
    {
        var actual = schema.ActualSchema;
        return actual.Type.HasFlag(JsonObjectType.Object)
            && actual.RequiredProperties.Count == 0
            && actual.Properties.Count == 0
            && actual.MinProperties == 0
            && actual.MaxProperties == 0
            && actual.AllOf.Count == 0 && actual.AnyOf.Count == 0 && actual.OneOf.Count == 0 && actual.Not is null;
    }

    private JToken ToToken(SourceText source, JsonSyntax node, bool skipMaps)
    {
        JToken token;
        switch (node)
        {
            case JsonObjectSyntax obj:
                var result = new JObject();
                foreach (var member in obj.Properties)
                {
                    result.Add(skipMaps && _maps.Contains(member.Name) && member.Value is JsonObjectSyntax
                        ? Annotate(new JProperty(member.Name, Annotate(new JObject(), member.Value.Offset)), member.NameOffset)
                        : Property(source, member));
                }

                token = result;
                break;
            default:
                token = Convert(source, node);
                break;
        }

        return Annotate(token, node.Offset);
    }

    private static JProperty Property(SourceText source, JsonPropertySyntax member) =>
        Annotate(new JProperty(member.Name, Convert(source, member.Value)), member.NameOffset);

    private static JToken Convert(SourceText source, JsonSyntax node)
    {
        JToken token = node.Built(source) switch
        {
            JsonObjectSyntax obj => new JObject(obj.Properties.Select(p => Property(source, p))),
            JsonArraySyntax array => new JArray(array.Items.Select(i => Convert(source, i))),
            JsonScalarSyntax { Kind: JsonKind.String } s => new JValue(s.Text),
            JsonScalarSyntax { Kind: JsonKind.Number } n => Number(n.Text),
            JsonScalarSyntax { Kind: JsonKind.Boolean } b => new JValue(b.Text == "true"),
            _ => JValue.CreateNull(),
        };
        return Annotate(token, node.Offset);
    }

    private static JValue Number(string text) =>
        !text.Contains('.') && !text.Contains('e') && !text.Contains('E') && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long integer)
            ? new JValue(integer)
            : new JValue(double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));

    private static T Annotate<T>(T token, long offset)
        where T : JToken
    {
        token.AddAnnotation(new SourceOffset(offset));
        return token;
    }

    private static void Report(IEnumerable<ValidationError> errors, SourceText source, List<Finding> findings, string? subjectOfAll = null)
    {
        foreach (var error in Flatten(errors))
        {
            var kind = KindOf(error.Kind);
            string subject = subjectOfAll ?? SubjectOf(error.Token);
            var location = error.Token?.Annotation<SourceOffset>() is { } at ? source.LocationOf(at.Offset) : null;
            findings.Add(kind.At(subject, Describe(error), location));
        }
    }

    /// <summary>The errors a reader can act on: wrappers opened, and a failed oneOf narrowed to the branch meant.</summary>
    private static IEnumerable<ValidationError> Flatten(IEnumerable<ValidationError> errors)
    {
        foreach (var error in errors)
        {
            if (error is not ChildSchemaValidationError parent)
            {
                yield return error;
            }
            else if (error.Kind is not (ValidationErrorKind.NotOneOf or ValidationErrorKind.NotAnyOf))
            {
                foreach (var child in Flatten(parent.Errors.Values.SelectMany(e => e)))
                {
                    yield return child;
                }
            }
            else if (IntendedBranch(parent) is { } branch)
            {
                foreach (var child in Flatten(branch))
                {
                    yield return child;
                }
            }
            else
            {
                yield return error;
            }
        }
    }

    /// <summary>The one branch whose members all fit, so that only its values are wrong; null when none or several.</summary>
    private static ICollection<ValidationError>? IntendedBranch(ChildSchemaValidationError error)
    {
        var fitting = error.Errors.Values
            .Where(branch => branch.All(e => e.Kind is not (ValidationErrorKind.NoAdditionalPropertiesAllowed or ValidationErrorKind.PropertyRequired or ValidationErrorKind.ObjectExpected)))
            .ToList();
        return fitting.Count == 1 && fitting[0].Count > 0 ? fitting[0] : null;
    }

    private static string SubjectOf(JToken? token)
    {
        // The subject is the domain or alias a value belongs to: the member just below "policies" or
        // "policy-aliases"; anything else is about the list as a whole.
        var names = new List<string>();
        for (var at = token; at is not null; at = at.Parent)
        {
            if (at is JProperty property)
            {
                names.Add(property.Name);
            }
        }

        names.Reverse();
        return names.Count >= 2 && names[0] is "policies" or "policy-aliases" ? names[1] : "list";
    }

    private static FindingKind KindOf(ValidationErrorKind kind) => kind switch
    {
        ValidationErrorKind.PropertyRequired => SchemaFindingKinds.Required,
        ValidationErrorKind.NoAdditionalPropertiesAllowed or ValidationErrorKind.AdditionalPropertiesNotValid => SchemaFindingKinds.UnknownProperty,
        ValidationErrorKind.StringExpected or ValidationErrorKind.NumberExpected or ValidationErrorKind.IntegerExpected
            or ValidationErrorKind.BooleanExpected or ValidationErrorKind.ObjectExpected or ValidationErrorKind.ArrayExpected
            or ValidationErrorKind.NullExpected => SchemaFindingKinds.Type,
        ValidationErrorKind.NotInEnumeration => SchemaFindingKinds.Enum,
        ValidationErrorKind.PatternMismatch => SchemaFindingKinds.Pattern,
        ValidationErrorKind.NotOneOf or ValidationErrorKind.NotAnyOf => SchemaFindingKinds.PolicyShape,
        _ => SchemaFindingKinds.Violation,
    };

    private static string Describe(ValidationError error)
    {
        string where = WhereOf(error.Token);
        return error switch
        {
            { Kind: ValidationErrorKind.PropertyRequired } => $"{where} lacks the required member \"{error.Property}\"; add it",
            { Kind: ValidationErrorKind.NoAdditionalPropertiesAllowed } => $"{where} is not a member the format defines{Allowed(error.Schema)}; {Rename(error)}",
            { Kind: ValidationErrorKind.NotInEnumeration } => $"{where} must be one of {string.Join(", ", error.Schema?.ActualSchema.Enumeration.Select(e => $"\"{e}\"") ?? [])}",
            { Kind: ValidationErrorKind.PatternMismatch } => $"{where} does not have the required form: {Description(error.Schema)}",
            ChildSchemaValidationError { Kind: ValidationErrorKind.NotOneOf or ValidationErrorKind.NotAnyOf } => $"{where} must be either {{\"mode\", \"mxs\"}} or {{\"policy-alias\"}}, not both and not neither; {Branches((ChildSchemaValidationError)error)}",
            _ when KindOf(error.Kind) == SchemaFindingKinds.Type => $"{where} must be {Article(error.Kind)}, not {TypeName(error.Token)}",
            _ => $"{where} breaks the schema rule {Humanize(error.Kind)}{Limit(error)}",
        };
    }

    private static string WhereOf(JToken? token) => token switch
    {
        null => "the list",
        { Parent: JProperty property } => $"\"{property.Name}\"",
        { Parent: JArray array } => $"item {array.IndexOf(token) + 1} of {WhereOf(array)}",
        JProperty property => $"\"{property.Name}\"",
        _ => "the list",
    };

    /// <summary>"did you mean" the allowed member one or two edits away (<c>mx</c> for <c>mxs</c>), else remove or rename it.</summary>
    private static string Rename(ValidationError error) => Near(error) is { } near ? $"did you mean \"{near}\"?" : "remove or rename it";

    /// <summary>The member <paramref name="error"/>'s schema allows that is one or two edits from the one written, if any.</summary>
    private static string? Near(ValidationError error)
    {
        string? written = error.Property ?? (error.Token as JProperty)?.Name;
        return written is null ? null : error.Schema?.ActualSchema.Properties.Keys
            .Where(name => Distance(written, name) <= Math.Min(2, name.Length / 2))
            .OrderBy(name => Distance(written, name))
            .FirstOrDefault();
    }

    /// <summary>The edit distance of two short names (Levenshtein).</summary>
    private static int Distance(string a, string b)
    {
        if (a.Length > 64 || b.Length > 64)
        {
            return int.MaxValue;
        }

        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            previous = current;
        }

        return previous[b.Length];
    }

    private static string Allowed(JsonSchema? schema)
    {
        var names = schema?.ActualSchema.Properties.Keys.ToList() ?? [];
        return names.Count == 0 ? string.Empty : $" (allowed here: {string.Join(", ", names.Select(n => $"\"{n}\""))})";
    }

    private static string Description(JsonSchema? schema) =>
        schema?.Description ?? schema?.ActualSchema.Description ?? $"it must match {schema?.ActualSchema.Pattern}";

    private static string Branches(ChildSchemaValidationError error)
    {
        // A hostile policy can have any number of members: name a few, count the rest.
        const int Named = 5;
        var parts = error.Errors.Select(branch =>
        {
            var reasons = branch.Value.Take(Named).Select(e => e.Kind is ValidationErrorKind.NoAdditionalPropertiesAllowed
                ? $"{WhereOf(e.Token)} does not belong{(Near(e) is { } near ? $" (did you mean \"{near}\"?)" : string.Empty)}"
                : e.Kind is ValidationErrorKind.PropertyRequired ? $"\"{e.Property}\" is missing" : Humanize(e.Kind));
            string more = branch.Value.Count > Named ? $"; and {branch.Value.Count - Named} more" : string.Empty;
            return string.Join("; ", reasons) + more;
        });
        return "as written: " + string.Join(" / ", parts.Where(p => p.Length > 0));
    }

    private static string Article(ValidationErrorKind kind) => kind switch
    {
        ValidationErrorKind.StringExpected => "a string",
        ValidationErrorKind.NumberExpected => "a number",
        ValidationErrorKind.IntegerExpected => "an integer",
        ValidationErrorKind.BooleanExpected => "true or false",
        ValidationErrorKind.ObjectExpected => "an object",
        ValidationErrorKind.ArrayExpected => "an array",
        _ => "null",
    };

    private static string TypeName(JToken? token) => token?.Type switch
    {
        JTokenType.Object => "an object",
        JTokenType.Array => "an array",
        JTokenType.String => "a string",
        JTokenType.Integer or JTokenType.Float => "a number",
        JTokenType.Boolean => "a boolean",
        JTokenType.Null => "null",
        _ => "that",
    };

    private static string Limit(ValidationError error)
    {
        var schema = error.Schema?.ActualSchema;
        return error.Kind switch
        {
            ValidationErrorKind.TooFewItems => $" (at least {schema?.MinItems} items)",
            ValidationErrorKind.TooManyItems => $" (at most {schema?.MaxItems} items)",
            ValidationErrorKind.StringTooLong => $" (at most {schema?.MaxLength} characters)",
            ValidationErrorKind.NumberTooSmall => $" (at least {schema?.Minimum})",
            _ => string.Empty,
        };
    }

    private static string Humanize(ValidationErrorKind kind)
    {
        string name = kind.ToString();
        var words = new System.Text.StringBuilder();
        foreach (char c in name)
        {
            if (char.IsUpper(c) && words.Length > 0)
            {
                words.Append(' ');
            }

            words.Append(char.ToLowerInvariant(c));
        }

        return $"\"{words}\"";
    }

    private sealed record SourceOffset(long Offset);
}

/// <summary>The schema file could not be loaded.</summary>
public sealed class SchemaLoadException(string message, Exception inner) : Exception(message, inner);
