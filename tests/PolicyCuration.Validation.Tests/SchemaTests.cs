using System.Text;
using PolicyCuration.Validation.Schema;
using PolicyCuration.Format;
using PolicyCuration.Testing;

namespace PolicyCuration.Validation.Tests;

public class SchemaTests
{
    public static TheoryData<string> CorpusFiles()
    {
        var data = new TheoryData<string>();
        foreach (string file in Directory.GetFiles(TestFiles.HostileCorpus, "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void PartitionedValidationFindsWhatWholeDocumentValidationFinds(string file)
    {
        var read = PolicyListReader.ReadFile(Path.Combine(TestFiles.HostileCorpus, file));
        if (read.Root is null)
        {
            return; // not JSON: the schema never sees it
        }

        Assert.Equal(Describe(Validation.Schema.Validate(read.Source, read.Root, partitioned: false)),
            Describe(Validation.Schema.Validate(read.Source, read.Root, partitioned: true)));
    }

    [Fact]
    public void PartitionedValidationAgreesOnEffsList()
    {
        var read = PolicyListReader.ReadFile(TestFiles.EffList);

        Assert.Empty(Validation.Schema.Validate(read.Source, read.Root!, partitioned: false));
        Assert.Empty(Validation.Schema.Validate(read.Source, read.Root!, partitioned: true));
    }

    [Theory]
    [InlineData("{\"a.example\": {\"mode\": \"testing\", \"mx\": [\"mx.a.example\"]}}", null, "schema.policy_shape", "\"mx\" does not belong (did you mean \"mxs\"?)")]
    [InlineData("{\"a.example\": {\"mode\": \"testing\", \"mxs\": [\"mx.a.example\"], \"comment\": \"x\"}}", null, "schema.policy_shape", "\"comment\" does not belong /")]
    [InlineData("{\"a.example\": {\"policy-alias\": \"p\"}}", "{\"p\": {\"mode\": \"testing\", \"mx\": [\"mx.a.example\"]}}", "schema.unknown_property", "\"mx\" is not a member the format defines (allowed here: \"mode\", \"mxs\"); did you mean \"mxs\"?")]
    [InlineData("{\"a.example\": {\"policy-alias\": \"p\"}}", "{\"p\": {\"mode\": \"testing\", \"mxs\": [\"mx.a.example\"], \"comment\": 1}}", "schema.unknown_property", "(allowed here: \"mode\", \"mxs\"); remove or rename it")]
    public void AnUnknownMemberNearAKnownOneIsNamed(string policies, string? aliases, string code, string said)
    {
        var findings = Validation.OfText(Validation.List(policies, aliases)).Findings;

        Assert.Contains(findings, f => f.Code == code && f.Message.Contains(said, StringComparison.Ordinal));
    }

    [Fact]
    public void EveryEntryOfAFailingShapeIsReportedOnItsOwn()
    {
        string policies = string.Join(", ", Enumerable.Range(0, 5).Select(i => $"\"d{i}.example\": {{\"mode\": \"Enforce\", \"mxs\": [\"mx.d{i}.example\"]}}"));
        var source = new SourceText("t.json", Encoding.UTF8.GetBytes(Validation.List($"{{{policies}}}")));

        var findings = Validation.Schema.Validate(source, PolicyListReader.Read(source).Root!);

        Assert.Equal(["d0.example", "d1.example", "d2.example", "d3.example", "d4.example"], findings.Select(f => f.Subject).Order(StringComparer.Ordinal));
        Assert.All(findings, f => Assert.Equal("schema.enum", f.Code));
    }

    [Fact]
    public void AValueThatFailsAPatternHasAShapeOfItsOwn()
    {
        // Many valid entries first, so that their shape is known valid before the bad one is met.
        string valid = string.Join(", ", Enumerable.Range(0, 3000).Select(i => $"\"d{i}.example\": {{\"mode\": \"testing\", \"mxs\": [\"mx.d{i}.example\"]}}"));
        string json = Validation.List($"{{{valid}, \"z.example\": {{\"mode\": \"testing\", \"mxs\": [\"mx_z.example\"]}}}}");
        var source = new SourceText("t.json", Encoding.UTF8.GetBytes(json));

        var finding = Assert.Single(Validation.Schema.Validate(source, PolicyListReader.Read(source).Root!));

        Assert.Equal(("schema.pattern", "z.example"), (finding.Code, finding.Subject));
    }

    [Fact]
    public void AMalformedAliasReferenceIsAPatternViolation()
    {
        var source = new SourceText("t.json", Encoding.UTF8.GetBytes(Validation.List("""{"example.org": {"policy-alias": "bad alias"}}""")));
        var root = PolicyListReader.Read(source).Root!;

        var finding = Assert.Single(Validation.Schema.Validate(source, root));

        Assert.Equal("schema.pattern", finding.Code);
        Assert.Equal("example.org", finding.Subject);
        Assert.Equal((5, 48), (finding.Location!.Line, finding.Location.Column));
        Assert.Contains("alias defined in policy-aliases", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingSchemaFileIsASchemaLoadError()
    {
        var ex = Assert.Throws<SchemaLoadException>(() => PolicySchema.Load("/nonexistent/policy.schema.json"));
        Assert.Contains("/nonexistent/policy.schema.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryMemberOfTheSchemaIsDescribed()
    {
        using var schema = System.Text.Json.JsonDocument.Parse(File.ReadAllText(TestFiles.Schema));
        var missing = new List<string>();
        void Walk(System.Text.Json.JsonElement node, string path)
        {
            if (node.ValueKind != System.Text.Json.JsonValueKind.Object)
            {
                return;
            }

            foreach (string container in new[] { "properties", "definitions" })
            {
                if (node.TryGetProperty(container, out var members))
                {
                    foreach (var member in members.EnumerateObject())
                    {
                        if (!member.Value.TryGetProperty("description", out _))
                        {
                            missing.Add($"{path}/{container}/{member.Name}");
                        }

                        Walk(member.Value, $"{path}/{container}/{member.Name}");
                    }
                }
            }
        }

        Walk(schema.RootElement, "#");

        Assert.Empty(missing);
        Assert.Equal("http://json-schema.org/draft-07/schema#", schema.RootElement.GetProperty("$schema").GetString());
    }

    private static List<string> Describe(IEnumerable<Format.Findings.Finding> findings) =>
        [.. findings.Select(f => $"{f.Location} {f.Code} {f.Subject} {f.Message}").Order(StringComparer.Ordinal)];
}
