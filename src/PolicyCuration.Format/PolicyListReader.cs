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

    [ThreadStatic]
    private static List<MxPattern>? t_plainItems;

    /// <summary>The list does not have the shape of format 0.1 (reported by consumers that have no schema).</summary>
    public static readonly FindingKind Shape = new("list.shape", Severity.Error, "Not a policy list");

    /// <summary>Reads <paramref name="source"/>.</summary>
    public static PolicyListReadResult Read(SourceText source)
    {
        // Policies and aliases are built one at a time from the bytes: the tree keeps only their names.
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
            var finding = Shape.At("list", message, source.LocationOf(offset));
            lock (problems)
            {
                problems.Add(finding);
            }
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
        if (result.Length == 0)
        {
            return result;
        }

        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, entries.Count, 4096), range =>
        {
            for (int i = range.Item1; i < range.Item2; i++)
            {
                result[i] = new NamedPolicy(entries[i].Name, ReadPolicy(source, entries[i], problem), entries[i].NameOffset);
            }
        });
        return result;
    }

    private static Policy ReadPolicy(SourceText source, JsonPropertySyntax entry, Action<long, string> problem)
    {
        if (entry.Value is JsonDeferredSyntax { Kind: JsonKind.Object } deferred && ReadPlainPolicy(source, deferred.Offset) is { } plain)
        {
            return plain;
        }

        if (entry.Value.Built(source) is not JsonObjectSyntax body)
        {
            problem(entry.Value.Offset, $"the policy of \"{entry.Name}\" must be an object");
            return new Policy { Offset = entry.Value.Offset };
        }

        PolicyMode? mode = null;
        MxPattern[]? mxs = null;
        string? alias = null;
        long mxsOffset = -1, aliasOffset = -1;
        foreach (var member in body.Properties)
        {
            switch (member.Name, member.Value)
            {
                case ("mode", JsonScalarSyntax { Kind: JsonKind.String } m) when PolicyModeNames.Parse(m.Text) is { } parsed:
                    mode = parsed;
                    break;
                case ("mxs", JsonArraySyntax array):
                    // An array with a non-string item is left out whole, so that no rule judges half of it.
                    mxsOffset = array.Offset;
                    mxs = new MxPattern[array.Items.Count];
                    for (int i = 0; i < array.Items.Count; i++)
                    {
                        var item = array.Items[i];
                        if (item is JsonScalarSyntax { Kind: JsonKind.String } s)
                        {
                            mxs?[i] = new MxPattern(s.Text, s.Offset);
                        }
                        else
                        {
                            problem(item.Offset, $"an MX pattern of \"{entry.Name}\" must be a string");
                            mxs = null;
                        }
                    }

                    break;
                case ("policy-alias", JsonScalarSyntax { Kind: JsonKind.String } a):
                    alias = a.Text;
                    aliasOffset = a.Offset;
                    break;
                default:
                    problem(member.NameOffset, $"\"{member.Name}\" of \"{entry.Name}\" is not a valid policy member");
                    break;
            }
        }

        return new Policy { Mode = mode, Mxs = mxs, Alias = alias, Offset = body.Offset, MxsOffset = mxsOffset, AliasOffset = aliasOffset };
    }

    /// <summary>A policy read straight from its bytes when it has the format's plain form, else null.</summary>
    /// <remarks>
    /// Nearly every entry is plain ({mode, mxs} or {policy-alias}, strings where strings belong), and reading
    /// those without building their JSON tree halves the cost of a large list. Anything else goes the general way,
    /// which says what does not fit. The reader has already checked the bytes, so only the form is in question.
    /// </remarks>
    private static Policy? ReadPlainPolicy(SourceText source, long offset)
    {
        var json = new JsonScanner(source.Bytes.Span[(int)offset..], JsonSyntaxReader.MaxDepth, JsonSyntaxReader.MaxTokenBytes);
        if (!json.Read() || json.Token != JsonToken.StartObject)
        {
            return null;
        }

        PolicyMode? mode = null;
        MxPattern[]? mxs = null;
        string? alias = null;
        long mxsOffset = -1, aliasOffset = -1;
        while (json.Read() && json.Token == JsonToken.PropertyName && !json.ValueIsEscaped)
        {
            var member = json.Value;
            if (member.SequenceEqual("mode"u8))
            {
                if (!json.Read() || json.Token != JsonToken.String)
                {
                    return null;
                }

                mode = json.Value.SequenceEqual("enforce"u8) ? PolicyMode.Enforce : json.Value.SequenceEqual("testing"u8) ? PolicyMode.Testing : null;
                if (mode is null)
                {
                    return null;
                }
            }
            else if (member.SequenceEqual("mxs"u8))
            {
                if (!json.Read() || json.Token != JsonToken.StartArray)
                {
                    return null;
                }

                mxsOffset = offset + json.TokenStart;
                var items = t_plainItems ??= new List<MxPattern>(8);
                items.Clear();
                while (json.Read() && json.Token == JsonToken.String)
                {
                    items.Add(new MxPattern(json.GetString(), offset + json.TokenStart));
                }

                if (json.Token != JsonToken.EndArray)
                {
                    return null;
                }

                mxs = [.. items];
            }
            else if (member.SequenceEqual("policy-alias"u8))
            {
                if (!json.Read() || json.Token != JsonToken.String)
                {
                    return null;
                }

                alias = json.GetString();
                aliasOffset = offset + json.TokenStart;
            }
            else
            {
                return null;
            }
        }

        return json.Token == JsonToken.EndObject
            ? new Policy { Mode = mode, Mxs = mxs, Alias = alias, Offset = offset, MxsOffset = mxsOffset, AliasOffset = aliasOffset }
            : null;
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
