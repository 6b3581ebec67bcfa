using System.Text.Json;
using PolicyCuration.Format.Findings;
using PolicyCuration.Format.Json;
using PolicyCuration.Format.Model;

namespace PolicyCuration.Format;

/// <summary>Reads a policy list: strict JSON, then a lenient walk into the model that notes what does not fit.</summary>
public static class PolicyListReader
{
    /// <summary>Files larger than this are refused before reading (a 200 000-domain list is about 30 MB).</summary>
    public const long DefaultMaxFileBytes = 256L * 1024 * 1024;

    /// <summary>The list does not have the shape of format 0.1 (reported by consumers that have no schema).</summary>
    public static readonly FindingKind Shape = new("list.shape", Severity.Error, "Not a policy list");

    /// <summary>Reads <paramref name="source"/>.</summary>
    public static PolicyListReadResult Read(SourceText source)
    {
        // Policies and aliases are built one at a time as the model is made: the tree keeps only their names.
        var json = JsonSyntaxReader.Read(source, deferFromDepth: 2);
        if (json.Root is null)
        {
            return new PolicyListReadResult(source, null, null, [json.Failure!]);
        }

        var problems = new List<Finding>();
        var list = ReadList(source, json.Root, problems);
        problems.Sort(Finding.OutputOrder);
        return new PolicyListReadResult(source, json.Root, list, problems);
    }

    /// <summary>Reads a file; a file over <paramref name="maxBytes"/> yields a <c>json.file_too_large</c> finding.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static PolicyListReadResult ReadFile(string path, long maxBytes = DefaultMaxFileBytes, string? displayPath = null)
    {
        try
        {
            return Read(SourceText.FromFile(path, maxBytes, displayPath));
        }
        catch (InputTooLargeException ex)
        {
            var finding = JsonFindingKinds.FileTooLarge.At(
                "json", $"{ex.Size} bytes is more than the {ex.Cap}-byte limit for a list", new SourceLocation(displayPath ?? path, 1, 1));
            return new PolicyListReadResult(new SourceText(displayPath ?? path, []), null, null, [finding]);
        }
    }

    private static PolicyList ReadList(SourceText source, JsonSyntax root, List<Finding> problems)
    {
        void Problem(long offset, string message)
        {
            problems.Add(Shape.At("list", message, source.LocationOf(offset)));
        }

        if (root is not JsonObjectSyntax top)
        {
            Problem(root.Offset, "the list must be a JSON object");
            return new PolicyList { Source = source };
        }

        var aliases = top.Find("policy-aliases");
        return new PolicyList
        {
            Source = source,
            Timestamp = ReadTime(top.Find("timestamp"), Problem),
            Expires = ReadTime(top.Find("expires"), Problem),
            Version = ReadString(top.Find("version"), Problem),
            Author = ReadString(top.Find("author"), Problem),
            HasAliasSection = aliases is not null,
            Aliases = ReadPolicies(source, aliases, Problem),
            Policies = ReadPolicies(source, top.Find("policies"), Problem),
        };
    }

    private static ListTime? ReadTime(JsonPropertySyntax? member, Action<long, string> problem) => member switch
    {
        null => null,
        { Value: JsonScalarSyntax { Kind: JsonKind.String } s } => new ListTime(s.Text, false, s.Offset),
        { Value: JsonScalarSyntax { Kind: JsonKind.Number } n } => new ListTime(n.Text, true, n.Offset),
        { } other => Ignore<ListTime>(problem, other.Value.Offset, $"\"{other.Name}\" must be a string or a number"),
    };

    private static string? ReadString(JsonPropertySyntax? member, Action<long, string> problem) => member switch
    {
        null => null,
        { Value: JsonScalarSyntax { Kind: JsonKind.String } s } => s.Text,
        { } other => Ignore<string>(problem, other.Value.Offset, $"\"{other.Name}\" must be a string"),
    };

