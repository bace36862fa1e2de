import Testing
@testable import PacketDecoding
import TestSupport

/// A reassembler event copied out of the callback.
enum StreamEvent: Equatable {
    case data(FlowKey, [UInt8])
    case gap(FlowKey, Int)
    case closed(FlowKey)
}

/// Drives a TCPReassembler with synthetic segments of `SIPSamples.inviteBytes`.
struct StreamHarness {
    var reassembler: TCPReassembler
    var events: [StreamEvent] = []
    var time: Int64 = 0

    init(limit: Int = 1 << 20) {
        reassembler = TCPReassembler(maxBufferedBytesPerDirection: limit)
    }

    mutating func send(_ key: FlowKey, seq: UInt32, ack: UInt32 = 0, flags: UInt8 = 0x18, _ bytes: ArraySlice<UInt8>) {
        time += 1_000
        let payload = Array(bytes)
        let info = TCPSegmentInfo(sequence: seq, acknowledgment: ack, flags: flags)
        let now = time
        var recorded: [StreamEvent] = []
        payload.withUnsafeBytes { raw in
            reassembler.add(TransportPacket(flow: key, payload: raw, tcp: info), timestamp: now) { recorded.append(Self.copy($0)) }
        }
        events += recorded
    }

    mutating func flush() {
        var recorded: [StreamEvent] = []
        reassembler.flush { recorded.append(Self.copy($0)) }
        events += recorded
    }

    private static func copy(_ event: TCPReassembler.Event) -> StreamEvent {
        switch event {
        case .data(let key, let bytes): return .data(key, Array(bytes))
        case .gap(let key, let missing): return .gap(key, missing)
        case .closed(let key): return .closed(key)
        }
    }

    /// Bytes delivered for `key`, concatenated.
    func stream(_ key: FlowKey) -> [UInt8] {
        events.flatMap { event -> [UInt8] in
            if case .data(let k, let bytes) = event, k == key { return bytes }
            return []
        }
    }
}

@Suite("TCP reassembly")
struct TCPReassemblerTests {
    static let client = flow("10.0.0.1", 40000, "10.0.0.2", 5060, .tcp)
    static let isn: UInt32 = 0xFFFF_FF00  // wraps around 2^32 inside the message
    static let data = SIPSamples.inviteBytes

    func segment(_ range: Range<Int>) -> ArraySlice<UInt8> { Self.data[range] }
    func seq(_ offset: Int) -> UInt32 { Self.isn &+ 1 &+ UInt32(offset) }

    @Test func inOrderWithHandshakeAndFin() {
        var h = StreamHarness()
        h.send(Self.client, seq: Self.isn, flags: 0x02, [])
        h.send(Self.client, seq: seq(0), segment(0..<100))
        h.send(Self.client, seq: seq(100), segment(100..<300))
        h.send(Self.client, seq: seq(300), flags: 0x19, segment(300..<Self.data.count))
        #expect(h.stream(Self.client) == Self.data)
        #expect(h.events.last == .closed(Self.client))
        #expect(h.events.count == 4)
    }

    @Test(arguments: permutations([0, 1, 2, 3]))
    func outOfOrder(order: [Int]) {
        let bounds = [0, 90, 200, 310, Self.data.count]
        var h = StreamHarness()
        h.send(Self.client, seq: Self.isn, flags: 0x02, [])
        for index in order {
            h.send(Self.client, seq: seq(bounds[index]), segment(bounds[index]..<bounds[index + 1]))
        }
        #expect(h.stream(Self.client) == Self.data)
        #expect(!h.events.contains { if case .gap = $0 { return true } else { return false } })
    }

    @Test func retransmissionsAndOverlapsAreTrimmed() {
        var h = StreamHarness()
        h.send(Self.client, seq: Self.isn, flags: 0x02, [])
        h.send(Self.client, seq: seq(0), segment(0..<100))
        h.send(Self.client, seq: seq(0), segment(0..<100))  // retransmission
        h.send(Self.client, seq: seq(50), segment(50..<180))  // overlaps 50 old bytes
        h.send(Self.client, seq: seq(250), segment(250..<300))  // out of order
        h.send(Self.client, seq: seq(250), segment(250..<300))  // held twice
        h.send(Self.client, seq: seq(160), segment(160..<260))  // fills the hole, overlaps both sides
        h.send(Self.client, seq: seq(300), segment(300..<Self.data.count))
        #expect(h.stream(Self.client) == Self.data)
        #expect(h.events.compactMap { if case .data(_, let b) = $0 { return b.count } else { return nil } } == [100, 80, 80, 40, Self.data.count - 300])
    }

