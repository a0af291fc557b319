using System.Net;
using System.Net.Sockets;

namespace FlagDashboard.Core.Webhooks;

/// <summary>Which addresses count as private: what a public webhook must not reach unless allowed.</summary>
public static class WebhookAddresses
{
    /// <summary>
    /// True for every address that is not public unicast: private, loopback, link-local, shared, reserved, documentation,
    /// multicast and broadcast ranges, and IPv6 forms that carry such an IPv4 address (mapped, compatible, NAT64, 6to4).
    /// IPv6 is allowed only inside global unicast (2000::/3); Teredo, whose far end cannot be checked, is refused.
    /// </summary>
    public static bool IsPrivate(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetwork ? IsPrivateV4(address.GetAddressBytes()) : IsPrivateV6(address.GetAddressBytes());

    private static bool IsPrivateV4(ReadOnlySpan<byte> b) =>
        b[0] is 0 or 10 or 127 or >= 224 // this network, private, loopback, multicast, reserved and broadcast
        || (b[0] == 100 && b[1] is >= 64 and <= 127) // shared address space (carrier-grade NAT)
        || (b[0] == 169 && b[1] == 254) // link-local, cloud metadata
        || (b[0] == 172 && b[1] is >= 16 and <= 31)
        || (b[0] == 192 && b[1] == 168)
        || (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2) // IETF protocol assignments, documentation
        || (b[0] == 192 && b[1] == 88 && b[2] == 99) // 6to4 relay anycast
        || (b[0] == 198 && b[1] is 18 or 19) // benchmarking
        || (b[0] == 198 && b[1] == 51 && b[2] == 100)
        || (b[0] == 203 && b[1] == 0 && b[2] == 113);

    private static bool IsPrivateV6(byte[] b)
    {
        var span = b.AsSpan();
        if (span[..10].IndexOfAnyExcept((byte)0) < 0 && ((b[10] == 0 && b[11] == 0) || (b[10] == 0xFF && b[11] == 0xFF)))
        {
            return IsPrivateV4(span[12..]); // IPv4-compatible (also :: and ::1) or IPv4-mapped
        }

        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B)
        {
            // NAT64: the well-known prefix 64:ff9b::/96 carries an IPv4 address; 64:ff9b:1::/48 is for local use.
            return span[4..12].IndexOfAnyExcept((byte)0) >= 0 || IsPrivateV4(span[12..]);
        }

        if (b[0] == 0x20 && b[1] == 0x02)
        {
            return IsPrivateV4(span[2..6]); // 6to4
        }

        var teredo = b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00;
        var documentation = b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8;
        var globalUnicast = (b[0] & 0xE0) == 0x20;
        return !globalUnicast || teredo || documentation;
    }

    /// <summary>Whether a URL's host is written as a private address or as localhost (names are checked again on connect).</summary>
    public static bool NamesPrivateHost(Uri url) =>
        url.IsLoopback
        || url.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || url.Host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(url.IdnHost.Trim('[', ']'), out var address) && IsPrivate(address));
}
