import Foundation
import PacketDecoding
import TestSupport

extension Build {
    static func ipv6Address(_ text: String) -> IPAddress {
        let bytes = ipv6Bytes(text)
        let high = bytes[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let low = bytes[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return .v6(high, low)
    }
}

let sipTrying = Array("SIP/2.0 100 Trying\r\nCall-ID: 1-4242@10.0.0.1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n".utf8)

/// A decoded transport packet copied out of the callback, for assertions.
struct Decoded: Equatable {
    var flow: FlowKey
    var payload: [UInt8]
    var tcp: TCPSegmentInfo?
}

/// Decodes `frame` and returns the disposition with copies of every packet delivered.
func decodeAll(
    _ frame: [UInt8], _ linkType: LinkType = .ethernet, decoder: inout PacketDecoder, timestamp: Int64 = 1_000_000_000
) throws -> (FrameDisposition, [Decoded]) {
    var packets: [Decoded] = []
    let disposition = try frame.withUnsafeBytes { bytes in
        try decoder.decode(frame: bytes, linkType: linkType, timestamp: timestamp) { packet in
            packets.append(Decoded(flow: packet.flow, payload: Array(packet.payload), tcp: packet.tcp))
        }
    }
    return (disposition, packets)
}

func decodeAll(_ frame: [UInt8], _ linkType: LinkType = .ethernet) throws -> (FrameDisposition, [Decoded]) {
    var decoder = PacketDecoder()
    return try decodeAll(frame, linkType, decoder: &decoder)
}

func flow(
    _ src: String, _ sport: UInt16, _ dst: String, _ dport: UInt16, _ transport: TransportProtocol = .udp
) -> FlowKey {
    func address(_ text: String) -> IPAddress {
        text.contains(":") ? Build.ipv6Address(text) : .v4(Build.ipv4Address(text))
    }
    return FlowKey(
        source: Endpoint(address: address(src), port: sport),
        destination: Endpoint(address: address(dst), port: dport),
        transport: transport)
}

/// The default flow of the builder: 10.0.0.1:5060 -> 10.0.0.2:5060 over UDP.
let defaultUDPFlow = flow("10.0.0.1", 5060, "10.0.0.2", 5060)
let defaultIPv6Flow = flow("2001:db8::1", 5060, "2001:db8::2", 5060)
