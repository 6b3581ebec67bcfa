using System.Globalization;
using System.Text;
using PolicyCuration.Audit;
using PolicyCuration.Site.Status;

namespace PolicyCuration.Site.Inputs;

/// <summary>
/// What the audit history says about each listed domain over the last <see cref="Days"/> days: the state of each day,
/// the latest audits, and the newest audit's findings. Read from a checkout of the history branch
/// (<c>YYYY/MM/DD.jsonl</c>); older days are not read.
/// </summary>
public sealed class AuditDigest
{
    /// <summary>How many days the timeline covers.</summary>
    public const int Days = 90;

    /// <summary>How many audits a domain's page lists.</summary>
    public const int KeptAudits = 5;

    /// <summary>The longest history line read; a longer one is skipped and counted.</summary>
    public const int MaxLineBytes = 1024 * 1024;

    private readonly Dictionary<string, DomainAudits> domains;

    private AuditDigest(Dictionary<string, DomainAudits> domains, DateOnly today, int unreadable, int read)
    {
        this.domains = domains;
        Today = today;
        UnreadableLines = unreadable;
        RecordsRead = read;
    }

    /// <summary>The last day of the timeline.</summary>
    public DateOnly Today { get; }

    /// <summary>History lines that were not audit records (skipped).</summary>
    public int UnreadableLines { get; }

    /// <summary>Records of listed domains read.</summary>
    public int RecordsRead { get; }

    /// <summary>Reads the days up to <paramref name="today"/> from <paramref name="directory"/> for <paramref name="listed"/>.</summary>
    public static AuditDigest Read(string? directory, DateOnly today, IEnumerable<string> listed)
    {
        var domains = listed.ToDictionary(d => d, _ => new DomainAudits(), StringComparer.OrdinalIgnoreCase);
        int unreadable = 0, read = 0;
        if (directory is not null)
        {
            if (!Directory.Exists(directory))
            {
                throw new DirectoryNotFoundException($"--history {directory}: no such directory");
            }

            // Days are independent; each domain's state takes a lock, so two days may be read at once.
            Parallel.For(0, Days, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, index =>
            {
                var day = today.AddDays(index - Days + 1);
                string file = Path.Combine(directory, day.ToString("yyyy'/'MM'/'dd", CultureInfo.InvariantCulture) + ".jsonl");
                if (!File.Exists(file))
                {
                    return;
                }

                foreach (string? line in BoundedLines(file))
                {
                    AuditRecord record;
                    try
                    {
                        record = line is null ? throw new FormatException("too long") : AuditRecord.Parse(line);
                    }
                    catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
                    {
                        Interlocked.Increment(ref unreadable);
                        continue;
                    }

                    if (domains.TryGetValue(record.Domain, out var audits))
                    {
                        audits.Add(index, record);
                        Interlocked.Increment(ref read);
                    }
                }
            });
        }

        return new AuditDigest(domains, today, unreadable, read);
    }

    /// <summary>The latest audits of <paramref name="domain"/>, newest first.</summary>
    public IReadOnlyList<AuditSummary> AuditsOf(string domain) => domains.TryGetValue(domain, out var audits) ? audits.Latest() : [];

    /// <summary>The timeline of <paramref name="domain"/>, oldest run first.</summary>
    public IReadOnlyList<TimelineRun> TimelineOf(string domain) =>
        TimelineRun.Of(domains.TryGetValue(domain, out var audits) ? audits.States : new DayState[Days], Today);

    /// <summary>The lines of a file; null for a line longer than <see cref="MaxLineBytes"/>, which is skipped.</summary>
    private static IEnumerable<string?> BoundedLines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var buffer = new byte[1 << 16];
        var line = new MemoryStream();
        bool tooLong = false;
        int count;
        while ((count = stream.Read(buffer)) > 0)
        {
            int start = 0;
            for (int i = 0; i < count; i++)
            {
                if (buffer[i] != (byte)'\n')
                {
                    continue;
                }

                if (!tooLong)
                {
                    line.Write(buffer, start, i - start);
                }

                yield return tooLong ? null : Encoding.UTF8.GetString(line.GetBuffer(), 0, (int)line.Length);
                line.SetLength(0);
                tooLong = false;
                start = i + 1;
            }

            if (!tooLong)
            {
                line.Write(buffer, start, count - start);
                tooLong = line.Length > MaxLineBytes;
                if (tooLong)
                {
                    line.SetLength(0);
                }
            }
        }

        if (tooLong || line.Length > 0)
        {
            yield return tooLong ? null : Encoding.UTF8.GetString(line.GetBuffer(), 0, (int)line.Length);
        }
    }

    /// <summary>One domain's state as days are read, in any order.</summary>
    private sealed class DomainAudits
    {
        private readonly List<AuditRecord> latest = new(KeptAudits + 1);
        private readonly Lock gate = new();

        public DayState[] States { get; } = new DayState[Days];

        public void Add(int day, AuditRecord record)
        {
            lock (gate)
            {
                States[day] = States[day].With(record.Passed, record.Trusted);
                int at = latest.FindIndex(r => r.Time < record.Time);
                if (at < 0)
                {
                    at = latest.Count;
                }

                if (at < KeptAudits)
                {
                    // Only the newest audit's findings are shown: the others' are dropped as they age, to bound memory.
                    latest.Insert(at, at == 0 ? record : record with { Findings = null });
                    if (latest.Count > KeptAudits)
                    {
                        latest.RemoveAt(KeptAudits);
                    }

                    if (at == 0 && latest.Count > 1 && latest[1].Findings is not null)
                    {
                        latest[1] = latest[1] with { Findings = null };
                    }
                }
            }
        }

        public IReadOnlyList<AuditSummary> Latest() =>
            [.. latest.Select((r, i) => new AuditSummary(r.Time, r.VantageId, r.Trusted, r.Passed, r.ErrorCodes, i == 0 ? r.Findings ?? [] : []))];
    }
}
