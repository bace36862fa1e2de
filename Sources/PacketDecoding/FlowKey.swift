/// The transport protocol that carried a payload.
///
/// UDP (RFC 768), TCP (RFC 9293) and SCTP (RFC 4960): the three transports SIP runs
/// on (RFC 3261 §18, RFC 4168). Raw values are small and stable for compact storage.
public enum TransportProtocol: UInt8, Hashable, Sendable {
    case udp
    case tcp
    case sctp
}

/// One direction of a transport conversation: source and destination endpoints and
/// the protocol. Small value type, usable as a dictionary key (gopacket's `Flow`).
///
/// Directional on purpose: TCP reassembly keeps one stream per direction; use
/// ``reversed`` to find the other one.
public struct FlowKey: Hashable, Sendable, CustomStringConvertible {
    public var source: Endpoint
    public var destination: Endpoint
    public var transport: TransportProtocol

    public init(source: Endpoint, destination: Endpoint, transport: TransportProtocol) {
        self.source = source
        self.destination = destination
        self.transport = transport
    }

    /// The same conversation in the other direction.
    public var reversed: FlowKey {
        FlowKey(source: destination, destination: source, transport: transport)
    }

    public var description: String {
        "\(transport) \(source) -> \(destination)"
    }
}

/// The TCP header fields stream reassembly needs (RFC 9293 §3.1).
public struct TCPSegmentInfo: Hashable, Sendable {
    public var sequence: UInt32
    public var acknowledgment: UInt32
    /// The low eight flag bits: CWR ECE URG ACK PSH RST SYN FIN.
    public var flags: UInt8

    public init(sequence: UInt32, acknowledgment: UInt32, flags: UInt8) {
        self.sequence = sequence
        self.acknowledgment = acknowledgment
        self.flags = flags
    }

    public static let finFlag: UInt8 = 0x01
    public static let synFlag: UInt8 = 0x02
    public static let rstFlag: UInt8 = 0x04
    public static let pshFlag: UInt8 = 0x08
    public static let ackFlag: UInt8 = 0x10

    public var fin: Bool { flags & Self.finFlag != 0 }
    public var syn: Bool { flags & Self.synFlag != 0 }
    public var rst: Bool { flags & Self.rstFlag != 0 }
    public var psh: Bool { flags & Self.pshFlag != 0 }
    public var ack: Bool { flags & Self.ackFlag != 0 }
}

/// A transport payload found in a frame: its flow, its bytes and, for TCP, the
/// segment header fields.
///
/// A borrowed view (gopacket's `DecodingLayerParser` style): `payload` points into
/// the frame, or into a reassembled datagram, and is valid only inside the callback
/// that received it. Copy what must outlive the call.
public struct TransportPacket {
    public let flow: FlowKey
    /// The UDP datagram data, TCP segment data, or one SCTP DATA chunk's user data.
    public let payload: UnsafeRawBufferPointer
    /// TCP header fields; `nil` for UDP and SCTP.
    public let tcp: TCPSegmentInfo?
    /// SCTP DATA or I-DATA chunk header fields; `nil` for UDP and TCP.
    public let sctp: SCTPDataChunkInfo?

    public init(flow: FlowKey, payload: UnsafeRawBufferPointer, tcp: TCPSegmentInfo? = nil, sctp: SCTPDataChunkInfo? = nil) {
        self.flow = flow
        self.payload = payload
        self.tcp = tcp
        self.sctp = sctp
    }
}
