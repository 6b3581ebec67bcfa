using System.Text.Json;

namespace PolicyCuration.Format.Findings;

/// <summary>The one JSON shape of a finding, shared by every report that carries findings.</summary>
public static class FindingJson
{
    /// <summary>Writes one finding as a JSON object: code, severity, subject, summary, message, location.</summary>
    public static void Write(Utf8JsonWriter json, Finding finding)
    {
        json.WriteStartObject();
        json.WriteString("code", finding.Code);
        json.WriteString("severity", SeverityName(finding.Severity));
        json.WriteString("subject", finding.Subject);
        json.WriteString("summary", finding.Summary);
        json.WriteString("message", finding.Message);
        if (finding.Location is { } at)
        {
            json.WriteStartObject("location");
            json.WriteString("file", at.File);
            json.WriteNumber("line", at.Line);
            json.WriteNumber("column", at.Column);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("location");
        }

        json.WriteEndObject();
    }

    /// <summary>The lower-case name of a severity: error, warning, info.</summary>
    public static string SeverityName(Severity severity) => severity switch
    {
        Severity.Error => "error",
        Severity.Warning => "warning",
        _ => "info",
    };
}
