using PolicyCuration.Testing;
using Xunit.Sdk;

namespace PolicyCuration.Cli.Tests;

/// <summary>The schemas that every JSON file the tools write is checked against refuse what they do not describe.</summary>
public sealed class JsonSchemaTests
{
    [Theory]
    [InlineData("findings.schema.json", """[{"code":"list.shape","severity":"fatal","subject":"list","summary":"s","message":"m","location":null}]""")]
    [InlineData("findings.schema.json", """[{"code":"list.shape","severity":"error","subject":"list","summary":"s","message":"m","location":{"file":"f","line":0,"column":1}}]""")]
    [InlineData("audit-line.schema.json", """{"domain":"a.example","time":"2026-12-01T00:00:00Z","entry":{"mode":"enforce","mxs":[]},"passed":true,"errors":[]}""")]
    [InlineData("audit-line.schema.json", """{"domain":"a.example","time":"yesterday","entry":{"mode":"enforce","mxs":[]},"passed":true,"errors":[],"mta_sts":null}""")]
    [InlineData("release-manifest.schema.json", """{"format":2,"serial":1,"timestamp":"2026-12-01T00:00:00Z","expires":"2026-12-15T00:00:00Z","files":[{"name":"policy.json","size":1,"sha256":"00"}]}""")]
    [InlineData("probe-report.schema.json", """[{"domain":"a.example","passed":true}]""")]
    [InlineData("review-report.schema.json", """{"mergeable":true,"inconclusive":false,"list_findings":[],"domains":[{"domain":"a.example","change":"renamed","passed":true,"findings":[],"probe":null}]}""")]
    public void ASchemaRefusesWhatItDoesNotDescribe(string schema, string json)
    {
        Assert.ThrowsAny<XunitException>(() => WrittenJson.Meets(schema, json));
    }

    [Theory]
    [InlineData("audit-line.schema.json", """{"domain":"a.example","time":"2026-12-01T00:00:00Z","entry":{"mode":"enforce","mxs":[]},"passed":true,"errors":[],"mta_sts":null}""")]
    [InlineData("review-report.schema.json", """{"mergeable":true,"inconclusive":false,"list_findings":[],"domains":[]}""")]
    public void TheSmallestValidFileMeetsIt(string schema, string json) => WrittenJson.Meets(schema, json);
}
