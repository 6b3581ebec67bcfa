using System.Text.Json;
using PolicyCuration.Validation.Rendering;
using PolicyCuration.Format.Findings;

namespace PolicyCuration.Validation.Tests;

public class FindingRendererTests
{
    private static readonly Finding Error = new("list.mx.invalid_pattern", Severity.Error, "example.org", "Invalid MX pattern",
        "100% wrong:\r\nsee, here", new SourceLocation("policy/a,b:c.json", 12, 9));

    private static readonly Finding Warning = new("list.expired", Severity.Warning, "list", "List expired", "expired", null);

    [Fact]
    public void TextIsOneLinePerFindingThenTheTotal()
    {
        var output = new StringWriter();

        FindingRenderer.Write(output, [Error, Warning], FindingFormat.Text, FindingRenderer.Total([Error, Warning], "f.json"));

        Assert.Equal(
            ["policy/a,b:c.json:12:9: error list.mx.invalid_pattern: 100% wrong:\r\nsee, here".Split('\n')[0].TrimEnd('\r'), "see, here", "list: warning list.expired: expired", "f.json: 1 error, 1 warning"],
            output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')));
    }

    [Fact]
    public void GitHubCommandsEscapeDataAndProperties()
    {
        Assert.Equal(
            // Controls in a message are shown as escapes (the terminal's sink), then GitHub's own escaping applies.
            "::error file=policy/a%2Cb%3Ac.json,line=12,col=9,title=list.mx.invalid_pattern::100%25 wrong:\\u000D\\u000Asee, here",
            FindingRenderer.ToWorkflowCommand(Error));
        Assert.Equal("::warning title=list.expired::expired", FindingRenderer.ToWorkflowCommand(Warning));
        Assert.StartsWith("::notice ", FindingRenderer.ToWorkflowCommand(Warning with { Severity = Severity.Info }), StringComparison.Ordinal);
    }

    [Fact]
    public void JsonIsAnArrayOfFindings()
    {
        using var json = JsonDocument.Parse(FindingRenderer.ToJson([Error, Warning]));

        var first = json.RootElement[0];
        Assert.Equal("list.mx.invalid_pattern", first.GetProperty("code").GetString());
        Assert.Equal("error", first.GetProperty("severity").GetString());
        Assert.Equal(12, first.GetProperty("location").GetProperty("line").GetInt32());
        Assert.Equal("100% wrong:\r\nsee, here", first.GetProperty("message").GetString());
        Assert.Equal(JsonValueKind.Null, json.RootElement[1].GetProperty("location").ValueKind);
    }
}
