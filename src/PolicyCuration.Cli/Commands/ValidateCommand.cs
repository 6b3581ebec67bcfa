using System.CommandLine;
using PolicyCuration.Validation;
using PolicyCuration.Validation.Rendering;
using PolicyCuration.Validation.Schema;
using PolicyCuration.Format;

namespace PolicyCuration.Cli.Commands;

/// <summary><c>policyctl validate</c>: every finding on a list file.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var file = CommonOptions.ListFile();
        var schema = CommonOptions.Schema();
        var format = CommonOptions.Format("text", "json", "github");
        var now = CommonOptions.Now();
        var command = new Command("validate", """
            Validate a list: JSON syntax, the JSON Schema, and the semantic rules.
            Exit 0 without errors, 1 with errors, 2 for a usage error or unreadable input.

            Examples:
              policyctl validate
              policyctl validate policy/policy.json --format github --now 2026-12-01T00:00:00Z
            """)
        { file, schema, format, now };
        command.SetAction(parsed =>
        {
            var output = parsed.InvocationConfiguration.Output;
            var error = parsed.InvocationConfiguration.Error;
            string path = parsed.GetValue(file) ?? CommonOptions.DefaultList;
            try
            {
                var clock = CommonOptions.ParseNow(parsed.GetValue(now));

                // Loading the schema is mostly start-up work in NJsonSchema; it overlaps with reading the list.
                var loading = Task.Run(() => CommonOptions.LoadSchema(parsed.GetValue(schema)));
                var read = PolicyListReader.ReadFile(path);
                var validator = new ListValidator(loading.GetAwaiter().GetResult());
                var report = validator.Validate(read, clock);
                string what = report.List is { } list ? $"{path}: {list.Policies.Count} domains, {list.Aliases.Count} aliases" : path;
                FindingRenderer.Write(output, report.Findings, CommonOptions.ParseFormat(parsed.GetValue(format)!), FindingRenderer.Total(report.Findings, what));
                return report.IsValid ? ExitCodes.Ok : ExitCodes.Findings;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SchemaLoadException or ArgumentException)
            {
                error.WriteLine($"policyctl validate: {ex.Message}");
                return ExitCodes.Usage;
            }
        });
        return command;
    }
}
