import CallscopeBase

// Tunnels: GRE (with PPP and ERSPAN payloads), GTP-U and VXLAN.
// IP-in-IP is a plain dispatch in decodeIPPayload.

extension PacketDecoder {
    /// GRE (RFC 2784, key and sequence from RFC 2890, routing from RFC 1701) and
    /// enhanced GRE version 1 (RFC 2637 §4.1, PPTP). The protocol type is an EtherType.
    mutating func decodeGRE(
        _ bytes: UnsafeRawBufferPointer, _ timestamp: Int64, depth: Int, _ body: Body
    ) throws -> FrameDisposition {
        guard bytes.count >= 4 else {
            throw PacketDecodingError.truncated("GRE header", available: bytes.count, required: 4)
        }
        let flags = bytes.uint16(at: 0)
        let protocolType = bytes.uint16(at: 2)
        let checksumPresent = flags & 0x8000 != 0
        let routingPresent = flags & 0x4000 != 0
        let keyPresent = flags & 0x2000 != 0
        let sequencePresent = flags & 0x1000 != 0
        var offset = 4
        switch flags & 0x0007 {
        case 0:
            if checksumPresent || routingPresent { offset += 4 }  // checksum + offset (RFC 1701)
            if keyPresent { offset += 4 }
            if sequencePresent { offset += 4 }
            if routingPresent {
                // Source route entries until the NULL entry (address family 0, length 0).
                while true {
                    guard bytes.count >= offset + 4 else {
                        throw PacketDecodingError.truncated("GRE routing", available: bytes.count, required: offset + 4)
                    }
                    let family = bytes.uint16(at: offset)
                    let length = Int(bytes[offset + 3])
                    offset += 4 + length
                    if family == 0 && length == 0 { break }
                }
            }
        case 1:
            // Key (payload length + call ID) is mandatory; sequence and acknowledgment optional.
            offset += 4
            if sequencePresent { offset += 4 }
            if flags & 0x0080 != 0 { offset += 4 }
        default:
            return .notTransport
        }
        guard bytes.count >= offset else {
            throw PacketDecodingError.truncated("GRE header", available: bytes.count, required: offset)
        }
        let inner = bytes.slice(from: offset)
        switch protocolType {
        case EtherType.ppp:
            return try decodePPP(inner, timestamp, depth: depth, body)
        case EtherType.erspan2:
            // ERSPAN type I has no header and no GRE sequence number; type II has both (8-byte header).
            if !sequencePresent { return try decodeEthernet(inner, timestamp, depth: depth, body) }
            guard inner.count >= 8 else {
                throw PacketDecodingError.truncated("ERSPAN type II header", available: inner.count, required: 8)
            }
            return try decodeEthernet(inner.slice(from: 8), timestamp, depth: depth, body)
        case EtherType.erspan3:
            // 12-byte header; the O bit (last bit) announces an 8-byte platform-specific subheader;
            // frame type FT (5 bits of byte 10) is 0 for Ethernet, 2 for IP.
            guard inner.count >= 12 else {
                throw PacketDecodingError.truncated("ERSPAN type III header", available: inner.count, required: 12)
            }
            let headerLength = inner[11] & 0x01 != 0 ? 20 : 12
            guard inner.count >= headerLength else {
                throw PacketDecodingError.truncated("ERSPAN type III header", available: inner.count, required: headerLength)
            }
            let frameType = (inner[10] >> 2) & 0x1F
            let frame = inner.slice(from: headerLength)
            switch frameType {
            case 0: return try decodeEthernet(frame, timestamp, depth: depth, body)
            case 2: return try decodeRawIP(frame, timestamp, depth: depth, body)
            default: return .notTransport
            }
        default:
            return try decodeEtherType(protocolType, inner, timestamp, depth: depth, body)
        }
    }

    /// GTP-U (3GPP TS 29.281 §5.1-5.2): 8-byte header, then sequence number, N-PDU
    /// number and next extension header type when any of E/S/PN is set, then the
    /// extension header chain; a G-PDU (message type 255) carries an IPv4/IPv6 packet.
    /// Returns `nil` when this is not a G-PDU (echo, error indication...), so the
    /// datagram is passed on as plain UDP.
    mutating func decodeGTPU(
        _ bytes: UnsafeRawBufferPointer, _ timestamp: Int64, depth: Int, _ body: Body
    ) throws -> FrameDisposition? {
        guard bytes.count >= 8, bytes[0] >> 5 == 1, bytes[0] & 0x10 != 0, bytes[1] == 0xFF else { return nil }
        let end = 8 + Int(bytes.uint16(at: 2))
        guard bytes.count >= end else {
            throw PacketDecodingError.truncated("GTP-U message", available: bytes.count, required: end)
        }
        var offset = 8
        if bytes[0] & 0x07 != 0 {
            guard end >= 12 else { throw PacketDecodingError.truncated("GTP-U header", available: end, required: 12) }
            var nextType = bytes[11]
            offset = 12
            while nextType != 0 {
                // Each extension header: length in 4-byte units (first byte), content, next type (last byte).
                guard end >= offset + 1 else {
                    throw PacketDecodingError.truncated("GTP-U extension header", available: end, required: offset + 1)
                }
                let length = Int(bytes[offset]) * 4
                guard length > 0 else { throw PacketDecodingError.malformed("GTP-U extension header length", 0) }
                guard end >= offset + length else {
                    throw PacketDecodingError.truncated("GTP-U extension header", available: end, required: offset + length)
                }
                nextType = bytes[offset + length - 1]
                offset += length
            }
        }
        let inner = bytes.slice(from: offset, to: end)
        guard inner.count >= 1 else { return .notTransport }
        try checkDepth(depth)
        switch inner[0] >> 4 {
        case 4: return try decodeIPv4(inner, timestamp, depth: depth + 1, body)
        case 6: return try decodeIPv6(inner, timestamp, depth: depth + 1, body)
        default: return .notTransport
        }
    }

    /// VXLAN (RFC 7348 §5): 8-byte header (flags with only the I bit set, 24 reserved
    /// bits, 24-bit VNI, 8 reserved bits), then an Ethernet frame. Returns `nil` when the
    /// header does not match exactly, so other traffic to port 4789 (such as SIP, whose
    /// first byte is a letter) is delivered as plain UDP.
    mutating func decodeVXLAN(
        _ bytes: UnsafeRawBufferPointer, _ timestamp: Int64, depth: Int, _ body: Body
    ) throws -> FrameDisposition? {
        guard bytes.count >= 8, bytes[0] == 0x08, bytes[1] == 0, bytes[2] == 0, bytes[3] == 0, bytes[7] == 0 else {
            return nil
        }
        try checkDepth(depth)
        return try decodeEthernet(bytes.slice(from: 8), timestamp, depth: depth + 1, body)
    }
}
