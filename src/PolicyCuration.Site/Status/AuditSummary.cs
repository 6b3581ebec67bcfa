using System.Text;
using PolicyCuration.Audit;
using PolicyCuration.Format.Findings;

namespace PolicyCuration.Site.Status;

/// <summary>One audit of a domain as the site shows it.</summary>
/// <param name="Time">When it probed.</param>
/// <param name="Vantage">Where from (empty for records older than vantages).</param>
/// <param name="Trusted">Whether its vantage was healthy, so that its verdict counts.</param>
/// <param name="Passed">Whether no error was found.</param>
/// <param name="ErrorCodes">The codes of the errors found.</param>
/// <param name="Record">The audit's history line, kept for the newest audit only: its findings are read from it when a page is written.</param>
public sealed record AuditSummary(DateTimeOffset Time, string Vantage, bool Trusted, bool Passed, IReadOnlyList<string> ErrorCodes, byte[]? Record = null)
{
    /// <summary>Every finding of the audit, read from its line; none for an audit kept without it.</summary>
    public IReadOnlyList<Finding> Findings
    {
        get
        {
            if (Record is null)
            {
                return [];
            }

            try
            {
                return AuditRecord.Parse(Encoding.UTF8.GetString(Record)).Findings ?? [];
            }
            catch (FormatException)
            {
                return [];
            }
        }
    }
}
