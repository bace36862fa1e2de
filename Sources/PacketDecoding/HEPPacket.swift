import CallscopeBase

/// One HEP datagram (Homer Encapsulation Protocol, "HEP/EEP", sipcapture.org): a copy of a SIP
/// message (or an RTCP report, a log line...) that a proxy or agent (Kamailio's siptrace,
/// OpenSIPS, FreeSWITCH, heplify) sent to a collector, with the addresses, ports and time the
/// message was seen with. Read in place: `payload` is a slice of the datagram.
///
/// Versions read:
/// - **HEPv3**: `HEP3`, a 16-bit total length, then chunks of vendor id (16 bits), type id
///   (16 bits), length (16 bits, the 6-byte chunk header included) and value, all big-endian.
///   Generic chunks (vendor 0) used: 1 IP family (2 IPv4, 10 IPv6), 2 IP protocol (6 TCP,
///   17 UDP, 132 SCTP), 3/4 IPv4 source/destination, 5/6 IPv6 source/destination, 7/8 source
///   and destination port, 9 seconds, 10 microseconds, 11 payload type (1 SIP), 12 capture
///   agent id, 15 payload. Other chunks and other vendors' chunks are skipped; a compressed
///   payload (chunk 16) is not read (`payload` empty).
/// - **HEPv1 and v2** (Kamailio's `hep_version` 1 and 2): a header of version, header length
///   (8 + the two addresses: 16 for IPv4, 40 for IPv6), family, IP protocol and the two ports
///   (big-endian), the two addresses; v2 then a time header of seconds, microseconds and the
///   capture id, 12 bytes with padding, written in the *sender's* byte order (Kamailio copies
///   the C struct): read little-endian, as every x86 and ARM sender writes it. v1 carries no
///   time (`timestamp` nil: the frame's time is used). The payload is SIP.
///
/// Every length is checked before the read it protects: any byte sequence gives a packet or a
/// `HEPError`, never a trap.
public struct HEPPacket {
    /// 1, 2 or 3.
    public var version: Int
    /// The mirrored message's own addresses, ports and transport (not the HEP datagram's).
    public var flow: FlowKey
    /// When the sender saw the message, nanoseconds since the Unix epoch; nil when not carried.
    public var timestamp: Int64?
    /// What `payload` is: 1 SIP (v1 and v2 carry only SIP), 5 RTCP, 100 log...
    public var payloadType: UInt8
    /// The sender's capture agent id, when carried.
    public var captureID: UInt32?
    /// The mirrored message; empty when the datagram carried none (a keep-alive) or only a
    /// compressed one.
    public var payload: UnsafeRawBufferPointer

    /// The payload type of SIP.
    public static let sip: UInt8 = 1
    /// The UDP port HEP collectors listen on by convention (Homer, heplify-server).
    public static let wellKnownPort: UInt16 = 9060

    /// Whether `bytes` start as a HEP datagram: `HEP3` anywhere, a v1/v2 header only on the
    /// well-known port (`onHEPPort`), where its few bits cannot be taken for RTP or SIP.
    public static func looksLikeHEP(_ bytes: UnsafeRawBufferPointer, onHEPPort: Bool) -> Bool {
        if bytes.count >= 6, bytes[0] == 0x48, bytes[1] == 0x45, bytes[2] == 0x50, bytes[3] == 0x33 { return true }
        guard onHEPPort, bytes.count >= 16 else { return false }
        return (bytes[0] == 1 || bytes[0] == 2) && (bytes[1] == 16 || bytes[1] == 40) && (bytes[2] == 2 || bytes[2] == 10)
    }

    /// Reads the datagram `bytes` (the UDP payload, or one HEP message of a TCP stream).
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(HEPError) -> HEPPacket {
        guard bytes.count >= 4 else { throw .truncated("HEP header", available: bytes.count, required: 4) }
        if bytes[0] == 0x48, bytes[1] == 0x45, bytes[2] == 0x50, bytes[3] == 0x33 { return try parseVersion3(bytes) }
        return try parseVersion2(bytes)
    }

