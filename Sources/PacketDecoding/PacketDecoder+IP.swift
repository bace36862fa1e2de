import CallscopeBase

// IPv4 (RFC 791), IPv6 (RFC 8200) and the dispatch on the IP protocol number.

enum IPProtocol {
    static let hopByHop: UInt8 = 0
    static let ipv4: UInt8 = 4
    static let tcp: UInt8 = 6
    static let udp: UInt8 = 17
    static let ipv6: UInt8 = 41
    static let routing: UInt8 = 43
    static let fragment: UInt8 = 44
    static let gre: UInt8 = 47
    static let authentication: UInt8 = 51
    static let noNextHeader: UInt8 = 59
    static let destinationOptions: UInt8 = 60
    static let sctp: UInt8 = 132
    static let mobility: UInt8 = 135
    static let hip: UInt8 = 139
    static let shim6: UInt8 = 140
}

extension PacketDecoder {
    /// IPv4 header (RFC 791 §3.1), options skipped by IHL, fragments reassembled.
    mutating func decodeIPv4(
        _ bytes: UnsafeRawBufferPointer, _ timestamp: Int64, depth: Int, _ body: Body
    ) throws -> FrameDisposition {
        guard bytes.count >= 20 else {
            throw PacketDecodingError.truncated("IPv4 header", available: bytes.count, required: 20)
        }
        let version = bytes[0] >> 4
        guard version == 4 else { throw PacketDecodingError.malformed("IPv4 version field", Int(version)) }
        let headerLength = Int(bytes[0] & 0x0F) * 4
        guard headerLength >= 20 else { throw PacketDecodingError.malformed("IPv4 header length", headerLength) }
        guard bytes.count >= headerLength else {
            throw PacketDecodingError.truncated("IPv4 header", available: bytes.count, required: headerLength)
        }
        var totalLength = Int(bytes.uint16(at: 2))
        if totalLength == 0 { totalLength = bytes.count }  // segmentation offload: length not filled in
        guard totalLength >= headerLength else {
            throw PacketDecodingError.malformed("IPv4 total length shorter than its header", totalLength)
        }
        guard bytes.count >= totalLength else {
            throw PacketDecodingError.truncated("IPv4 packet", available: bytes.count, required: totalLength)
        }
        // Bytes after the total length are link padding (Ethernet's 60-byte minimum).
        let payload = bytes.slice(from: headerLength, to: totalLength)
        let proto = bytes[9]
        let source = IPAddress.v4(bytes.uint32(at: 12))
        let destination = IPAddress.v4(bytes.uint32(at: 16))
        let flagsAndOffset = bytes.uint16(at: 6)
        let moreFragments = flagsAndOffset & 0x2000 != 0
        let fragmentOffset = Int(flagsAndOffset & 0x1FFF) * 8
        if moreFragments || fragmentOffset != 0 {
            let key = FragmentKey(
                source: source, destination: destination, identification: UInt32(bytes.uint16(at: 4)), proto: proto)
            guard
                let datagram = try fragments.add(
                    key: key, offset: fragmentOffset, moreFragments: moreFragments, data: payload,
                    timestamp: timestamp)
            else { return .fragmentHeld }
            return try datagram.withUnsafeBytes { whole in
                try decodeIPPayload(proto, source, destination, whole, isIPv6: false, timestamp, depth: depth, body)
            }
        }
        return try decodeIPPayload(proto, source, destination, payload, isIPv6: false, timestamp, depth: depth, body)
    }

    /// IPv6 fixed header (RFC 8200 §3); extension headers are walked by `decodeIPPayload`.
    mutating func decodeIPv6(
        _ bytes: UnsafeRawBufferPointer, _ timestamp: Int64, depth: Int, _ body: Body
    ) throws -> FrameDisposition {
        guard bytes.count >= 40 else {
            throw PacketDecodingError.truncated("IPv6 header", available: bytes.count, required: 40)
        }
        let version = bytes[0] >> 4
        guard version == 6 else { throw PacketDecodingError.malformed("IPv6 version field", Int(version)) }
        let payloadLength = Int(bytes.uint16(at: 4))
        // 0 is a jumbogram (RFC 2675) or a segmentation-offload capture: use what was captured.
        let end = payloadLength == 0 ? bytes.count : 40 + payloadLength
        guard bytes.count >= end else {
            throw PacketDecodingError.truncated("IPv6 packet", available: bytes.count, required: end)
        }
        let source = IPAddress.v6(bytes.uint64(at: 8), bytes.uint64(at: 16))
        let destination = IPAddress.v6(bytes.uint64(at: 24), bytes.uint64(at: 32))
        return try decodeIPPayload(
            bytes[6], source, destination, bytes.slice(from: 40, to: end), isIPv6: true, timestamp, depth: depth, body)
    }

