import CallscopeBase

/// The fixed RTP header and where the payload lies (RFC 3550 §5.1).
///
/// Parsed in place from a borrowed UDP payload with no allocation: the payload itself is
/// described by an offset and a length, after CSRCs, the header extension (§5.3.1) and
/// padding (§5.1, the last octet counts the padding) are skipped.
public struct RTPHeader: Sendable, Hashable {
    public var marker: Bool
    public var payloadType: UInt8
    public var sequence: UInt16
    public var timestamp: UInt32
    public var ssrc: UInt32
    /// Where the payload starts and how long it is, in the datagram.
    public var payloadOffset: Int
    public var payloadLength: Int

    /// The header of `datagram`, or nil when it is not a well-formed RTP version 2 packet
    /// (too short, wrong version, header extension or padding running past the end) or when
    /// its second octet is an RTCP packet type (RFC 5761 §4: 192-223 are RTCP).

    public static func parse(_ datagram: UnsafeRawBufferPointer) -> RTPHeader? {
        let count = datagram.count
        guard count >= 12 else { return nil }
        let first = datagram[0]
        guard first & 0xC0 == 0x80 else { return nil }
        let second = datagram[1]
        let payloadType = second & 0x7F
        guard !(64...95).contains(payloadType) else { return nil }
        var offset = 12 + Int(first & 0x0F) * 4
        if first & 0x10 != 0 {
            guard count >= offset + 4 else { return nil }
            let words = Int(datagram.uint16(at: offset + 2))
            offset += 4 + words * 4
        }
        guard offset <= count else { return nil }
        var end = count
        if first & 0x20 != 0 {
            let padding = Int(datagram[count - 1])
            guard padding > 0, end - padding >= offset else { return nil }
            end -= padding
        }
        return RTPHeader(
            marker: second & 0x80 != 0,
            payloadType: payloadType,
            sequence: datagram.uint16(at: 2),
            timestamp: datagram.uint32(at: 4),
            ssrc: datagram.uint32(at: 8),
            payloadOffset: offset,
            payloadLength: end - offset
        )
    }
}

/// Recognises RTCP compound packets so they are counted apart and never taken for RTP
/// (RFC 3550 §6.1: version 2, first packet an SR (200) or RR (201); RFC 5761 §4 for the
/// 192-223 range that RTP payload types avoid when both share a port).
public enum RTCPPacket {
    /// Whether `datagram` starts like an RTCP compound packet: version 2, a packet type of
    /// 192-223, and a length field that fits in the datagram.

    public static func looksLikeRTCP(_ datagram: UnsafeRawBufferPointer) -> Bool {
        guard datagram.count >= 8, datagram[0] & 0xC0 == 0x80 else { return false }
        let type = datagram[1]
        guard type >= 192, type <= 223 else { return false }
        let words = Int(datagram.uint16(at: 2))
        return (words + 1) * 4 <= datagram.count
    }
}
