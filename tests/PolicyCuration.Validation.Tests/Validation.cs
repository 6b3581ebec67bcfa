using System.Text;
using PolicyCuration.Validation.Schema;
using PolicyCuration.Format;
using PolicyCuration.Format.Findings;
using PolicyCuration.Testing;

namespace PolicyCuration.Validation.Tests;

/// <summary>The validator the tests share, on the repository's schema, with a fixed clock.</summary>
internal static class Validation
{
    public static readonly DateTimeOffset Now = new(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);

    public static PolicySchema Schema { get; } = PolicySchema.Load(TestFiles.Schema);

    public static ListValidator Validator { get; } = new(Schema);

    public static ValidationReport OfText(string json, Severity canonical = Severity.Warning) =>
        Validator.Validate(new SourceText("t.json", Encoding.UTF8.GetBytes(json)), Now, canonical);

    public static ValidationReport OfFile(string path) => Validator.Validate(PolicyListReader.ReadFile(path, displayPath: Path.GetFileName(path)), Now);

    /// <summary>A list with a valid header around the given policies (and aliases, when not null).</summary>
    public static string List(string policies, string? aliases = null, string? timestamp = "\"2026-11-28T00:00:00+00:00\"", string? expires = "\"2026-12-12T00:00:00+00:00\"")
    {
        var text = new StringBuilder("{\n");
        if (timestamp is not null)
        {
            text.Append($"  \"timestamp\": {timestamp},\n");
        }

        if (expires is not null)
        {
            text.Append($"  \"expires\": {expires},\n");
        }

        text.Append("  \"version\": \"0.1\",\n");
        if (aliases is not null)
        {
            text.Append($"  \"policy-aliases\": {aliases},\n");
        }

        text.Append($"  \"policies\": {policies}\n}}\n");
        return text.ToString();
    }

    /// <summary>A list with one domain policy.</summary>
    public static string OneDomain(string domain, string mxs = "\"mx.example.org\"", string mode = "\"enforce\"") =>
        List($"{{\"{domain}\": {{\"mode\": {mode}, \"mxs\": [{mxs}]}}}}");
}
