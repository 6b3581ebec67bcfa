using System.Runtime.CompilerServices;
using PolicyCuration.Format.Findings;
using PolicyCuration.Format.Model;
using PolicyCuration.Probe.Dns;
using PolicyCuration.Probe.MtaSts;
using PolicyCuration.Probe.Smtp;
using PolicyCuration.Probe.Tls;
using PolicyCuration.Probe.Vantage;

namespace PolicyCuration.Probe;

/// <summary>
/// Probes mail domains: MX lookup and coverage, a STARTTLS session with every address of every MX host, MTA-STS,
/// TLS-RPT and DANE. Domains and MX sessions each run concurrently up to <see cref="ProbeOptions.Concurrency"/>, so one
/// slow or hostile host costs one timeout, never the run. One prober is one run: it greets the canaries first, talks
/// to each (MX host, address) once whatever the number of domains behind it, and keeps DNS answers within their TTL.
/// </summary>
public sealed class DomainProber : IDisposable
{
    /// <summary>The shortest <c>max_age</c> that is no warning: a day.</summary>
    public const long ShortMaxAge = 86_400;

    /// <summary>The <c>max_age</c> from which an enforcing MTA-STS policy lets a new entry start in enforce: 18 weeks.</summary>
    public const long EnforceMaxAge = 10_886_400;

    private readonly ProbeOptions options;
    private readonly MailDns dns;
    private readonly MtaStsFetcher mtaSts;
    private readonly SemaphoreSlim domainSlots;
    private readonly EndpointSessions sessions;
    private readonly Lazy<Task<IReadOnlyList<CanaryOutcome>>> canaries;
    private int domainsProbed;
    private int mxLookupsFailed;