    @Test func midStreamJoin() {
        var h = StreamHarness()
        h.send(Self.client, seq: 123_456, segment(200..<300))
        h.send(Self.client, seq: 123_456 &+ 100, segment(300..<Self.data.count))
        h.send(Self.client, seq: 123_456 &- 50, segment(150..<200))  // older bytes: a retransmission now
        #expect(h.stream(Self.client) == Array(Self.data[200...]))
    }

    @Test func gapSkippedOnFlush() {
        var h = StreamHarness()
        h.send(Self.client, seq: Self.isn, flags: 0x02, [])
        h.send(Self.client, seq: seq(0), segment(0..<100))
        h.send(Self.client, seq: seq(150), segment(150..<200))  // 100..<150 never arrives
        h.send(Self.client, seq: seq(200), segment(200..<Self.data.count))
        #expect(h.stream(Self.client) == Array(Self.data[0..<100]))
        h.flush()
        #expect(h.events == [
            .data(Self.client, Array(Self.data[0..<100])),
            .gap(Self.client, 50),
            .data(Self.client, Array(Self.data[150..<200])),
            .data(Self.client, Array(Self.data[200...])),
            .closed(Self.client),
        ])
    }

    @Test func gapSkippedAtBufferLimit() {
        var h = StreamHarness(limit: 64)
        h.send(Self.client, seq: Self.isn, flags: 0x02, [])
        h.send(Self.client, seq: seq(0), segment(0..<10))
        h.send(Self.client, seq: seq(20), segment(20..<60))  // 40 bytes held
        #expect(h.stream(Self.client).count == 10)
        h.send(Self.client, seq: seq(60), segment(60..<100))  // 80 held > 64: skip the hole
        #expect(h.events.contains(.gap(Self.client, 10)))
        #expect(h.stream(Self.client) == Array(Self.data[0..<10]) + Array(Self.data[20..<100]))
        h.send(Self.client, seq: seq(10), segment(10..<20))  // too late now
        h.send(Self.client, seq: seq(100), segment(100..<120))
        #expect(h.stream(Self.client).count == 110)
    }

    @Test func interleavedFlows() {
        let server = Self.client.reversed
        let other = flow("10.0.0.3", 40001, "10.0.0.2", 5060, .tcp)
        let reply = sipTrying
        var h = StreamHarness()
        h.send(Self.client, seq: 1000, flags: 0x02, [])
        h.send(server, seq: 5000, flags: 0x12, [])
        h.send(other, seq: 77, segment(0..<50))  // joined mid-stream
        h.send(Self.client, seq: 1001 + 200, segment(200..<Self.data.count))
        h.send(server, seq: 5001, reply[0..<20])
        h.send(other, seq: 77 + 50, segment(50..<Self.data.count))
        h.send(Self.client, seq: 1001, segment(0..<200))
        h.send(server, seq: 5021, flags: 0x11, reply[20...])
        h.send(Self.client, seq: 1001 + UInt32(Self.data.count), flags: 0x11, [])
        #expect(h.stream(Self.client) == Self.data)
        #expect(h.stream(server) == reply)
        #expect(h.stream(other) == Self.data)
        #expect(h.events.filter { if case .closed = $0 { return true } else { return false } } == [.closed(server), .closed(Self.client)])
        h.flush()
        #expect(h.events.last == .closed(other))
        #expect(h.reassembler.trackedDirections == 0)
    }

    @Test func resetClosesBothDirections() {
        var h = StreamHarness()
        h.send(Self.client, seq: 1, segment(0..<10))
        h.send(Self.client.reversed, seq: 900, Array("SIP/2.0".utf8)[...])
        h.send(Self.client.reversed, seq: 907, flags: 0x04, [])
        #expect(h.events.suffix(2) == [.closed(Self.client.reversed), .closed(Self.client)])
        h.send(Self.client, seq: 1, segment(0..<10))  // a late retransmission: ignored
        #expect(h.stream(Self.client).count == 10)
        h.send(Self.client, seq: 11, segment(10..<20))  // new in-order bytes: the direction reopens
        #expect(h.stream(Self.client) == Array(Self.data[0..<20]))
        #expect(h.events.last == .data(Self.client, Array(Self.data[10..<20])))
    }

    /// A blind RST (RFC 5961 §3) far outside the window, from either side, between two
    /// SIP messages: ignored, both messages are delivered; a RST in the window still closes.
    @Test(arguments: [false, true])
    func outOfWindowResetIsIgnored(fromServer: Bool) {
        let server = Self.client.reversed
        let second = Array(sipTrying.reversed())  // any bytes following the first message
        var h = StreamHarness()
        h.send(Self.client, seq: 1000, flags: 0x02, [])
        h.send(server, seq: 5000, ack: 1001, flags: 0x12, [])
        h.send(Self.client, seq: 1001, SIPSamples.inviteBytes[...])
        h.send(server, seq: 5001, sipTrying[...])
        h.send(fromServer ? server : Self.client, seq: 99_999_999, flags: 0x04, [])
        #expect(!h.events.contains { if case .closed = $0 { return true } else { return false } })
        let next = 1001 + UInt32(SIPSamples.inviteBytes.count)
        h.send(Self.client, seq: next, second[...])
        #expect(h.stream(Self.client) == SIPSamples.inviteBytes + second)
        #expect(h.stream(server) == sipTrying)
        // A genuine RST, 1000 bytes ahead of the next expected byte (inside the window).
        h.send(Self.client, seq: next + UInt32(second.count) + 1000, flags: 0x04, [])
        #expect(h.events.suffix(2) == [.closed(Self.client), .closed(server)])
    }

    /// A RST from a side never seen is judged by its acknowledgment of the other side.
    @Test func resetFromUnseenSideIsCheckedByAcknowledgment() {
        let server = Self.client.reversed
        var h = StreamHarness()
        h.send(Self.client, seq: 1001, SIPSamples.inviteBytes[...])
        let next = 1001 + UInt32(SIPSamples.inviteBytes.count)
        h.send(server, seq: 42, ack: next &+ 3_000_000, flags: 0x14, [])  // acknowledges bytes never sent
        h.send(server, seq: 42, flags: 0x04, [])  // no acknowledgment: nothing to check it against
        #expect(h.events.last == .closed(Self.client))
        #expect(h.events.count == 2)
        h.send(Self.client, seq: next, sipTrying[...])
        h.send(server, seq: 43, ack: next + UInt32(sipTrying.count), flags: 0x14, [])
        #expect(h.stream(Self.client) == SIPSamples.inviteBytes + sipTrying)
        #expect(h.events.last == .closed(Self.client))
    }

    /// 5,000 one-byte segments in descending order: at most 1024 are held, then the
    /// hole is skipped; the earlier bytes arrive too late and count as retransmissions.
    @Test func heldSegmentCountIsBounded() {
        let count = 5_000
        let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 % 251) }
        let held = TCPReassembler.maxHeldSegmentsPerDirection
        var h = StreamHarness()
        h.send(Self.client, seq: Self.isn, flags: 0x02, [])
        for offset in stride(from: count - 1, through: 0, by: -1) {
            h.send(Self.client, seq: seq(offset), bytes[offset...offset])
        }
        h.flush()
        let skipped = count - held - 1
        #expect(h.stream(Self.client) == Array(bytes[skipped...]))
        #expect(h.events.first == .gap(Self.client, skipped))
        let gaps = h.events.compactMap { if case .gap(_, let missing) = $0 { return missing } else { return nil } }
        #expect(gaps == [skipped])
        #expect(h.stream(Self.client).count + gaps.reduce(0, +) == count)
        #expect(h.events.last == .closed(Self.client))
    }

    @Test func portReuseStartsNewStream() {
        var h = StreamHarness()
        h.send(Self.client, seq: 100, flags: 0x02, [])
        h.send(Self.client, seq: 101, flags: 0x19, segment(0..<10))
        h.send(Self.client, seq: 9000, flags: 0x02, [])
        h.send(Self.client, seq: 9001, segment(10..<30))
        #expect(h.events == [
            .data(Self.client, Array(Self.data[0..<10])), .closed(Self.client),
            .data(Self.client, Array(Self.data[10..<30])),
        ])
    }

    @Test func nonTCPPacketsAreIgnored() {
        var reassembler = TCPReassembler()
        var count = 0
        SIPSamples.inviteBytes.withUnsafeBytes { bytes in
            reassembler.add(TransportPacket(flow: defaultUDPFlow, payload: bytes), timestamp: 0) { _ in count += 1 }
        }
        #expect(count == 0)
        #expect(reassembler.trackedDirections == 0)
    }

    /// Decoder and reassembler together: a SIP message split over three Ethernet frames, out of order.
    @Test func decoderToReassembler() throws {
        var decoder = PacketDecoder()
        var reassembler = TCPReassembler()
        var stream: [UInt8] = []
        let bounds = [0, 150, 300, Self.data.count]
        for index in [0, 2, 1] {
            let frame = Build.ethernet(type: 0x0800, Build.ipv4(proto: 6, Build.tcp(seq: 10 + UInt32(bounds[index]), Array(Self.data[bounds[index]..<bounds[index + 1]]))))
            _ = try frame.withUnsafeBytes { bytes in
                try decoder.decode(frame: bytes, linkType: .ethernet, timestamp: 0) { packet in
                    reassembler.add(packet, timestamp: 0) { event in
                        if case .data(_, let bytes) = event { stream += bytes }
                    }
                }
            }
        }
        #expect(stream == Self.data)
    }
}
