using System.Globalization;
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

            // Newest day first, so that a domain's newest record, whose findings are kept, is usually the first seen.
            // Days are independent; each domain's state takes a lock, so days are read on every core.
            Parallel.For(0, Days, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, back =>
            {
                int index = Days - 1 - back;
                var day = today.AddDays(index - Days + 1);
                string file = Path.Combine(directory, day.ToString("yyyy'/'MM'/'dd", CultureInfo.InvariantCulture) + ".jsonl");
                if (!File.Exists(file))
                {
                    return;
                }

                foreach (var line in BoundedLines(file))
                {
                    AuditLineHead head;
                    try
                    {
                        head = line.IsEmpty ? throw new FormatException("too long") : AuditRecord.ReadHead(line.Span);
                    }
                    catch (FormatException)
                    {
                        Interlocked.Increment(ref unreadable);
                        continue;
                    }

                    if (domains.TryGetValue(head.Domain, out var audits))
                    {
                        audits.Add(index, head, line);
                        Interlocked.Increment(ref read);
                    }
                }
            });
        }

        return new AuditDigest(domains, today, unreadable, read);
    }

    /// <summary>The latest audits of <paramref name="domain"/>, newest first; the newest carries its findings.</summary>
    public IReadOnlyList<AuditSummary> AuditsOf(string domain) => domains.TryGetValue(domain, out var audits) ? audits.Latest() : [];

    /// <summary>The timeline of <paramref name="domain"/>, oldest run first.</summary>
    public IReadOnlyList<TimelineRun> TimelineOf(string domain) =>
        TimelineRun.Of(domains.TryGetValue(domain, out var audits) ? audits.States : new DayState[Days], Today);

    /// <summary>
    /// The lines of a file, each valid until the next is asked for; an empty line stands for one longer than
    /// <see cref="MaxLineBytes"/>, which is skipped. Blank lines are left out.
    /// </summary>
    private static IEnumerable<ReadOnlyMemory<byte>> BoundedLines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var buffer = new byte[1 << 20];
        int filled = 0;
        bool skipping = false;
        while (true)
        {
            int count = stream.Read(buffer, filled, buffer.Length - filled);
            int end = filled + count;
            int start = 0;
            for (int newline; (newline = Array.IndexOf(buffer, (byte)'\n', start, end - start)) >= 0; start = newline + 1)
            {
                if (skipping)
                {
                    skipping = false;
                    yield return ReadOnlyMemory<byte>.Empty;
                }
                else if (newline > start)
                {
                    yield return buffer.AsMemory(start, newline - start);
                }
            }

            if (count == 0)
            {
                if (skipping || end > start)
                {
                    yield return skipping ? ReadOnlyMemory<byte>.Empty : buffer.AsMemory(start, end - start);
                }

                yield break;
            }

            // The unfinished line moves to the front; one that fills the buffer is too long and is skipped to its end.
            filled = end - start;
            if (filled >= MaxLineBytes || filled == buffer.Length)
            {
                skipping = true;
                filled = 0;
            }
            else
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, filled);
            }
        }
    }

    /// <summary>One domain's state as days are read, in any order.</summary>
    private sealed class DomainAudits
    {
        private readonly List<AuditSummary> latest = new(KeptAudits + 1);
        private readonly Lock gate = new();

        public DayState[] States { get; } = new DayState[Days];

        public void Add(int day, AuditLineHead head, ReadOnlyMemory<byte> line)
        {
            lock (gate)
            {
                States[day] = States[day].With(head.Passed, head.Trusted);
                int at = latest.FindIndex(r => r.Time < head.Time);
                if (at < 0)
                {
                    at = latest.Count;
                }

                if (at >= KeptAudits)
                {
                    return;
                }

                // Vantage names repeat across every domain: one string each. Only the newest audit keeps its line,
                // for its findings; the one it displaces drops it.
                string vantage = string.IsInterned(head.VantageId) ?? string.Intern(head.VantageId);
                latest.Insert(at, new AuditSummary(head.Time, vantage, head.Trusted, head.Passed, head.ErrorCodes, at == 0 ? line.ToArray() : null));
                if (latest.Count > KeptAudits)
                {
                    latest.RemoveAt(KeptAudits);
                }

                if (at == 0 && latest.Count > 1)
                {
                    latest[1] = latest[1] with { Record = null };
                }
            }
        }

        public IReadOnlyList<AuditSummary> Latest()
        {
            lock (gate)
            {
                return [.. latest];
            }
        }
    }
}
