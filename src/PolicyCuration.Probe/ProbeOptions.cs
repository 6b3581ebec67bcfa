using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace PolicyCuration.Probe;

/// <summary>Where and how to probe: servers, ports, trust roots, bounds. Tests point these at local servers.</summary>
public sealed record ProbeOptions
{
    /// <summary>The DNS server asked for every lookup; <see langword="null"/> for the servers of <c>/etc/resolv.conf</c>.</summary>
    public IPEndPoint? DnsServer { get; init; }

    /// <summary>The SMTP port of every MX host.</summary>
    public int SmtpPort { get; init; } = 25;

    /// <summary>The HTTPS port of every <c>mta-sts.</c> host.</summary>
    public int HttpsPort { get; init; } = 443;

    /// <summary>The roots certificates must chain to; <see langword="null"/> for the system trust store.</summary>
    public X509Certificate2Collection? TrustRoots { get; init; }

    /// <summary>The name sent with EHLO.</summary>
    public string EhloName { get; init; } = "policy-probe.invalid";

    /// <summary>The bound on each network step: a DNS query, a connection, a reply, a handshake, a policy fetch.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How many domains, and separately how many MX hosts, are probed at once.</summary>
    public int Concurrency { get; init; } = 256;

    /// <summary>How many SMTP sessions reach one address at once, whatever the number of domains behind it.</summary>
    public int SessionsPerAddress { get; init; } = 2;

    /// <summary>Mail hosts every run greets first, to tell a vantage that cannot reach port 25 from broken domains.</summary>
    public IReadOnlyList<string> Canaries { get; init; } = [];

    /// <summary>The name of the place the probe runs from, recorded with its results.</summary>
    public string VantageId { get; init; } = "local";

    /// <summary>The clock certificates and policies are judged by.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>How many MX hosts of one domain are probed; beyond it, <c>dns.mx.too_many</c>.</summary>
    public int MaxMxHosts { get; init; } = 32;

    /// <summary>Whether loopback, private, link-local, multicast and unspecified addresses may be connected to (tests, self-hosted setups).</summary>
    public bool AllowPrivateAddresses { get; init; }

    /// <summary>How many addresses of one MX host are probed.</summary>
    public int MaxAddressesPerHost { get; init; } = 4;
}
