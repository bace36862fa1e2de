import Testing
@testable import PacketDecoding
import TestSupport

@Suite("Transport layers")
struct TransportTests {
    @Test func tcpSegmentFields() throws {
        let frame = Build.ethernet(type: 0x0800, Build.ipv4(proto: 6, Build.tcp(sport: 40001, dport: 5060, seq: 0xFFFF_FFF0, ack: 77, flags: 0x19,
                                                                                 options: [1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2], SIPSamples.inviteBytes)))
        let (_, packets) = try decodeAll(frame)
        #expect(packets.count == 1)
        let packet = try #require(packets.first)
        #expect(packet.flow == flow("10.0.0.1", 40001, "10.0.0.2", 5060, .tcp))
        #expect(packet.payload == SIPSamples.inviteBytes)
        let info = try #require(packet.tcp)
        #expect(info.sequence == 0xFFFF_FFF0)
        #expect(info.acknowledgment == 77)
        #expect(info.fin && info.psh && info.ack && !info.syn && !info.rst)
    }

    @Test func tcpWithoutPayload() throws {
        let frame = Build.ethernet(type: 0x0800, Build.ipv4(proto: 6, Build.tcp(seq: 1, flags: 0x02, [])))
        let (disposition, packets) = try decodeAll(frame)
        #expect(disposition == .decoded)
        #expect(packets.first?.payload == [])
        #expect(packets.first?.tcp?.syn == true)
    }

    @Test func sctpTwoDataChunks() throws {
        let sack: [UInt8] = [3, 0] + Build.be16(16) + Build.be32(1) + Build.be32(0x10000) + Build.be32(0)
        let chunks = [Build.sctpData(tsn: 1, SIPSamples.inviteBytes), sack, Build.sctpData(tsn: 2, sipTrying)]
        let frame = Build.sll(protocol: 0x0800, Build.ipv4(proto: 132, Build.sctp(sport: 5060, dport: 5070, chunks: chunks)))
        let (disposition, packets) = try decodeAll(frame, .linuxSLL)
        #expect(disposition == .decoded)
        let key = flow("10.0.0.1", 5060, "10.0.0.2", 5070, .sctp)
        #expect(packets == [Decoded(flow: key, payload: SIPSamples.inviteBytes), Decoded(flow: key, payload: sipTrying)])
    }

    @Test func sctpIData() throws {
        let payload = Array("OPTIONS sip:a@b SIP/2.0\r\n\r\n".utf8)
        var chunk: [UInt8] = [64, 0x03] + Build.be16(UInt16(20 + payload.count)) + Build.be32(1) + Build.be16(0) + Build.be16(0)
            + Build.be32(0) + Build.be32(0) + payload
        while chunk.count % 4 != 0 { chunk.append(0) }
        let (_, packets) = try decodeAll(Build.ipv6(next: 132, Build.sctp(chunks: [chunk])), .raw)
        #expect(packets.map(\.payload) == [payload])
        #expect(packets.first?.flow.transport == .sctp)
    }

    @Test func sctpWithoutDataIsNotTransport() throws {
        let heartbeat: [UInt8] = [4, 0] + Build.be16(8) + [0, 1, 0, 4]
        #expect(try decodeAll(Build.ipv4(proto: 132, Build.sctp(chunks: [heartbeat])), .raw).0 == .notTransport)
    }

    @Test func udpEmptyPayload() throws {
        let (disposition, packets) = try decodeAll(Build.ipv4(proto: 17, Build.udp([])), .raw)
        #expect(disposition == .decoded)
        #expect(packets == [Decoded(flow: defaultUDPFlow, payload: [])])
    }

    @Test func callbackErrorsPropagate() {
        struct Stop: Error {}
        var decoder = PacketDecoder()
        let frame = Build.ipv4(proto: 17, Build.udp(SIPSamples.inviteBytes))
        #expect(throws: Stop.self) {
            try frame.withUnsafeBytes { bytes in
                try decoder.decode(frame: bytes, linkType: .raw, timestamp: 0) { _ in throw Stop() }
            }
        }
    }
}
