using System.Text.Json.Nodes;

namespace PolicyCuration.Cli.Tests.Rehearsal;

/// <summary>The rehearsal's expressions: what the workflows use is evaluated as GitHub does; anything else is refused.</summary>
public sealed class WorkflowExpressionTests
{
    private static readonly JsonObject GitHub = new()
    {
        ["event"] = new JsonObject { ["pull_request"] = new JsonObject { ["number"] = 42, ["base"] = new JsonObject { ["sha"] = "abc" } }, ["workflow_run"] = new JsonObject { ["event"] = "pull_request" } },
        ["ref"] = "refs/heads/main",
    };

    [Theory]
    [InlineData("github.event.pull_request.number", "42")]
    [InlineData("github.event.pull_request.base.sha", "abc")]
    [InlineData("github.event.pull_request.missing", "")]
    [InlineData("github.ref == 'refs/heads/main'", "true")]
    [InlineData("github.ref == 'REFS/HEADS/MAIN'", "true")]
    [InlineData("github.ref != 'refs/heads/main'", "false")]
    [InlineData("github.event.workflow_run.event == 'pull_request' && always()", "true")]
    [InlineData("!(github.ref == 'refs/heads/main') || 'fallback'", "fallback")]
    [InlineData("fromJSON('[1,2,3]')", "[1,2,3]")]
    [InlineData("toJSON(github.event.pull_request.base)", "{\n  \"sha\": \"abc\"\n}")]
    [InlineData("'it''s'", "it's")]
    public void WhatTheWorkflowsUseIsEvaluatedAsGitHubDoes(string expression, string expected)
    {
        var value = WorkflowExpression.Evaluate(expression, Context, _ => true);

        Assert.Equal(expected, WorkflowExpression.AsString(value));
    }

    [Fact]
    public void AStringKeepsItsTextAroundEachExpressionAndOneExpressionKeepsItsType()
    {
        Assert.Equal("results-42.jsonl", WorkflowExpression.AsString(WorkflowExpression.Interpolate("results-${{ github.event.pull_request.number }}.jsonl", Context, _ => true)));
        Assert.IsType<JsonArray>(WorkflowExpression.Interpolate("${{ fromJSON('[1, 2]') }}", Context, _ => true));
    }

    [Theory]
    [InlineData("hashFiles('**/*.csproj')")]
    [InlineData("github.event.pull_request['number']")]
    [InlineData("vars.VANTAGE")]
    [InlineData("github.ref == ")]
    [InlineData("'unterminated")]
    public void AnythingElseIsRefusedByName(string expression)
    {
        var refused = Assert.Throws<NotSupportedException>(() => WorkflowExpression.Evaluate(expression, Context, _ => true));

        Assert.Contains("the rehearsal cannot play", refused.Message, StringComparison.Ordinal);
    }

    private static JsonNode? Context(string name) => name switch
    {
        "github" => GitHub,
        _ => throw new NotSupportedException($"the rehearsal cannot play the context {name}"),
    };
}
