/// The link-layer header type of a capture: a tcpdump.org `LINKTYPE_` value.
///
/// Why a struct and not an enum: capture files carry any 32-bit value, and an
/// unknown one must stay representable (it is reported, not crashed on). Values and
/// header layouts follow https://www.tcpdump.org/linktypes.html and the per-type
/// pages (LINKTYPE_NULL, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, ...).
public struct LinkType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32

    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// BSD loopback: 4-byte address family in the capturing host's byte order (both are accepted).
    public static let null = LinkType(rawValue: 0)
    /// Ethernet II (IEEE 802.3), with any VLAN tag stack.
    public static let ethernet = LinkType(rawValue: 1)
    /// Raw IP, version from the first nibble. The values 12 and 14 (`DLT_RAW` on some BSDs) mean the same.
    public static let raw = LinkType(rawValue: 101)
    /// OpenBSD loopback: 4-byte address family in network byte order.
    public static let loop = LinkType(rawValue: 108)
    /// Linux "cooked" capture v1 (`tcpdump -i any` on older libpcap), 16-byte header.
    public static let linuxSLL = LinkType(rawValue: 113)
    /// Linux "cooked" capture v2, 20-byte header.
    public static let linuxSLL2 = LinkType(rawValue: 276)
    /// Raw IPv4 only.
    public static let ipv4 = LinkType(rawValue: 228)
    /// Raw IPv6 only.
    public static let ipv6 = LinkType(rawValue: 229)

    /// `true` for the link types ``PacketDecoder`` understands.
    public var isSupported: Bool {
        switch rawValue {
        case 0, 1, 12, 14, 101, 108, 113, 228, 229, 276: return true
        default: return false
        }
    }

    public var description: String {
        switch rawValue {
        case 0: return "NULL"
        case 1: return "ETHERNET"
        case 12, 14, 101: return "RAW"
        case 108: return "LOOP"
        case 113: return "LINUX_SLL"
        case 228: return "IPV4"
        case 229: return "IPV6"
        case 276: return "LINUX_SLL2"
        default: return "LINKTYPE \(rawValue)"
        }
    }
}