    private static func parseVersion3(_ bytes: UnsafeRawBufferPointer) throws(HEPError) -> HEPPacket {
        guard bytes.count >= 6 else { throw .truncated("HEP3 header", available: bytes.count, required: 6) }
        let total = Int(bytes.uint16(at: 4))
        guard total >= 6 else { throw .malformed("HEP3 total length", total) }
        guard total <= bytes.count else { throw .truncated("HEP3 message", available: bytes.count, required: total) }
        var family: UInt8?, ipProtocol: UInt8 = 17
        var source4: UInt32?, destination4: UInt32?
        var source6: (UInt64, UInt64)?, destination6: (UInt64, UInt64)?
        var sourcePort: UInt16 = 0, destinationPort: UInt16 = 0
        var seconds: UInt32?, microseconds: UInt32 = 0
        var payloadType: UInt8 = 0
        var captureID: UInt32?
        var payload = UnsafeRawBufferPointer(rebasing: bytes[0..<0])
        var offset = 6
        while offset < total {
            guard total - offset >= 6 else { throw .truncated("HEP3 chunk header", available: total - offset, required: 6) }
            let vendor = bytes.uint16(at: offset)
            let type = bytes.uint16(at: offset + 2)
            let length = Int(bytes.uint16(at: offset + 4))
            guard length >= 6 else { throw .malformed("HEP3 chunk length", length) }
            guard length <= total - offset else { throw .truncated("HEP3 chunk", available: total - offset, required: length) }
            let value = UnsafeRawBufferPointer(rebasing: bytes[(offset + 6)..<(offset + length)])
            offset += length
            guard vendor == 0 else { continue }
            switch (type, value.count) {
            case (1, 1...): family = value[0]
            case (2, 1...): ipProtocol = value[0]
            case (3, 4...): source4 = value.uint32(at: 0)
            case (4, 4...): destination4 = value.uint32(at: 0)
            case (5, 16...): source6 = (value.uint64(at: 0), value.uint64(at: 8))
            case (6, 16...): destination6 = (value.uint64(at: 0), value.uint64(at: 8))
            case (7, 2...): sourcePort = value.uint16(at: 0)
            case (8, 2...): destinationPort = value.uint16(at: 0)
            case (9, 4...): seconds = value.uint32(at: 0)
            case (10, 4...): microseconds = value.uint32(at: 0)
            case (11, 1...): payloadType = value[0]
            case (12, 4...): captureID = value.uint32(at: 0)
            case (15, _): payload = value
            case (1...12, _): throw .malformed("HEP3 chunk value length", value.count)
            default: continue
            }
        }
        let source: IPAddress, destination: IPAddress
        if family == 10 || (family == nil && source6 != nil) {
            guard let s = source6, let d = destination6 else { throw .missing("HEP3 IPv6 source and destination") }
            source = .v6(s.0, s.1); destination = .v6(d.0, d.1)
        } else {
            guard let s = source4, let d = destination4 else { throw .missing("HEP3 IPv4 source and destination") }
            source = .v4(s); destination = .v4(d)
        }
        // Microseconds beyond a second are the sender's mistake: bounded, never an overflow.
        let timestamp = seconds.map { Int64($0) * 1_000_000_000 + Int64(min(microseconds, 999_999)) * 1_000 }
        return HEPPacket(
            version: 3,
            flow: FlowKey(source: Endpoint(address: source, port: sourcePort),
                          destination: Endpoint(address: destination, port: destinationPort),
                          transport: transport(ipProtocol)),
            timestamp: timestamp, payloadType: payloadType, captureID: captureID, payload: payload)
    }

    private static func parseVersion2(_ bytes: UnsafeRawBufferPointer) throws(HEPError) -> HEPPacket {
        let version = Int(bytes[0])
        guard version == 1 || version == 2 else { throw .malformed("HEP version", version) }
        let headerLength = Int(bytes[1])
        let family = bytes[2]
        let addressBytes: Int
        switch family {
        case 2: addressBytes = 8
        case 10: addressBytes = 32
        default: throw .malformed("HEP address family", Int(family))
        }
        guard headerLength == 8 + addressBytes else { throw .malformed("HEP header length", headerLength) }
        let timeBytes = version == 2 ? 12 : 0
        guard bytes.count >= headerLength + timeBytes else {
            throw .truncated("HEP\(version) header", available: bytes.count, required: headerLength + timeBytes)
        }
        let source: IPAddress, destination: IPAddress
        if family == 2 {
            source = .v4(bytes.uint32(at: 8)); destination = .v4(bytes.uint32(at: 12))
        } else {
            source = .v6(bytes.uint64(at: 8), bytes.uint64(at: 16)); destination = .v6(bytes.uint64(at: 24), bytes.uint64(at: 32))
        }
        var timestamp: Int64?
        var captureID: UInt32?
        if version == 2 {
            let seconds = littleEndian32(bytes, at: headerLength)
            let microseconds = littleEndian32(bytes, at: headerLength + 4)
            timestamp = Int64(seconds) * 1_000_000_000 + Int64(min(microseconds, 999_999)) * 1_000
            captureID = UInt32(bytes[headerLength + 8]) | UInt32(bytes[headerLength + 9]) << 8
        }
        return HEPPacket(
            version: version,
            flow: FlowKey(source: Endpoint(address: source, port: bytes.uint16(at: 4)),
                          destination: Endpoint(address: destination, port: bytes.uint16(at: 6)),
                          transport: transport(bytes[3])),
            timestamp: timestamp, payloadType: sip, captureID: captureID,
            payload: UnsafeRawBufferPointer(rebasing: bytes[(headerLength + timeBytes)...]))
    }

    private static func littleEndian32(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }

    /// IP protocol number -> transport: 6 TCP, 132 SCTP, anything else UDP.
    private static func transport(_ ipProtocol: UInt8) -> TransportProtocol {
        switch ipProtocol {
        case 6: .tcp
        case 132: .sctp
        default: .udp
        }
    }
}

/// Why a HEP datagram could not be read, e.g. `HEP3 chunk truncated (4 of 10 bytes)`.
public enum HEPError: Error, Sendable, Hashable, CustomStringConvertible {
    case truncated(String, available: Int, required: Int)
    case malformed(String, Int)
    case missing(String)

    public var description: String {
        switch self {
        case .truncated(let what, let available, let required): "\(what) truncated (\(available) of \(required) bytes)"
        case .malformed(let what, let value): "\(what) invalid (\(value))"
        case .missing(let what): "\(what) missing"
        }
    }
}
