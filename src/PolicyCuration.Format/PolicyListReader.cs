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

    /// <summary>Reads <paramref name="source"/>: the JSON strictly, then the model, noting what does not fit it.</summary>
    public static PolicyListReadResult Read(SourceText source)
    {
        var json = JsonSyntaxReader.Read(source);
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
            Aliases = ReadMap(aliases, Problem),
            Policies = ReadMap(top.Find("policies"), Problem),
        };
    }

    /// <summary>The named policies of the map in <paramref name="member"/>; none when there is none or it is not an object.</summary>
    private static NamedPolicy[] ReadMap(JsonPropertySyntax? member, Action<long, string> problem)
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

        return [.. map.Properties.Select(entry => new NamedPolicy(entry.Name, ReadPolicy(entry.Value, entry.Name, problem), entry.NameOffset))];
    }

    private static Policy ReadPolicy(JsonSyntax value, string name, Action<long, string> problem)
    {
        if (value is not JsonObjectSyntax members)
        {
            problem(value.Offset, $"the policy of \"{name}\" must be an object");
            return new Policy { Offset = value.Offset };
        }

        PolicyMode? mode = null;
        MxPattern[]? mxs = null;
        string? alias = null;
        long mxsOffset = -1, aliasOffset = -1;
        foreach (var member in members.Properties)
        {
            switch (member.Name, member.Value)
            {
                case ("mode", JsonScalarSyntax { Kind: JsonKind.String } text) when PolicyModeNames.Parse(text.Text) is { } parsed:
                    mode = parsed;
                    break;
                case ("mxs", JsonArraySyntax patterns):
                    mxsOffset = patterns.Offset;
                    mxs = ReadPatterns(patterns, name, problem);
                    break;
                case ("policy-alias", JsonScalarSyntax { Kind: JsonKind.String } text):
                    (alias, aliasOffset) = (text.Text, text.Offset);
                    break;
                default:
                    problem(member.NameOffset, $"\"{member.Name}\" of \"{name}\" is not a valid policy member");
                    break;
            }
        }

        return new Policy { Mode = mode, Mxs = mxs, Alias = alias, Offset = value.Offset, MxsOffset = mxsOffset, AliasOffset = aliasOffset };
    }

    // An array with a non-string item is left out whole, so that no rule judges half of it.
    private static MxPattern[]? ReadPatterns(JsonArraySyntax patterns, string name, Action<long, string> problem)
    {
        bool allStrings = true;
        foreach (var item in patterns.Items.Where(i => i.Kind != JsonKind.String))
        {
            problem(item.Offset, $"an MX pattern of \"{name}\" must be a string");
            allStrings = false;
        }

        return allStrings ? [.. patterns.Items.Cast<JsonScalarSyntax>().Select(p => new MxPattern(p.Text, p.Offset))] : null;
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
