using System.Net;

namespace PolicyCuration.Probe.Dns;

/// <summary>Which addresses the probe may connect to: only the public internet's, unless told otherwise.</summary>
/// <remarks>A domain's DNS is the PR author's to write: without this, a PR could point its MX at the runner's own network.</remarks>
public static class AddressScope
{
    // IANA's special-purpose registries (RFC 6890 and its updates). The translated ranges (NAT64, 6to4, Teredo, IPv4-compatible)
    // carry an IPv4 address inside: through a gateway they reach whatever that address is, the runner's own network included.
    private static readonly (IPNetwork Network, string Kind)[] Ranges =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "unspecified"),
        (IPNetwork.Parse("10.0.0.0/8"), "private"),
        (IPNetwork.Parse("100.64.0.0/10"), "shared (carrier-grade NAT)"),
        (IPNetwork.Parse("127.0.0.0/8"), "loopback"),
        (IPNetwork.Parse("169.254.0.0/16"), "link-local"),
        (IPNetwork.Parse("172.16.0.0/12"), "private"),
        (IPNetwork.Parse("192.0.0.0/24"), "reserved (IETF protocol assignments)"),
        (IPNetwork.Parse("192.0.2.0/24"), "documentation"),
        (IPNetwork.Parse("192.88.99.0/24"), "reserved (6to4 relay)"),
        (IPNetwork.Parse("192.168.0.0/16"), "private"),
        (IPNetwork.Parse("198.18.0.0/15"), "benchmarking"),
        (IPNetwork.Parse("198.51.100.0/24"), "documentation"),
        (IPNetwork.Parse("203.0.113.0/24"), "documentation"),
        (IPNetwork.Parse("224.0.0.0/4"), "multicast"),
        (IPNetwork.Parse("240.0.0.0/4"), "reserved"),
        (IPNetwork.Parse("::/128"), "unspecified"),
        (IPNetwork.Parse("::1/128"), "loopback"),
        (IPNetwork.Parse("::/96"), "translated (IPv4-compatible)"),
        (IPNetwork.Parse("64:ff9b::/96"), "translated (NAT64)"),
        (IPNetwork.Parse("64:ff9b:1::/48"), "translated (local NAT64)"),
        (IPNetwork.Parse("100::/64"), "reserved (discard-only)"),
        (IPNetwork.Parse("2001::/32"), "translated (Teredo)"),
        (IPNetwork.Parse("2001:2::/48"), "benchmarking"),
        (IPNetwork.Parse("2001:db8::/32"), "documentation"),
        (IPNetwork.Parse("2002::/16"), "translated (6to4)"),
        (IPNetwork.Parse("3fff::/20"), "documentation"),
        (IPNetwork.Parse("fc00::/7"), "private"),
        (IPNetwork.Parse("fe80::/10"), "link-local"),
        (IPNetwork.Parse("fec0::/10"), "private"),
        (IPNetwork.Parse("ff00::/8"), "multicast"),
    ];

    /// <summary>What kind of non-public address <paramref name="address"/> is, or null when it is public.</summary>
    public static string? NonPublicKind(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var (network, kind) in Ranges)
        {
            if (network.Contains(address))
            {
                return kind;
            }
        }

        return null;
    }
}
