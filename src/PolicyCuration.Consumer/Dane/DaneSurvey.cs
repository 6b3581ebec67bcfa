using System.Collections.Concurrent;
using System.Net;
using DnsClient;
using DnsClient.Protocol;

namespace PolicyCuration.Consumer.Dane;

/// <summary>Where a domain stands for DANE, as the sender's validating resolver sees it now.</summary>
public enum DaneStanding
{
    /// <summary>Its MX records and every MX host's addresses and usable TLSA records are DNSSEC-validated: Postfix can authenticate it by DANE alone.</summary>
    Every,

    /// <summary>Some MX hosts have usable, validated TLSA records and others do not.</summary>
    Some,

    /// <summary>No MX host has usable, validated TLSA records, or the MX records themselves are not validated.</summary>
    None,

    /// <summary>A question failed (timeout, SERVFAIL, a bogus answer): nothing is known.</summary>
    Unknown,
}

/// <summary>What one survey found: the domains DANE covers on every MX host, and how many fell into each standing.</summary>
/// <param name="Every">The domains whose every MX host is DANE-authenticated.</param>
/// <param name="Some">How many have TLSA on some MX hosts only.</param>
/// <param name="None">How many have none, or no validated MX records.</param>
/// <param name="Unknown">How many could not be judged: failed questions, or not asked once the survey stopped.</param>
/// <param name="Validated">Whether any answer at all carried the resolver's AD flag: false means the resolver does not validate.</param>
/// <param name="StoppedBecause">Why the survey stopped before asking about every domain, or null.</param>
public sealed record DaneFindings(IReadOnlySet<string> Every, int Some, int None, int Unknown, bool Validated, string? StoppedBecause);

/// <summary>
/// Asks the sender's own validating resolver which listed domains Postfix can authenticate by DANE (RFC 7672): MX records
/// validated, and for every MX host validated addresses and at least one usable TLSA record (usage 2 or 3). Those are
/// written <c>dane-only</c>, so that a <c>secure</c> entry never replaces DANE's key pinning with any public CA.
/// </summary>
/// <remarks>
/// Asked at each run rather than carried in the release: the answer Postfix acts on is its own resolver's, at delivery,
/// and a mark days old would either override DANE after a domain deploys it or defer mail after it withdraws it.
/// Every question is bounded; a domain that cannot be judged keeps the list's <c>secure</c> entry, never a weaker one.
/// </remarks>
public sealed class DaneSurvey
{
    /// <summary>How many domains are judged at once.</summary>
    public const int Concurrency = 16;

    /// <summary>After this many domains in a row that could not be judged, with none judged yet, the resolver is taken to be down.</summary>
    public const int FailuresBeforeGivingUp = 32;

    /// <summary>How long one question may take (it is asked twice at most).</summary>
    public static readonly TimeSpan QuestionTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The longest a whole survey runs; the domains left keep their <c>secure</c> entries.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromMinutes(10);

    private readonly LookupClient client;

    /// <summary>A survey asking <paramref name="server"/> (null: the servers of <c>/etc/resolv.conf</c>), each question bounded by <paramref name="timeout"/>.</summary>
    public DaneSurvey(IPEndPoint? server, TimeSpan timeout)
    {
        var options = server is null ? new LookupClientOptions() : new LookupClientOptions(new NameServer(server));
        options.UseCache = false;
        options.ThrowDnsErrors = false;
        options.ContinueOnDnsError = false;
        options.ContinueOnEmptyResponse = false;
        options.UseTcpFallback = true;
        options.Recursion = true;
        options.RequestDnsSecRecords = true;
        options.Retries = 1;
        options.Timeout = timeout;
        client = new LookupClient(options);
    }

    /// <summary>
    /// <paramref name="rendering"/> with the enforced, not overridden domains of <paramref name="list"/> that the map should
    /// write <c>dane-only</c>; what the survey found, and any reason to doubt it, is said on <paramref name="report"/>.
    /// </summary>
    public async Task<PostfixMapOptions> ApplyAsync(MapEntryList list, PostfixMapOptions rendering, TextWriter report, CancellationToken cancellation)
    {
        var overrides = rendering.Overrides ?? MapOverrides.None;
        var domains = list.Entries.Where(e => e.Enforced && !overrides.Contains(e.Domain)).Select(e => e.Domain).ToList();
        var found = await SurveyAsync(domains, Budget, cancellation).ConfigureAwait(false);
        report.WriteLine($"dane: {found.Every.Count} of {domains.Count} enforced domains are DANE-authenticated on every MX host and written dane-only; " +
            $"{found.Some} on some MX hosts only, {found.None} without DANE and {found.Unknown} not judged keep their secure entries");
        if (domains.Count > 0 && !found.Validated)
        {
            report.WriteLine("starttls-policy: WARNING: no answer from the resolver was DNSSEC-validated (no AD flag): --dane needs the validating resolver Postfix uses (smtp_dns_support_level = dnssec)");
        }

        if (found.StoppedBecause is { } reason)
        {
            report.WriteLine($"starttls-policy: WARNING: the DANE survey stopped early ({reason}); the domains not judged keep their secure entries");
        }

        return rendering with { DaneDomains = found.Every };
    }