    /// Walks IPv6 extension headers (RFC 8200 §4: hop-by-hop, routing, destination
    /// options, fragment, and AH from RFC 4302 for both versions) and dispatches on
    /// the upper-layer protocol.
    mutating func decodeIPPayload(
        _ firstProtocol: UInt8, _ source: IPAddress, _ destination: IPAddress, _ payload: UnsafeRawBufferPointer,
        isIPv6: Bool, _ timestamp: Int64, depth: Int, _ body: Body
    ) throws -> FrameDisposition {
        var proto = firstProtocol
        var bytes = payload
        while true {
            switch proto {
            case IPProtocol.udp:
                return try decodeUDP(bytes, source, destination, timestamp, depth: depth, body)
            case IPProtocol.tcp:
                return try decodeTCP(bytes, source, destination, body)
            case IPProtocol.sctp:
                return try decodeSCTP(bytes, source, destination, body)
            case IPProtocol.ipv4:
                try checkDepth(depth)
                return try decodeIPv4(bytes, timestamp, depth: depth + 1, body)
            case IPProtocol.ipv6:
                try checkDepth(depth)
                return try decodeIPv6(bytes, timestamp, depth: depth + 1, body)
            case IPProtocol.gre:
                try checkDepth(depth)
                return try decodeGRE(bytes, timestamp, depth: depth + 1, body)
            case IPProtocol.authentication:
                // RFC 4302 §2.2: payload length in 4-byte words, minus 2.
                guard bytes.count >= 2 else {
                    throw PacketDecodingError.truncated("IP authentication header", available: bytes.count, required: 2)
                }
                let length = (Int(bytes[1]) + 2) * 4
                guard bytes.count >= length else {
                    throw PacketDecodingError.truncated("IP authentication header", available: bytes.count, required: length)
                }
                proto = bytes[0]
                bytes = bytes.slice(from: length)
            case IPProtocol.hopByHop, IPProtocol.routing, IPProtocol.destinationOptions, IPProtocol.mobility,
                IPProtocol.hip, IPProtocol.shim6:
                guard isIPv6 else { return .notTransport }
                // RFC 8200 §4.3-4.6: length in 8-byte units, not counting the first 8.
                guard bytes.count >= 2 else {
                    throw PacketDecodingError.truncated("IPv6 extension header", available: bytes.count, required: 2)
                }
                let length = (Int(bytes[1]) + 1) * 8
                guard bytes.count >= length else {
                    throw PacketDecodingError.truncated("IPv6 extension header", available: bytes.count, required: length)
                }
                proto = bytes[0]
                bytes = bytes.slice(from: length)
            case IPProtocol.fragment:
                guard isIPv6 else { return .notTransport }
                // RFC 8200 §4.5: next header, reserved, offset (13 bits) + M flag, identification.
                guard bytes.count >= 8 else {
                    throw PacketDecodingError.truncated("IPv6 fragment header", available: bytes.count, required: 8)
                }
                let next = bytes[0]
                let offsetAndFlag = bytes.uint16(at: 2)
                let offset = Int(offsetAndFlag & 0xFFF8)
                let moreFragments = offsetAndFlag & 0x0001 != 0
                let data = bytes.slice(from: 8)
                if offset == 0 && !moreFragments {
                    // Atomic fragment (RFC 6946): the whole datagram is here.
                    proto = next
                    bytes = data
                    continue
                }
                let key = FragmentKey(
                    source: source, destination: destination, identification: bytes.uint32(at: 4), proto: next)
                guard
                    let datagram = try fragments.add(
                        key: key, offset: offset, moreFragments: moreFragments, data: data, timestamp: timestamp)
                else { return .fragmentHeld }
                return try datagram.withUnsafeBytes { whole in
                    try decodeIPPayload(next, source, destination, whole, isIPv6: true, timestamp, depth: depth, body)
                }
            case IPProtocol.noNextHeader:
                return .notTransport
            default:
                // ICMP, ICMPv6, ESP, OSPF, ...
                return .notTransport
            }
        }
    }
}