    /// <summary>A prober with the servers, ports, trust and bounds of <paramref name="options"/>.</summary>
    public DomainProber(ProbeOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Concurrency, 1);
        this.options = options;
        dns = new MailDns(options.DnsServer, options.Timeout);
        mtaSts = new MtaStsFetcher(dns, options);
        domainSlots = new SemaphoreSlim(options.Concurrency);
        sessions = new EndpointSessions(options);
        canaries = new(async () => await Task.WhenAll(options.Canaries.Select(CanaryAsync)).ConfigureAwait(false));
    }

    /// <summary>What the run has done so far.</summary>
    public ProbeStatistics Statistics => new(
        Volatile.Read(ref domainsProbed), Volatile.Read(ref mxLookupsFailed), sessions.Endpoints, sessions.Unreachable, sessions.Opened, sessions.Uses, dns.QuestionsAsked);

    /// <summary>The health of this run's vantage: its canaries (greeted now if no domain was probed yet) and the run so far.</summary>
    public async Task<VantageHealth> VantageAsync()
    {
        var greeted = await canaries.Value.ConfigureAwait(false);
        return VantageHealth.Judge(options.VantageId, greeted, Statistics);
    }

    /// <summary>Probes every target, calling <paramref name="finished"/> as each report completes; reports come back in target order.</summary>
    public async Task<IReadOnlyList<DomainReport>> ProbeAllAsync(
        IReadOnlyList<ProbeTarget> targets, Action<DomainReport>? finished, CancellationToken cancellation)
    {
        var tasks = targets.Select(async target =>
        {
            var report = await ProbeAsync(target, cancellation).ConfigureAwait(false);
            finished?.Invoke(report);
            return report;
        });
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    /// <summary>Probes every target, all under the same bounds as <see cref="ProbeAllAsync"/>, yielding each report once it and those before it are done.</summary>
    public async IAsyncEnumerable<DomainReport> ProbeInOrderAsync(
        IReadOnlyList<ProbeTarget> targets, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var pending = targets.Select(target => (Task<DomainReport>?)ProbeAsync(target, cancellation)).ToArray();
        for (int i = 0; i < pending.Length; i++)
        {
            var report = await pending[i]!.ConfigureAwait(false);

            // Let the report go once the caller has it: a run of 200 000 domains need not hold them all.
            pending[i] = null;
            yield return report;
        }
    }

    /// <summary>Probes one domain.</summary>
    public async Task<DomainReport> ProbeAsync(ProbeTarget target, CancellationToken cancellation)
    {
        // The canaries first: their sessions must not queue behind a thousand domains'.
        await canaries.Value.WaitAsync(cancellation).ConfigureAwait(false);
        await domainSlots.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            Interlocked.Increment(ref domainsProbed);
            long started = options.Clock.GetTimestamp();
            var report = await ProbeDomainAsync(target, cancellation).ConfigureAwait(false);
            return report with { Elapsed = options.Clock.GetElapsedTime(started) };
        }
        finally
        {
            domainSlots.Release();
        }
    }

    /// <summary>Only <paramref name="domain"/>'s MTA-STS policy (its TXT record, then the policy over HTTPS), or null when it has no valid one.</summary>
    public async Task<MtaStsPolicy?> MtaStsPolicyAsync(string domain, CancellationToken cancellation) =>
        (await MtaStsAsync(domain, cancellation).ConfigureAwait(false)).Policy;

    /// <inheritdoc/>
    public void Dispose()
    {
        mtaSts.Dispose();
        domainSlots.Dispose();
    }

    private async Task<DomainReport> ProbeDomainAsync(ProbeTarget target, CancellationToken cancellation)
    {
        string domain = target.Domain;
        var findings = new List<Finding>();
        var mtaStsTask = MtaStsAsync(domain, cancellation);
        var tlsRptTask = TlsRptAsync(domain, cancellation);

        var answer = await dns.MxAsync(domain, cancellation).ConfigureAwait(false);
        var mx = answer.Records;
        var hosts = new List<MxHostReport>();
        switch (answer.Outcome)
        {
            case DnsOutcome.NoData:
                findings.Add(ProbeFindingKinds.MxNone.At(domain, $"{domain} has no MX records: publish the MX hosts that receive its mail", null));
                break;
            case DnsOutcome.NxDomain:
                findings.Add(ProbeFindingKinds.MxNxDomain.At(domain, $"{domain} does not exist in the DNS", null));
                break;
            case DnsOutcome.CnameLoop:
                findings.Add(ProbeFindingKinds.CnameLoop.At(domain, $"MX {domain}: {answer.Error}", null));
                break;
            case DnsOutcome.Failed:
                Interlocked.Increment(ref mxLookupsFailed);
                findings.Add(ProbeFindingKinds.MxLookupFailed.At(domain, answer.Error ?? $"MX {domain}: the lookup failed", null));
                break;
            case DnsOutcome.Found when mx.Any(r => r.Host.Length == 0):
                findings.Add(ProbeFindingKinds.MxNull.At(domain, $"{domain} publishes a null MX (RFC 7505): it receives no mail and has no place in the list", null));
                break;
            case DnsOutcome.Found:
                hosts = await HostsAsync(target, mx, findings, cancellation).ConfigureAwait(false);
                break;
        }

        var (record, policy, stsFindings) = await mtaStsTask.ConfigureAwait(false);
        findings.AddRange(stsFindings);
        if (policy is not null)
        {
            findings.AddRange(MtaStsChecks.AgainstEntry(target, policy, mx.Select(r => r.Host).Where(h => h.Length > 0).ToList()));
        }

        var (tlsRpt, tlsRptFindings) = await tlsRptTask.ConfigureAwait(false);
        findings.AddRange(tlsRptFindings);
        var suggested = answer.Outcome == DnsOutcome.Found && hosts.Count > 0 ? Suggest(mx, policy) : null;
        return new DomainReport(target, mx, hosts, record, policy, findings, suggested, TimeSpan.Zero, tlsRpt);
    }

    private async Task<List<MxHostReport>> HostsAsync(ProbeTarget target, IReadOnlyList<MxRecord> mx, List<Finding> findings, CancellationToken cancellation)
    {
        var distinct = mx.DistinctBy(r => r.Host).ToList();
        if (distinct.Count > options.MaxMxHosts)
        {
            findings.Add(ProbeFindingKinds.MxTooMany.At(
                target.Domain, $"{target.Domain} has {distinct.Count} MX hosts; only the {options.MaxMxHosts} most preferred are probed", null));
            distinct = distinct.Take(options.MaxMxHosts).ToList();
        }

        if (target.Mxs is { } patterns)
        {
            foreach (var record in distinct.Where(r => !patterns.Any(p => p.Matches(r.Host))))
            {
                findings.Add(ProbeFindingKinds.MxUnmatched.At(
                    target.Domain,
                    $"MX {record.Host} of {target.Domain} is covered by no pattern of the entry ({string.Join(", ", patterns.Select(p => p.Text))}): add it to mxs",
                    null));
            }
        }

        var reports = await Task.WhenAll(distinct.Select(r => HostAsync(target, r, cancellation))).ConfigureAwait(false);
        return reports.SelectMany(r => r).ToList();
    }

    private async Task<IReadOnlyList<MxHostReport>> HostAsync(ProbeTarget target, MxRecord mx, CancellationToken cancellation)
    {
        var tlsaTask = dns.TlsaAsync($"_25._tcp.{mx.Host}", cancellation);
        var addresses = await dns.AddressesAsync(mx.Host, cancellation).ConfigureAwait(false);
        var hostFindings = new List<Finding>();
        var tlsa = await tlsaTask.ConfigureAwait(false);
        if (tlsa.Outcome == DnsOutcome.Found)
        {
            hostFindings.Add(ProbeFindingKinds.DaneTlsaPresent.At(
                mx.Host, $"{mx.Host} publishes {tlsa.Records.Count} TLSA record(s) at _25._tcp.{mx.Host}: DANE-aware senders authenticate it by those", null));
        }

        if (addresses.Outcome != DnsOutcome.Found)
        {
            var finding = addresses.Outcome switch
            {
                DnsOutcome.CnameLoop => ProbeFindingKinds.CnameLoop.At(mx.Host, $"address of MX {mx.Host}: {addresses.Error}", null),
                DnsOutcome.Failed => ProbeFindingKinds.AddressLookupFailed.At(mx.Host, $"the address of MX host {mx.Host}: {addresses.Error}", null),
                _ => ProbeFindingKinds.AddressNone.At(mx.Host, $"MX {mx.Host} has no A or AAAA record{(addresses.Outcome == DnsOutcome.NxDomain ? " (the name does not exist)" : string.Empty)}", null),
            };
            return [new MxHostReport(mx.Host, mx.Preference, null, null, null, null, [.. hostFindings, finding])];
        }

        foreach (var address in addresses.Records)
        {
            if (!options.AllowPrivateAddresses && AddressScope.NonPublicKind(address) is { } kind)
            {
                hostFindings.Add(ProbeFindingKinds.AddressNotPublic.At(
                    mx.Host, $"MX {mx.Host} resolves to {address}, a {kind} address: senders on the internet cannot deliver there, and the probe does not connect to it; publish only public addresses", null));
            }
        }

        var reachable = addresses.Records.Where(a => options.AllowPrivateAddresses || AddressScope.NonPublicKind(a) is null).Take(options.MaxAddressesPerHost).ToList();
        if (reachable.Count == 0)
        {
            return [new MxHostReport(mx.Host, mx.Preference, null, null, null, null, hostFindings)];
        }

        var probed = reachable.Select(async address =>
        {
            var outcome = await this.sessions.GetAsync(mx.Host, address, cancellation).ConfigureAwait(false);
            var findings = outcome.Findings;
            if (outcome.Certificate is { } certificate)
            {
                string where = $"{mx.Host} ({new System.Net.IPEndPoint(address, options.SmtpPort)})";
                findings = [.. findings, .. CertificateVerdict.PatternFindings(certificate.Certificate.Names, mx.Host, target.Mxs, mx.Host)
                    .Select(f => f with { Message = $"{where}: {f.Message}" })];
            }

            return new MxHostReport(mx.Host, mx.Preference, address, outcome.TlsVersion, outcome.CipherSuite, outcome.Certificate?.Certificate, findings);
        });
        var reports = await Task.WhenAll(probed).ConfigureAwait(false);

        // Host-wide findings (DANE) once, on the first address.
        reports[0] = reports[0] with { Findings = [.. hostFindings, .. reports[0].Findings] };
        return reports;
    }

    private async Task<CanaryOutcome> CanaryAsync(string host)
    {
        var addresses = await dns.AddressesAsync(host, CancellationToken.None).ConfigureAwait(false);
        if (addresses.Outcome != DnsOutcome.Found)
        {
            return new CanaryOutcome(host, false, addresses.Error ?? $"no address ({addresses.Outcome})");
        }

        var address = addresses.Records.FirstOrDefault(a => options.AllowPrivateAddresses || AddressScope.NonPublicKind(a) is null);
        if (address is null)
        {
            return new CanaryOutcome(host, false, "it has only non-public addresses");
        }

        var outcome = await StartTlsSession.RunAsync(host, address, options, CancellationToken.None).ConfigureAwait(false);
        return outcome.Unreachable || outcome.Transient
            ? new CanaryOutcome(host, false, outcome.Findings.First(f => f.Severity == Severity.Error).Message)
            : new CanaryOutcome(host, true, $"{address} greeted");
    }

    private async Task<(MtaStsRecord? Record, MtaStsPolicy? Policy, IReadOnlyList<Finding> Findings)> MtaStsAsync(string domain, CancellationToken cancellation)
    {
        var txt = await dns.TxtAsync($"_mta-sts.{domain}", cancellation).ConfigureAwait(false);
        if (txt.Outcome is DnsOutcome.Failed or DnsOutcome.CnameLoop)
        {
            return (null, null, [ProbeFindingKinds.MtaStsTxtLookupFailed.At(domain, txt.Error ?? $"TXT _mta-sts.{domain}: the lookup failed", null)]);
        }

        var (record, problem, count) = MtaStsRecord.Select(txt.Records);
        if (count == 0)
        {
            return (null, null, [ProbeFindingKinds.MtaStsTxtNone.At(domain, $"{domain} publishes no MTA-STS record at _mta-sts.{domain}", null)]);
        }

        if (record is null)
        {
            var kind = count > 1 ? ProbeFindingKinds.MtaStsTxtMultiple : ProbeFindingKinds.MtaStsTxtInvalid;
            return (null, null, [kind.At(domain, $"_mta-sts.{domain}: {problem}; senders treat the domain as having no MTA-STS policy", null)]);
        }

        var fetch = await mtaSts.FetchAsync(domain, cancellation).ConfigureAwait(false);
        return (record, fetch.Policy, fetch.Findings);
    }

    private async Task<(TlsRptRecord? Record, IReadOnlyList<Finding> Findings)> TlsRptAsync(string domain, CancellationToken cancellation)
    {
        var txt = await dns.TxtAsync($"_smtp._tls.{domain}", cancellation).ConfigureAwait(false);
        var (record, problem, count) = TlsRptRecord.Select(txt.Records);
        if (record is not null)
        {
            return (record, []);
        }

        return (null, count switch
        {
            0 => [ProbeFindingKinds.TlsRptNone.At(domain, $"{domain} asks for no TLS reports (no v=TLSRPTv1 record at _smtp._tls.{domain})", null)],
            1 => [ProbeFindingKinds.TlsRptInvalid.At(domain, $"_smtp._tls.{domain}: {problem}", null)],
            _ => [ProbeFindingKinds.TlsRptMultiple.At(domain, $"_smtp._tls.{domain}: {problem}; senders send no reports", null)],
        });
    }

    private static SuggestedEntry Suggest(IReadOnlyList<MxRecord> mx, MtaStsPolicy? policy)
    {
        var hosts = mx.Select(r => r.Host).Where(h => h.Length > 0).Distinct().ToList();
        if (policy is { Mode: not "none" } && hosts.All(h => policy.ListPatterns.Any(p => p.Matches(h))))
        {
            var mode = policy.Mode == "enforce" && policy.MaxAge >= EnforceMaxAge ? PolicyMode.Enforce : PolicyMode.Testing;
            return new SuggestedEntry(mode, policy.ListPatterns.Select(p => p.Text).Distinct().ToList());
        }

        return new SuggestedEntry(PolicyMode.Testing, hosts);
    }
}
