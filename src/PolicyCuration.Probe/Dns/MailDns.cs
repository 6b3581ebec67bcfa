using System.Collections.Concurrent;
using System.Net;
using DnsClient;
using DnsClient.Protocol;

namespace PolicyCuration.Probe.Dns;

/// <summary>The DNS questions a probe asks (MX, A/AAAA, TXT, TLSA), against one configured server, with CNAMEs followed.</summary>
/// <remarks>
/// Never the system's getaddrinfo: every name, MX hosts and <c>mta-sts.</c> hosts included, is resolved through
/// the configured server, so that tests and audits see exactly one view of the DNS. Answers are kept for the life of
/// the resolver within their TTL, and a question already in flight is shared: thousands of domains behind one
/// provider's MX host ask for its addresses once.
/// </remarks>
public sealed class MailDns
{
    /// <summary>The longest CNAME chain followed.</summary>
    public const int MaxCnameHops = 8;

    /// <summary>How many questions are in flight at once: a burst of thousands would overflow a server's socket and be lost.</summary>
    public const int MaxQuestionsInFlight = 64;

    /// <summary>How long an answer without records, or a failure, is kept.</summary>
    public static readonly TimeSpan NegativeLifetime = TimeSpan.FromSeconds(60);

    /// <summary>The longest an answer is kept, whatever its TTL.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(1);

    private readonly LookupClient client;
    private readonly SemaphoreSlim inFlight = new(MaxQuestionsInFlight);
    private readonly ConcurrentDictionary<(string Name, QueryType Type), KeptAnswer> answers = new();
    private long questionsAsked;

    /// <summary>A resolver asking <paramref name="server"/> (or the servers of <c>/etc/resolv.conf</c>), each question bounded by <paramref name="timeout"/>.</summary>
    public MailDns(IPEndPoint? server, TimeSpan timeout)
    {
        var options = server is null ? new LookupClientOptions() : new LookupClientOptions(new NameServer(server));
        options.UseCache = false;
        options.ThrowDnsErrors = false;
        options.ContinueOnDnsError = false;
        options.ContinueOnEmptyResponse = false;
        options.UseRandomNameServer = false;
        options.UseTcpFallback = true;
        options.Recursion = true;

        // Two tries share the step's bound: one lost UDP datagram is not a failed domain.
        options.Retries = 1;
        options.Timeout = timeout / 2;
        client = new LookupClient(options);
    }

    /// <summary>How many questions went to the server: one per name and type asked, CNAME hops and expired answers included.</summary>
    public long QuestionsAsked => Interlocked.Read(ref questionsAsked);

    /// <summary>The MX records of <paramref name="domain"/>, most preferred first.</summary>
    public async Task<DnsAnswer<MxRecord>> MxAsync(string domain, CancellationToken cancellation)
    {
        var answer = await QueryAsync(domain, QueryType.MX, cancellation).ConfigureAwait(false);
        if (answer.Outcome != DnsOutcome.Found)
        {
            return DnsAnswer<MxRecord>.Empty(answer.Outcome, answer.Error);
        }

        var records = answer.Records.OfType<DnsClient.Protocol.MxRecord>()
            .Select(r => new MxRecord(r.Preference, HostName(r.Exchange.Value)))
            .OrderBy(r => r.Preference)
            .ThenBy(r => r.Host, StringComparer.Ordinal)
            .ToList();
        return new DnsAnswer<MxRecord>(DnsOutcome.Found, records);
    }

    /// <summary>The IPv4 and IPv6 addresses of <paramref name="host"/>, IPv4 first.</summary>
    public async Task<DnsAnswer<IPAddress>> AddressesAsync(string host, CancellationToken cancellation)
    {
        var v4Task = QueryAsync(host, QueryType.A, cancellation);
        var v6Task = QueryAsync(host, QueryType.AAAA, cancellation);
        var (v4, v6) = (await v4Task.ConfigureAwait(false), await v6Task.ConfigureAwait(false));

        var addresses = v4.Records.OfType<ARecord>().Select(r => r.Address)
            .Concat(v6.Records.OfType<AaaaRecord>().Select(r => r.Address))
            .Distinct()
            .ToList();
        if (addresses.Count > 0)
        {
            return new DnsAnswer<IPAddress>(DnsOutcome.Found, addresses);
        }

        // The more telling of the two failures: a loop or a failure beats "no such name", which beats "no data".
        var worst = new[] { v4, v6 }.OrderBy(a => a.Outcome switch
        {
            DnsOutcome.CnameLoop => 0,
            DnsOutcome.Failed => 1,
            DnsOutcome.NxDomain => 2,
            _ => 3,
        }).First();
        return DnsAnswer<IPAddress>.Empty(worst.Outcome == DnsOutcome.Found ? DnsOutcome.NoData : worst.Outcome, worst.Error);
    }

    /// <summary>The TXT records at <paramref name="name"/>, each with its strings joined as RFC 7208 and 8461 say.</summary>
    public async Task<DnsAnswer<string>> TxtAsync(string name, CancellationToken cancellation)
    {
        var answer = await QueryAsync(name, QueryType.TXT, cancellation).ConfigureAwait(false);
        var texts = answer.Records.OfType<TxtRecord>().Select(r => string.Concat(r.Text)).ToList();
        return new DnsAnswer<string>(answer.Outcome, texts, answer.Error);
    }

    /// <summary>How many TLSA records are published at <paramref name="name"/>.</summary>
    public async Task<DnsAnswer<string>> TlsaAsync(string name, CancellationToken cancellation)
    {
        var answer = await QueryAsync(name, QueryType.TLSA, cancellation).ConfigureAwait(false);
        var records = answer.Records.Where(r => r.RecordType == ResourceRecordType.TLSA).Select(r => r.ToString()).ToList();
        return new DnsAnswer<string>(answer.Outcome, records, answer.Error);
    }

