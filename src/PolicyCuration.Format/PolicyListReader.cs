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

    /// <summary>Reads <paramref name="source"/> whole.</summary>
    public static PolicyListReadResult Read(SourceText source) => Read(source, policiesLeftInFile: false);

    /// <summary>
    /// Reads <paramref name="source"/> as strictly as <see cref="Read(SourceText)"/>, but leaves the policies in the file
    /// (<see cref="PolicyList.Policies"/> is empty): read them one at a time with <see cref="ReadPolicies"/>.
    /// </summary>
    public static PolicyListReadResult ReadHead(SourceText source) => Read(source, policiesLeftInFile: true);

    /// <summary>The policies of a list read by <see cref="ReadHead"/>, one at a time; what does not fit the model is added to <paramref name="problems"/>.</summary>
    public static PolicyMapReader ReadPolicies(PolicyList head, ICollection<Finding> problems)
    {
        var source = head.Source ?? throw new ArgumentException("the list was not read from a source", nameof(head));
        return new PolicyMapReader(source, head.PoliciesOffset, (offset, message) => problems.Add(Shape.At("list", message, source.LocationOf(offset))));
    }

    private static PolicyListReadResult Read(SourceText source, bool policiesLeftInFile)
    {
        // The strict pass keeps the maps' entries only as names and places (or, for the policies left in the file,
        // not at all): policies are built one at a time as the model is made.
        var json = JsonSyntaxReader.Read(source, deferFromDepth: policiesLeftInFile ? 1 : 2);
        if (json.Root is null)
        {
            return new PolicyListReadResult(source, null, null, [json.Failure!]);
        }

        var problems = new List<Finding>();
        var list = ReadList(source, json.Root, problems, policiesLeftInFile);
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

    private static PolicyList ReadList(SourceText source, JsonSyntax root, List<Finding> problems, bool policiesLeftInFile)
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
        long policiesAt = MapOffset(top.Find("policies"), Problem);
        return new PolicyList
        {
            Source = source,
            Timestamp = ReadTime(top.Find("timestamp"), Problem),
            Expires = ReadTime(top.Find("expires"), Problem),
            Version = ReadString(top.Find("version"), Problem),
            Author = ReadString(top.Find("author"), Problem),
            HasAliasSection = aliases is not null,
            Aliases = [.. new PolicyMapReader(source, MapOffset(aliases, Problem), Problem)],
            Policies = policiesLeftInFile ? [] : [.. new PolicyMapReader(source, policiesAt, Problem)],
            PoliciesOffset = policiesAt,
        };
    }

    /// <summary>Where the map in <paramref name="member"/> starts, or -1 when there is none or it is not an object.</summary>
    private static long MapOffset(JsonPropertySyntax? member, Action<long, string> problem)
    {
        if (member is not { } property)
        {
            return -1;
        }

        if (property.Value.Kind != JsonKind.Object)
        {
            problem(property.Value.Offset, $"\"{property.Name}\" must be an object");
            return -1;
        }

        return property.Value.Offset;
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
