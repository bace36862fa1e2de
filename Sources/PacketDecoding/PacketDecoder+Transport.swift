import CallscopeBase

// Transport layers: UDP (RFC 768), TCP (RFC 9293 §3.1), SCTP (RFC 4960 §3).

enum WellKnownPort {
    static let gtpUser: UInt16 = 2152
    static let vxlan: UInt16 = 4789
}

extension PacketDecoder {
    /// UDP header; the length field bounds the payload (0 means "to the end", as with
    /// segmentation offload). GTP-U and VXLAN datagrams are decapsulated.
    mutating func decodeUDP(
        _ bytes: UnsafeRawBufferPointer, _ source: IPAddress, _ destination: IPAddress, _ timestamp: Int64,
        depth: Int, _ body: Body
    ) throws -> FrameDisposition {
        guard bytes.count >= 8 else {
            throw PacketDecodingError.truncated("UDP header", available: bytes.count, required: 8)
        }
        let sourcePort = bytes.uint16(at: 0)
        let destinationPort = bytes.uint16(at: 2)
        let length = Int(bytes.uint16(at: 4))
        let end: Int
        if length == 0 {
            end = bytes.count
        } else {
            guard length >= 8 else { throw PacketDecodingError.malformed("UDP length", length) }
            guard bytes.count >= length else {
                throw PacketDecodingError.truncated("UDP datagram", available: bytes.count, required: length)
            }
            end = length
        }
        let payload = bytes.slice(from: 8, to: end)
        if destinationPort == WellKnownPort.vxlan,
            let disposition = try decodeVXLAN(payload, timestamp, depth: depth, body)
        {
            return disposition
        }
        if destinationPort == WellKnownPort.gtpUser || sourcePort == WellKnownPort.gtpUser,
            let disposition = try decodeGTPU(payload, timestamp, depth: depth, body)
        {
            return disposition
        }
        let flow = FlowKey(
            source: Endpoint(address: source, port: sourcePort),
            destination: Endpoint(address: destination, port: destinationPort),
            transport: .udp)
        try body(TransportPacket(flow: flow, payload: payload, tcp: nil))
        return .decoded
    }

    /// TCP header, options skipped by the data offset; the payload runs to the end of the IP payload.
    mutating func decodeTCP(
        _ bytes: UnsafeRawBufferPointer, _ source: IPAddress, _ destination: IPAddress, _ body: Body
    ) throws -> FrameDisposition {
        guard bytes.count >= 20 else {
            throw PacketDecodingError.truncated("TCP header", available: bytes.count, required: 20)
        }
        let dataOffset = Int(bytes[12] >> 4) * 4
        guard dataOffset >= 20 else { throw PacketDecodingError.malformed("TCP data offset", dataOffset) }
        guard bytes.count >= dataOffset else {
            throw PacketDecodingError.truncated("TCP header", available: bytes.count, required: dataOffset)
        }
        let flow = FlowKey(
            source: Endpoint(address: source, port: bytes.uint16(at: 0)),
            destination: Endpoint(address: destination, port: bytes.uint16(at: 2)),
            transport: .tcp)
        let segment = TCPSegmentInfo(sequence: bytes.uint32(at: 4), acknowledgment: bytes.uint32(at: 8), flags: bytes[13])
        try body(TransportPacket(flow: flow, payload: bytes.slice(from: dataOffset), tcp: segment))
        return .decoded
    }

    /// SCTP common header and chunks (RFC 4960 §3.2); each DATA chunk (§3.3.1, type 0,
    /// 16-byte header) and I-DATA chunk (RFC 8260 §2.1, type 64, 20-byte header) is
    /// delivered as its own packet, with its header fields. Other chunks are skipped. User
    /// messages split over several chunks (B/E flags) are joined by ``SCTPReassembler``.
    mutating func decodeSCTP(
        _ bytes: UnsafeRawBufferPointer, _ source: IPAddress, _ destination: IPAddress, _ body: Body
    ) throws -> FrameDisposition {
        guard bytes.count >= 12 else {
            throw PacketDecodingError.truncated("SCTP common header", available: bytes.count, required: 12)
        }
        let flow = FlowKey(
            source: Endpoint(address: source, port: bytes.uint16(at: 0)),
            destination: Endpoint(address: destination, port: bytes.uint16(at: 2)),
            transport: .sctp)
        var offset = 12
        var delivered = false
        while bytes.count - offset >= 4 {
            let type = bytes[offset]
            let length = Int(bytes.uint16(at: offset + 2))
            guard length >= 4 else { throw PacketDecodingError.malformed("SCTP chunk length", length) }
            guard bytes.count - offset >= length else {
                throw PacketDecodingError.truncated("SCTP chunk", available: bytes.count - offset, required: length)
            }
            let headerLength: Int
            switch type {
            case 0: headerLength = 16
            case 64: headerLength = 20
            default: headerLength = 0
            }
            if headerLength > 0 {
                guard length >= headerLength else { throw PacketDecodingError.malformed("SCTP DATA chunk length", length) }
                let interleaved = type == 64
                let info = SCTPDataChunkInfo(
                    tsn: bytes.uint32(at: offset + 4), streamIdentifier: bytes.uint16(at: offset + 8),
                    messageNumber: interleaved ? bytes.uint32(at: offset + 12) : UInt32(bytes.uint16(at: offset + 10)),
                    fragmentNumber: interleaved && bytes[offset + 1] & SCTPDataChunkInfo.beginningFlag == 0 ? bytes.uint32(at: offset + 16) : 0,
                    flags: bytes[offset + 1], interleaved: interleaved)
                try body(TransportPacket(flow: flow, payload: bytes.slice(from: offset + headerLength, to: offset + length), sctp: info))
                delivered = true
            }
            offset += (length + 3) & ~3  // chunks are padded to 4 bytes
        }
        return delivered ? .decoded : .notTransport
    }
}
