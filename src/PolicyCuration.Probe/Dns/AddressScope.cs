using System.Net;
using System.Net.Sockets;

namespace PolicyCuration.Probe.Dns;

/// <summary>Which addresses the probe may connect to: only the public internet's, unless told otherwise.</summary>
/// <remarks>A domain's DNS is the PR author's to write: without this, a PR could point its MX at the runner's own network.</remarks>
public static class AddressScope
{
    /// <summary>What kind of non-public address <paramref name="address"/> is, or null when it is public.</summary>
    public static string? NonPublicKind(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            byte[] b = address.GetAddressBytes();
            return b[0] switch
            {
                0 => "unspecified",
                127 => "loopback",
                10 => "private",
                172 when b[1] is >= 16 and <= 31 => "private",
                192 when b[1] == 168 => "private",
                100 when b[1] is >= 64 and <= 127 => "shared (carrier-grade NAT)",
                169 when b[1] == 254 => "link-local",
                >= 224 and <= 239 => "multicast",
                >= 240 => "reserved",
                _ => null,
            };
        }

        if (address.Equals(IPAddress.IPv6Any))
        {
            return "unspecified";
        }

        if (IPAddress.IsLoopback(address))
        {
            return "loopback";
        }

        byte first = address.GetAddressBytes()[0];
        return address.IsIPv6LinkLocal ? "link-local"
            : address.IsIPv6Multicast ? "multicast"
            : address.IsIPv6SiteLocal || (first & 0xFE) == 0xFC ? "private"
            : null;
    }
}