    private static NamedPolicy[] ReadPolicies(SourceText source, JsonPropertySyntax? member, Action<long, string> problem)
    {
        if (member is not { } property)
        {
            return [];
        }

        if (property.Value is not JsonObjectSyntax map)
        {
            problem(property.Value.Offset, $"\"{property.Name}\" must be an object");
            return [];
        }

        var entries = map.Properties;
        var result = new NamedPolicy[entries.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = new NamedPolicy(entries[i].Name, ReadPolicy(source, entries[i], problem), entries[i].NameOffset);
        }

        return result;
    }

    // The body was checked whole by the strict pass, which kept only its place: it is read here token by token
    // straight into the model, without a syntax tree for each of a large list's entries.
    private static Policy ReadPolicy(SourceText source, JsonPropertySyntax entry, Action<long, string> problem)
    {
        long offset = entry.Value.Offset;
        if (entry.Value.Kind != JsonKind.Object)
        {
            problem(offset, $"the policy of \"{entry.Name}\" must be an object");
            return new Policy { Offset = offset };
        }

        var reader = new Utf8JsonReader(source.Bytes.Span[(int)offset..], new JsonReaderOptions { MaxDepth = JsonSyntaxReader.MaxDepth + 1 });
        reader.Read();
        PolicyMode? mode = null;
        MxPattern[]? mxs = null;
        string? alias = null;
        long mxsOffset = -1, aliasOffset = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            long nameAt = offset + reader.TokenStartIndex;
            bool isMode = reader.ValueTextEquals("mode"u8), isMxs = reader.ValueTextEquals("mxs"u8), isAlias = reader.ValueTextEquals("policy-alias"u8);
            string? unknown = isMode || isMxs || isAlias ? null : reader.GetString();
            reader.Read();
            long valueAt = offset + reader.TokenStartIndex;
            bool isString = reader.TokenType == JsonTokenType.String;
            if (isMode && isString && PolicyModeNames.Parse(reader.GetString()!) is { } parsed)
            {
                mode = parsed;
            }
            else if (isMxs && reader.TokenType == JsonTokenType.StartArray)
            {
                mxsOffset = valueAt;
                mxs = ReadPatterns(ref reader, offset, entry.Name, problem);
            }
            else if (isAlias && isString)
            {
                alias = reader.GetString();
                aliasOffset = valueAt;
            }
            else
            {
                problem(nameAt, $"\"{unknown ?? (isMode ? "mode" : isMxs ? "mxs" : "policy-alias")}\" of \"{entry.Name}\" is not a valid policy member");
                reader.Skip();
            }
        }

        return new Policy { Mode = mode, Mxs = mxs, Alias = alias, Offset = offset, MxsOffset = mxsOffset, AliasOffset = aliasOffset };
    }

    // An array with a non-string item is left out whole, so that no rule judges half of it.
    private static MxPattern[]? ReadPatterns(ref Utf8JsonReader reader, long offset, string domain, Action<long, string> problem)
    {
        var patterns = new List<MxPattern>(4);
        bool allStrings = true;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            long itemAt = offset + reader.TokenStartIndex;
            if (reader.TokenType == JsonTokenType.String)
            {
                patterns.Add(new MxPattern(reader.GetString()!, itemAt));
                continue;
            }

            problem(itemAt, $"an MX pattern of \"{domain}\" must be a string");
            allStrings = false;
            reader.Skip();
        }

        return allStrings ? [.. patterns] : null;
    }

    private static T? Ignore<T>(Action<long, string> problem, long offset, string message)
        where T : class
    {
        problem(offset, message);
        return null;
    }
}

/// <summary>What reading a list gave: the JSON tree and the model when the JSON was well formed, and the problems.</summary>
/// <param name="Source">The file read.</param>
/// <param name="Root">The JSON tree, or null when the JSON was not well formed.</param>
/// <param name="List">The model, or null when the JSON was not well formed.</param>
/// <param name="Problems">The JSON failure, or the places where the model could not follow the file.</param>
public sealed record PolicyListReadResult(SourceText Source, JsonSyntax? Root, PolicyList? List, IReadOnlyList<Finding> Problems);
