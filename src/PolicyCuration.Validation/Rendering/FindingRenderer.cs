using System.Text;
using System.Text.Json;
using PolicyCuration.Format.Escaping;
using PolicyCuration.Format.Findings;

namespace PolicyCuration.Validation.Rendering;

/// <summary>Writes findings for people (text), programs (JSON) and GitHub Actions (workflow commands).</summary>
public static class FindingRenderer
{
    /// <summary>Writes <paramref name="findings"/> in <paramref name="format"/>; text and GitHub end with <paramref name="total"/>.</summary>
    public static void Write(TextWriter output, IReadOnlyList<Finding> findings, FindingFormat format, string total)
    {
        switch (format)
        {
            case FindingFormat.Json:
                output.WriteLine(ToJson(findings));
                break;
            case FindingFormat.GitHub:
                foreach (var finding in findings)
                {
                    TerminalWriter.WriteCommand(output, ToWorkflowCommand(finding));
                }

                output.WriteLine(total);
                break;
            default:
                foreach (var finding in findings)
                {
                    output.WriteLine(ToLine(finding));
                }

                output.WriteLine(total);
                break;
        }
    }

    /// <summary>The one-line total: errors, warnings and what was checked.</summary>
    public static string Total(IReadOnlyList<Finding> findings, string what)
    {
        int errors = findings.Count(f => f.Severity == Severity.Error);
        int warnings = findings.Count(f => f.Severity == Severity.Warning);
        return $"{what}: {Plural(errors, "error")}, {Plural(warnings, "warning")}";
    }

    /// <summary><c>file:line:col: error CODE: message</c>.</summary>
    public static string ToLine(Finding finding)
    {
        string place = finding.Location?.ToString() ?? finding.Subject;
        return $"{place}: {FindingJson.SeverityName(finding.Severity)} {finding.Code}: {finding.Message}";
    }

    /// <summary>A GitHub workflow command: <c>::error file=…,line=…,col=…,title=CODE::message</c>.</summary>
    public static string ToWorkflowCommand(Finding finding)
    {
        string command = finding.Severity switch
        {
            Severity.Error => "error",
            Severity.Warning => "warning",
            _ => "notice",
        };
        var properties = new List<string>();
        if (finding.Location is { } at)
        {
            properties.Add($"file={EscapeProperty(at.File)}");
            properties.Add($"line={at.Line}");
            properties.Add($"col={at.Column}");
        }

        properties.Add($"title={EscapeProperty(finding.Code)}");
        return $"::{command} {string.Join(',', properties)}::{EscapeData(finding.Message)}";
    }

    /// <summary>The findings as a JSON array (<c>schema/findings.schema.json</c>).</summary>
    public static string ToJson(IReadOnlyList<Finding> findings) => FindingJson.Array(findings);

    /// <summary>A command's message: the terminal's escapes, then GitHub's.</summary>
    public static string EscapeData(string value) =>
        TerminalText.Line(value).Replace("%", "%25", StringComparison.Ordinal).Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal);

    /// <summary>GitHub's escaping of a command's property value: the message's, plus <c>:</c> and <c>,</c>.</summary>
    public static string EscapeProperty(string value) =>
        EscapeData(value).Replace(":", "%3A", StringComparison.Ordinal).Replace(",", "%2C", StringComparison.Ordinal);

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
