using PolicyCuration.Validation.Names;
using PolicyCuration.Validation.Rules;
using PolicyCuration.Validation.Schema;
using PolicyCuration.Format;
using PolicyCuration.Format.Findings;
using PolicyCuration.Format.Model;

namespace PolicyCuration.Validation;

/// <summary>Validates a list: strict JSON, then the JSON Schema, then the semantic rules, in one fixed order.</summary>
/// <param name="schema">The schema, the contract the list must meet.</param>
/// <param name="suffixes">The public suffixes; the shipped list when null.</param>
public sealed class ListValidator(PolicySchema schema, PublicSuffixList? suffixes = null)
{
    private readonly PublicSuffixList _suffixes = suffixes ?? PublicSuffixList.Default;

    /// <summary>Validates <paramref name="source"/> as of <paramref name="now"/>.</summary>
    /// <param name="source">The file.</param>
    /// <param name="now">The clock for expiry.</param>
    /// <param name="canonicalSeverity">How a non-canonical file counts: a warning, or an error where the canonical form is required.</param>
    public ValidationReport Validate(SourceText source, DateTimeOffset now, Severity canonicalSeverity = Severity.Warning) =>
        Validate(PolicyListReader.Read(source), now, canonicalSeverity);

    /// <summary>Validates a list already read.</summary>
    public ValidationReport Validate(PolicyListReadResult read, DateTimeOffset now, Severity canonicalSeverity = Severity.Warning)
    {
        if (read.Root is null || read.List is not { } list)
        {
            return new ValidationReport(read.Source, null, [.. read.Problems]);
        }

        // The reader's shape problems are not reported: the schema says the same thing with more precision.
        var schemaFindings = schema.Validate(read.Source, read.Root);
        List<Finding> ruleFindings = [.. TimeRules.Check(list, now), .. DomainRules.Check(list, _suffixes), .. AliasRules.Check(list), .. MxRules.Check(list, _suffixes)];
        var notCanonical = CanonicalFormRule.Check(list, canonicalSeverity);

        // Where a rule explains a value, the schema's generic complaint about the same value adds nothing.
        var explained = ruleFindings.Where(f => f.Location is not null && f.Severity == Severity.Error).Select(f => f.Location!).ToHashSet();
        var findings = schemaFindings.Where(f => f.Location is null || !explained.Contains(f.Location)).Concat(ruleFindings).ToList();

        // A file that breaks the schema cannot be formatted, so its form is not worth a finding.
        if (schemaFindings.Count == 0 && notCanonical is not null)
        {
            findings.Add(notCanonical);
        }

        findings.Sort(Finding.OutputOrder);
        return new ValidationReport(read.Source, list, findings);
    }
}

/// <summary>The findings on one file, in output order, and the list when it could be read.</summary>
/// <param name="Source">The file.</param>
/// <param name="List">The list, or null when the file is not well-formed JSON.</param>
/// <param name="Findings">Every finding, in <see cref="Finding.OutputOrder"/>.</param>
public sealed record ValidationReport(SourceText Source, PolicyList? List, IReadOnlyList<Finding> Findings)
{
    /// <summary>The number of errors.</summary>
    public int ErrorCount => Findings.Count(f => f.Severity == Severity.Error);

    /// <summary>The number of warnings.</summary>
    public int WarningCount => Findings.Count(f => f.Severity == Severity.Warning);

    /// <summary>Whether nothing blocks.</summary>
    public bool IsValid => ErrorCount == 0;
}
