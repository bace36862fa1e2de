import CallscopeBase

// Link layers: Ethernet II and VLAN tags, MPLS, PPPoE/PPP, Linux cooked (SLL/SLL2),
// BSD null/loop, raw IP.

enum EtherType {
    static let ipv4: UInt16 = 0x0800
    static let ipv6: UInt16 = 0x86DD
    static let vlan: UInt16 = 0x8100
    static let qinq: UInt16 = 0x88A8
    static let qinqLegacy: UInt16 = 0x9100
    static let qinqLegacy2: UInt16 = 0x9200
    static let mplsUnicast: UInt16 = 0x8847
    static let mplsMulticast: UInt16 = 0x8848
    static let pppoeSession: UInt16 = 0x8864
    static let transparentEthernet: UInt16 = 0x6558
    static let ppp: UInt16 = 0x880B
    static let erspan2: UInt16 = 0x88BE
    static let erspan3: UInt16 = 0x22EB
}

extension PacketDecoder {
    /// Ethernet II (IEEE 802.3 clause 3): destination, source, EtherType.
    mutating func decodeEthernet(
        _ bytes: UnsafeRawBufferPointer, _ timestamp: Int64, depth: Int, _ body: Body
    ) throws -> FrameDisposition {
        guard bytes.count >= 14 else {
            throw PacketDecodingError.truncated("Ethernet header", available: bytes.count, required: 14)
        }
        return try decodeEtherType(bytes.uint16(at: 12), bytes.slice(from: 14), timestamp, depth: depth, body)
    }

    /// Dispatches on an EtherType, peeling any stack of IEEE 802.1Q/802.1ad tags first.
    mutating func decodeEtherType(
        _ etherType: UInt16, _ payload: UnsafeRawBufferPointer, _ timestamp: Int64, depth: Int, _ body: Body
    ) throws -> FrameDisposition {
        var type = etherType
        var bytes = payload
        while true {
            switch type {
            case EtherType.ipv4:
                return try decodeIPv4(bytes, timestamp, depth: depth, body)
            case EtherType.ipv6:
                return try decodeIPv6(bytes, timestamp, depth: depth, body)
            case EtherType.vlan, EtherType.qinq, EtherType.qinqLegacy, EtherType.qinqLegacy2:
                // Tag control information (2 bytes) then the next EtherType.
                guard bytes.count >= 4 else {
                    throw PacketDecodingError.truncated("802.1Q tag", available: bytes.count, required: 4)
                }
                type = bytes.uint16(at: 2)
                bytes = bytes.slice(from: 4)
            case EtherType.mplsUnicast, EtherType.mplsMulticast:
                return try decodeMPLS(bytes, timestamp, depth: depth, body)
            case EtherType.pppoeSession:
                return try decodePPPoESession(bytes, timestamp, depth: depth, body)
            case EtherType.transparentEthernet:
                try checkDepth(depth)
                return try decodeEthernet(bytes, timestamp, depth: depth + 1, body)
            default:
                // ARP, LLDP, an 802.3 length field (< 0x0600), anything else.
                return .notTransport
            }
        }
    }

    /// MPLS label stack (RFC 3032): 4-byte entries until the bottom-of-stack bit, then
    /// IPv4, IPv6 (first nibble) or an Ethernet pseudowire with a control word (RFC 4448, nibble 0).
    mutating func decodeMPLS(
        _ bytes: UnsafeRawBufferPointer, _ timestamp: Int64, depth: Int, _ body: Body
    ) throws -> FrameDisposition {
        var offset = 0
        while true {
            guard bytes.count >= offset + 4 else {
                throw PacketDecodingError.truncated("MPLS label stack", available: bytes.count, required: offset + 4)
            }
            let bottomOfStack = bytes[offset + 2] & 0x01 != 0
            offset += 4
            if bottomOfStack { break }
        }
        let inner = bytes.slice(from: offset)
        guard inner.count >= 1 else { return .notTransport }
        switch inner[0] >> 4 {
        case 4: return try decodeIPv4(inner, timestamp, depth: depth, body)
        case 6: return try decodeIPv6(inner, timestamp, depth: depth, body)
        case 0:
            guard inner.count >= 4 else {
                throw PacketDecodingError.truncated("MPLS pseudowire control word", available: inner.count, required: 4)
            }
            try checkDepth(depth)
            return try decodeEthernet(inner.slice(from: 4), timestamp, depth: depth + 1, body)
        default:
            return .notTransport
        }
    }

    /// PPPoE session stage (RFC 2516 §4): 6-byte header with a payload length, then PPP.
    mutating func decodePPPoESession(
        _ bytes: UnsafeRawBufferPointer, _ timestamp: Int64, depth: Int, _ body: Body
    ) throws -> FrameDisposition {
        guard bytes.count >= 6 else {
            throw PacketDecodingError.truncated("PPPoE header", available: bytes.count, required: 6)
        }
        let length = Int(bytes.uint16(at: 4))
        guard bytes.count >= 6 + length else {
            throw PacketDecodingError.truncated("PPPoE payload", available: bytes.count - 6, required: length)
        }
        return try decodePPP(bytes.slice(from: 6, to: 6 + length), timestamp, depth: depth, body)
    }