    /// <summary>Lower case, without the root's final dot.</summary>
    public static string HostName(string name) => name.TrimEnd('.').ToLowerInvariant();

    private Task<DnsAnswer<DnsResourceRecord>> QueryAsync(string name, QueryType type, CancellationToken cancellation)
    {
        var key = (HostName(name), type);
        while (true)
        {
            var kept = answers.GetOrAdd(key, _ => new KeptAnswer(() => AskAsync(key.Item1, type, cancellation)));
            if (!kept.Expired)
            {
                return kept.Answer;
            }

            answers.TryRemove(new KeyValuePair<(string, QueryType), KeptAnswer>(key, kept));
        }
    }

    private async Task<DnsAnswer<DnsResourceRecord>> AskAsync(string name, QueryType type, CancellationToken cancellation)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        string current = HostName(name);
        for (int hop = 0; hop <= MaxCnameHops; hop++)
        {
            IDnsQueryResponse response;
            await inFlight.WaitAsync(cancellation).ConfigureAwait(false);
            try
            {
                Interlocked.Increment(ref questionsAsked);
                response = await client.QueryAsync(current, type, QueryClass.IN, cancellation).ConfigureAwait(false);
            }
            catch (DnsResponseException e)
            {
                return DnsAnswer<DnsResourceRecord>.Empty(DnsOutcome.Failed, $"{type} {current}: {e.Message}");
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                return DnsAnswer<DnsResourceRecord>.Empty(DnsOutcome.Failed, $"{type} {current}: no answer in time; check that the domain's name servers answer");
            }
            finally
            {
                inFlight.Release();
            }

            if (response.Header.ResponseCode == DnsHeaderResponseCode.NotExistentDomain)
            {
                return DnsAnswer<DnsResourceRecord>.Empty(DnsOutcome.NxDomain, $"{current} does not exist");
            }

            if (response.HasError)
            {
                return DnsAnswer<DnsResourceRecord>.Empty(DnsOutcome.Failed, $"{type} {current}: {Rcode(response.Header.ResponseCode, response.ErrorMessage)}");
            }

            // Walk the chain inside this answer; ask again only where the answer stops.
            while (true)
            {
                if (!seen.Add(current))
                {
                    return DnsAnswer<DnsResourceRecord>.Empty(DnsOutcome.CnameLoop, $"the CNAME chain from {name} loops at {current}");
                }

                var records = response.Answers.Where(r => r.RecordType == (ResourceRecordType)type && SameName(r.DomainName, current)).ToList();
                if (records.Count > 0)
                {
                    return new DnsAnswer<DnsResourceRecord>(DnsOutcome.Found, records);
                }

                var alias = response.Answers.OfType<CNameRecord>().FirstOrDefault(r => SameName(r.DomainName, current));
                if (alias is null)
                {
                    break;
                }

                current = HostName(alias.CanonicalName.Value);
                if (seen.Count > MaxCnameHops)
                {
                    return DnsAnswer<DnsResourceRecord>.Empty(DnsOutcome.CnameLoop, $"the CNAME chain from {name} is longer than {MaxCnameHops}");
                }
            }

            if (seen.Count == 1 || !response.Answers.OfType<CNameRecord>().Any())
            {
                return DnsAnswer<DnsResourceRecord>.Empty(DnsOutcome.NoData);
            }

            // The answer ended on a CNAME target it did not resolve: ask for the target itself.
            seen.Remove(current);
        }

        return DnsAnswer<DnsResourceRecord>.Empty(DnsOutcome.CnameLoop, $"the CNAME chain from {name} is longer than {MaxCnameHops}");
    }

    private static bool SameName(DnsString domainName, string name) =>
        string.Equals(HostName(domainName.Value), name, StringComparison.Ordinal);

    /// <summary>An answer, asked once, until its records' shortest TTL (or <see cref="NegativeLifetime"/>) has passed.</summary>
    private sealed class KeptAnswer
    {
        private readonly Lazy<Task<DnsAnswer<DnsResourceRecord>>> answer;
        private long expiresAt = long.MaxValue;

        // Lazy, so that the one of two racing GetOrAdd factories that loses asks nothing.
        public KeptAnswer(Func<Task<DnsAnswer<DnsResourceRecord>>> ask) => answer = new(() => KeepAsync(ask));

        public Task<DnsAnswer<DnsResourceRecord>> Answer => answer.Value;

        public bool Expired => Environment.TickCount64 >= Interlocked.Read(ref expiresAt);

        private async Task<DnsAnswer<DnsResourceRecord>> KeepAsync(Func<Task<DnsAnswer<DnsResourceRecord>>> ask)
        {
            var answer = await ask().ConfigureAwait(false);
            var lifetime = answer.Records.Count == 0
                ? NegativeLifetime
                : TimeSpan.FromSeconds(Math.Min(answer.Records.Min(r => r.TimeToLive), MaxLifetime.TotalSeconds));
            Interlocked.Exchange(ref expiresAt, Environment.TickCount64 + (long)lifetime.TotalMilliseconds);
            return answer;
        }
    }

    /// <summary>A DNS failure in words a domain's admin acts on.</summary>
    private static string Rcode(DnsHeaderResponseCode code, string fallback) => code switch
    {
        DnsHeaderResponseCode.ServerFailure => "the name servers failed to answer (SERVFAIL): check the zone's name servers and, if it is signed, its DNSSEC",
        DnsHeaderResponseCode.Refused => "the name server refused to answer (REFUSED): check that the domain's name servers serve its zone",
        DnsHeaderResponseCode.FormatError => "the name server could not read the question (FORMERR)",
        _ => fallback,
    };
}
