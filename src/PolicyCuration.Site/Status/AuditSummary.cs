using PolicyCuration.Format.Findings;

namespace PolicyCuration.Site.Status;

/// <summary>One audit of a domain as the site shows it.</summary>
/// <param name="Time">When it probed.</param>
/// <param name="Vantage">Where from (empty for records older than vantages).</param>
/// <param name="Trusted">Whether its vantage was healthy, so that its verdict counts.</param>
/// <param name="Passed">Whether no error was found.</param>
/// <param name="ErrorCodes">The codes of the errors found.</param>
/// <param name="Findings">Every finding, kept for the newest audit only (the others carry none).</param>
public sealed record AuditSummary(DateTimeOffset Time, string Vantage, bool Trusted, bool Passed, IReadOnlyList<string> ErrorCodes, IReadOnlyList<Finding> Findings);