    /// <summary>Judges <paramref name="domains"/> (lower case), at most <see cref="Concurrency"/> at once, within <paramref name="budget"/>.</summary>
    public async Task<DaneFindings> SurveyAsync(IReadOnlyList<string> domains, TimeSpan budget, CancellationToken cancellation)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        stop.CancelAfter(budget);
        var run = new SurveyRun();
        var standings = new DaneStanding?[domains.Count];
        int judged = 0, failedInARow = 0;
        string? stoppedBecause = null;
        try
        {
            await Parallel.ForAsync(0, domains.Count, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = stop.Token }, async (i, token) =>
            {
                var standing = await JudgeAsync(domains[i], run, token).ConfigureAwait(false);
                standings[i] = standing;
                if (standing != DaneStanding.Unknown)
                {
                    Interlocked.Increment(ref judged);
                    Volatile.Write(ref failedInARow, 0);
                }
                else if (Interlocked.Increment(ref failedInARow) >= FailuresBeforeGivingUp && Volatile.Read(ref judged) == 0)
                {
                    stoppedBecause = $"the first {FailuresBeforeGivingUp} domains could not be judged: the resolver does not answer";
                    await stop.CancelAsync().ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            stoppedBecause ??= $"the survey ran out of its {budget.TotalMinutes:0.#} minutes";
        }

        var every = new HashSet<string>(StringComparer.Ordinal);
        int some = 0, none = 0, unknown = 0;
        for (int i = 0; i < domains.Count; i++)
        {
            switch (standings[i] ?? DaneStanding.Unknown)
            {
                case DaneStanding.Every: every.Add(domains[i]); break;
                case DaneStanding.Some: some++; break;
                case DaneStanding.None: none++; break;
                default: unknown++; break;
            }
        }

        return new DaneFindings(every, some, none, unknown, Volatile.Read(ref run.ValidatedAnswers) > 0, stoppedBecause);
    }

    /// <summary>Where <paramref name="domain"/> stands.</summary>
    public Task<DaneStanding> JudgeAsync(string domain, CancellationToken cancellation) => JudgeAsync(domain, new SurveyRun(), cancellation);

    private async Task<DaneStanding> JudgeAsync(string domain, SurveyRun run, CancellationToken cancellation)
    {
        var answer = await AskAsync(domain, QueryType.MX, run, cancellation).ConfigureAwait(false);
        if (answer is null)
        {
            return DaneStanding.Unknown;
        }

        var exchanges = answer.Answers.OfType<MxRecord>().Select(r => r.Exchange.Value.TrimEnd('.').ToLowerInvariant()).Where(h => h.Length > 0).Distinct().ToList();
        if (!answer.Header.IsAuthenticData || exchanges.Count == 0)
        {
            return DaneStanding.None;
        }

        // A provider's MX host serves thousands of listed domains: it is judged once per survey.
        var judged = await Task.WhenAll(exchanges.Select(h => run.Hosts.GetOrAdd(h, name => JudgeHostAsync(name, run, cancellation)))).ConfigureAwait(false);
        if (judged.Contains(DaneStanding.Unknown))
        {
            return DaneStanding.Unknown;
        }

        int covered = judged.Count(s => s == DaneStanding.Every);
        return covered == judged.Length ? DaneStanding.Every : covered > 0 ? DaneStanding.Some : DaneStanding.None;
    }

    // RFC 7672 section 2.2: TLSA records count only when the host's address records are validated too.
    private async Task<DaneStanding> JudgeHostAsync(string host, SurveyRun run, CancellationToken cancellation)
    {
        var tlsaTask = AskAsync($"_25._tcp.{host}", QueryType.TLSA, run, cancellation);
        var addresses = await AskAsync(host, QueryType.A, run, cancellation).ConfigureAwait(false);
        if (addresses is not null && !addresses.Answers.OfType<ARecord>().Any())
        {
            addresses = await AskAsync(host, QueryType.AAAA, run, cancellation).ConfigureAwait(false);
        }

        var tlsa = await tlsaTask.ConfigureAwait(false);
        if (addresses is null || tlsa is null)
        {
            return DaneStanding.Unknown;
        }

        bool addressed = addresses.Header.IsAuthenticData && addresses.Answers.Any(r => r is ARecord or AaaaRecord);

        // DANE-TA(2) and DANE-EE(3) are the usages SMTP uses (RFC 7672 section 3.1.3); PKIX-TA and PKIX-EE are not.
        bool usable = tlsa.Header.IsAuthenticData && tlsa.Answers.OfType<TlsaRecord>().Any(r =>
            r.CertificateUsage is TlsaCertificateUsage.DANETA or TlsaCertificateUsage.DANEEE
            && r.Selector is TlsaSelector.FullCertificate or TlsaSelector.PublicKey
            && r.MatchingType is TlsaMatchingType.ExactMatch or TlsaMatchingType.SHA256 or TlsaMatchingType.SHA512);
        return addressed && usable ? DaneStanding.Every : DaneStanding.None;
    }

    /// <summary>The answer to one question, or null when it failed: no answer in time, SERVFAIL (which a validating resolver returns for a bogus answer), or any other error but NXDOMAIN.</summary>
    private async Task<IDnsQueryResponse?> AskAsync(string name, QueryType type, SurveyRun run, CancellationToken cancellation)
    {
        IDnsQueryResponse response;
        try
        {
            response = await client.QueryAsync(name, type, QueryClass.IN, cancellation).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever one question meets (a timeout, a malformed answer, a name the library will not ask) leaves the
            // domain unjudged, and so with its secure entry; it never stops the map from being written.
            return null;
        }

        if (response.Header.IsAuthenticData)
        {
            Interlocked.Increment(ref run.ValidatedAnswers);
        }

        return response.HasError && response.Header.ResponseCode != DnsHeaderResponseCode.NotExistentDomain ? null : response;
    }

    // What one survey learns as it goes. A new one for each survey, so that the server's hourly survey asks again about
    // hosts that have deployed or withdrawn TLSA records since the last.
    private sealed class SurveyRun
    {
        public int ValidatedAnswers;

        public ConcurrentDictionary<string, Task<DaneStanding>> Hosts { get; } = new(StringComparer.Ordinal);
    }
}
