using System.Globalization;
using PolicyCuration.Git;

namespace PolicyCuration.Audit;

/// <summary>
/// The audit's history on its own branch of the repository (<c>audit-history</c>): one JSON-lines file per day,
/// <c>YYYY/MM/DD.jsonl</c>, only ever appended to, written without touching the working tree.
/// </summary>
public sealed class AuditHistory(string repositoryPath, string branch = AuditHistory.DefaultBranch)
{
    /// <summary>The branch the history lives on.</summary>
    public const string DefaultBranch = "audit-history";

    private readonly LineBranch lines = new(repositoryPath, branch);

    /// <summary>The file of the day of <paramref name="time"/>.</summary>
    public static string DayFile(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy'/'MM'/'dd'.jsonl'", CultureInfo.InvariantCulture);

    /// <summary>Every record of the history.</summary>
    public IReadOnlyList<AuditRecord> Read() => [.. lines.ReadLines().Select(AuditRecord.Parse)];

    /// <summary>Appends <paramref name="records"/> to their days' files in one commit; returns how many were new.</summary>
    public int Append(IEnumerable<AuditRecord> records, string message) =>
        lines.Append(records.GroupBy(r => DayFile(r.Time)).Select(day => (day.Key, day.Select(r => r.ToJsonLine()))), message);
}
