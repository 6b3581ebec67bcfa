using System.CommandLine;
using System.Text;
using PolicyCuration.Validation;
using PolicyCuration.Validation.Rendering;
using PolicyCuration.Validation.Rules;
using PolicyCuration.Validation.Schema;
using PolicyCuration.Format;
using PolicyCuration.Format.Findings;

namespace PolicyCuration.Cli.Commands;

/// <summary><c>policyctl fmt</c>: rewrite a list in canonical form, or check that it is.</summary>
internal static class FmtCommand
{
    public static Command Create()
    {
        var file = CommonOptions.ListFile();
        var check = new Option<bool>("--check") { Description = "Change nothing; exit 1 and print the fix command when the file is not canonical" };
        var schema = CommonOptions.Schema();
        var command = new Command("fmt", """
            Rewrite a list in canonical form: keys of policies and policy-aliases sorted, MX patterns
            lower-cased in the author's order, 2-space indent, final newline. The file is replaced atomically.
            A file with JSON or schema errors is left alone: formatting it could lose what it says.

            Examples:
              policyctl fmt
              policyctl fmt policy/policy.json --check
            """)
        { file, check, schema };
        command.SetAction(parsed =>
        {
            var output = parsed.InvocationConfiguration.Output;
            var error = parsed.InvocationConfiguration.Error;
            string path = parsed.GetValue(file) ?? CommonOptions.DefaultList;
            try
            {
                var read = PolicyListReader.ReadFile(path);
                var blocking = BlockingFindings(read, parsed.GetValue(schema));
                if (blocking.Count > 0 || read.List is not { } list)
                {
                    FindingRenderer.Write(output, blocking, FindingFormat.Text, $"{path}: not formatted: fix the errors above first");
                    return ExitCodes.Findings;
                }

                if (CanonicalFormRule.Check(list, Severity.Error) is not { } difference)
                {
                    output.WriteLine($"{path}: already canonical");
                    return ExitCodes.Ok;
                }

                if (parsed.GetValue(check))
                {
                    output.WriteLine(FindingRenderer.ToLine(difference));
                    output.WriteLine($"To fix: policyctl fmt {path}");
                    return ExitCodes.Findings;
                }

                AtomicFile.Write(path, Encoding.UTF8.GetBytes(CanonicalWriter.Write(list)));
                output.WriteLine($"{path}: formatted");
                return ExitCodes.Ok;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SchemaLoadException)
            {
                error.WriteLine($"policyctl fmt: {ex.Message}");
                return ExitCodes.Usage;
            }
        });
        return command;
    }

    /// <summary>
    /// What stops formatting: the JSON, the schema, and the names, judged exactly as <c>validate</c> judges them (an upper-case
    /// domain is <c>list.domain.not_lowercase</c> to both), so that the two commands never disagree on one file.
    /// </summary>
    private static List<Finding> BlockingFindings(PolicyListReadResult read, string? schemaPath)
    {
        if (read.Root is null)
        {
            return [.. read.Problems];
        }

        string[] blocking = ["json.", "schema.", "list.domain.", "list.mx.", "list.alias."];
        return [.. new ListValidator(CommonOptions.LoadSchema(schemaPath)).Validate(read, DateTimeOffset.UtcNow).Findings
            .Where(f => f.Severity == Severity.Error && blocking.Any(prefix => f.Code.StartsWith(prefix, StringComparison.Ordinal)))];
    }
}