    /// PPP (RFC 1661 §2) with optional address/control bytes (0xFF 0x03) and a 1- or
    /// 2-byte protocol field (protocol field compression); IPv4 0x21, IPv6 0x57.
    mutating func decodePPP(
        _ bytes: UnsafeRawBufferPointer, _ timestamp: Int64, depth: Int, _ body: Body
    ) throws -> FrameDisposition {
        var offset = 0
        if bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0x03 { offset = 2 }
        guard bytes.count >= offset + 1 else {
            throw PacketDecodingError.truncated("PPP header", available: bytes.count, required: offset + 1)
        }
        var proto = UInt16(bytes[offset])
        if proto & 0x01 != 0 {
            offset += 1  // compressed protocol field: an odd first byte is the whole field
        } else {
            guard bytes.count >= offset + 2 else {
                throw PacketDecodingError.truncated("PPP header", available: bytes.count, required: offset + 2)
            }
            proto = bytes.uint16(at: offset)
            offset += 2
        }
        switch proto {
        case 0x0021: return try decodeIPv4(bytes.slice(from: offset), timestamp, depth: depth, body)
        case 0x0057: return try decodeIPv6(bytes.slice(from: offset), timestamp, depth: depth, body)
        default: return .notTransport
        }
    }

    /// LINKTYPE_LINUX_SLL: packet type, ARPHRD type, address length, 8 address bytes, protocol.
    mutating func decodeLinuxSLL(
        _ bytes: UnsafeRawBufferPointer, _ timestamp: Int64, _ body: Body
    ) throws -> FrameDisposition {
        guard bytes.count >= 16 else {
            throw PacketDecodingError.truncated("Linux SLL header", available: bytes.count, required: 16)
        }
        if bytes.uint16(at: 2) == 824 { return .notTransport }  // ARPHRD_NETLINK: protocol is a netlink family
        return try decodeEtherType(bytes.uint16(at: 14), bytes.slice(from: 16), timestamp, depth: 0, body)
    }

    /// LINKTYPE_LINUX_SLL2: protocol, reserved, interface index, ARPHRD type, packet type, address length, 8 address bytes.
    mutating func decodeLinuxSLL2(
        _ bytes: UnsafeRawBufferPointer, _ timestamp: Int64, _ body: Body
    ) throws -> FrameDisposition {
        guard bytes.count >= 20 else {
            throw PacketDecodingError.truncated("Linux SLL2 header", available: bytes.count, required: 20)
        }
        if bytes.uint16(at: 8) == 824 { return .notTransport }  // ARPHRD_NETLINK
        return try decodeEtherType(bytes.uint16(at: 0), bytes.slice(from: 20), timestamp, depth: 0, body)
    }

    /// LINKTYPE_NULL (host byte order, either accepted) and LINKTYPE_LOOP (network order):
    /// a 4-byte address family; AF_INET is 2, AF_INET6 is 24 (NetBSD/OpenBSD), 28 (FreeBSD) or 30 (Darwin).
    mutating func decodeNull(
        _ bytes: UnsafeRawBufferPointer, _ timestamp: Int64, networkOrder: Bool, _ body: Body
    ) throws -> FrameDisposition {
        guard bytes.count >= 4 else {
            throw PacketDecodingError.truncated("loopback header", available: bytes.count, required: 4)
        }
        var family = bytes.uint32(at: 0)  // big-endian reading
        if !networkOrder, family & 0xFFFF == 0 {
            family = family.byteSwapped  // written by a little-endian host
        }
        let inner = bytes.slice(from: 4)
        switch family {
        case 2: return try decodeIPv4(inner, timestamp, depth: 0, body)
        case 24, 28, 30: return try decodeIPv6(inner, timestamp, depth: 0, body)
        default: return .notTransport
        }
    }

    /// Raw IP (LINKTYPE_RAW, and DLT 12/14): the version is the first nibble.
    mutating func decodeRawIP(
        _ bytes: UnsafeRawBufferPointer, _ timestamp: Int64, depth: Int, _ body: Body
    ) throws -> FrameDisposition {
        guard bytes.count >= 1 else {
            throw PacketDecodingError.truncated("IP header", available: 0, required: 1)
        }
        switch bytes[0] >> 4 {
        case 4: return try decodeIPv4(bytes, timestamp, depth: depth, body)
        case 6: return try decodeIPv6(bytes, timestamp, depth: depth, body)
        default: throw PacketDecodingError.malformed("IP version", Int(bytes[0] >> 4))
        }
    }

    func checkDepth(_ depth: Int) throws {
        if depth >= configuration.maxEncapsulationDepth {
            throw PacketDecodingError.tooManyEncapsulations(configuration.maxEncapsulationDepth)
        }
    }
}
