using System.Text.Json;
using System.Text.Json.Serialization;

namespace PolicyCuration.Format.Findings;

/// <summary>The one JSON shape of a finding, shared by every format that carries findings (<see cref="FindingData"/>).</summary>
public static class FindingJson
{
    /// <summary>Writes one finding as a JSON object: code, severity, subject, summary, message, location.</summary>
    public static void Write(Utf8JsonWriter json, Finding finding) =>
        JsonSerializer.Serialize(json, FindingData.From(finding), FindingContext.Default.FindingData);

    /// <summary>The findings as an indented JSON array.</summary>
    public static string Array(IEnumerable<Finding> findings) =>
        JsonSerializer.Serialize([.. findings.Select(FindingData.From)], FindingContext.Default.IReadOnlyListFindingData);

    /// <summary>The lower-case name of a severity: error, warning, info.</summary>
    public static string SeverityName(Severity severity) => severity switch
    {
        Severity.Error => "error",
        Severity.Warning => "warning",
        _ => "info",
    };
}

/// <summary>A finding as the JSON formats carry it, for System.Text.Json's source generator.</summary>
/// <param name="Code">The finding's code.</param>
/// <param name="Severity">error, warning or info.</param>
/// <param name="Subject">What it is about.</param>
/// <param name="Summary">Two to five words.</param>
/// <param name="Message">What is wrong and how to fix it.</param>
/// <param name="Location">Where in a file, or null.</param>
public sealed record FindingData(string Code, string Severity, string Subject, string Summary, string Message, LocationData? Location)
{
    /// <summary>The data of <paramref name="finding"/>.</summary>
    public static FindingData From(Finding finding) => new(
        finding.Code,
        FindingJson.SeverityName(finding.Severity),
        finding.Subject,
        finding.Summary,
        finding.Message,
        finding.Location is { } at ? new LocationData(at.File, at.Line, at.Column) : null);

    /// <summary>The finding these data describe.</summary>
    public Finding ToFinding() => new(
        Code,
        Severity switch
        {
            "error" => Findings.Severity.Error,
            "warning" => Findings.Severity.Warning,
            _ => Findings.Severity.Info,
        },
        Subject,
        Summary,
        Message,
        Location is { } at ? new SourceLocation(at.File, at.Line, at.Column) : null);
}

/// <summary>A place in a file, 1-based.</summary>
/// <param name="File">The file.</param>
/// <param name="Line">The line.</param>
/// <param name="Column">The column.</param>
public sealed record LocationData(string File, int Line, int Column);

/// <summary>The findings' serialiser, made at build time.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(FindingData))]
[JsonSerializable(typeof(IReadOnlyList<FindingData>))]
internal sealed partial class FindingContext : JsonSerializerContext;
