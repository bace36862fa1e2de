import CallscopeBase
import Testing
@testable import PacketDecoding
import TestSupport

/// A DATA (type 0) or I-DATA (type 64) chunk with its flags, padded to 4 bytes.
func sctpChunk(
    tsn: UInt32, flags: UInt8, stream: UInt16 = 0, ssn: UInt16 = 0, _ payload: ArraySlice<UInt8>,
    interleaved mid: UInt32? = nil, fsn: UInt32 = 0
) -> [UInt8] {
    var chunk: [UInt8]
    if let mid {
        let fsnOrPPID = flags & 0x02 != 0 ? Build.be32(5) : Build.be32(fsn)  // B: PPID 5 (SIP over SCTP is 0; any)
        chunk = [64, flags] + Build.be16(UInt16(20 + payload.count)) + Build.be32(tsn) + Build.be16(stream) + Build.be16(0)
            + Build.be32(mid) + fsnOrPPID
    } else {
        chunk = [0, flags] + Build.be16(UInt16(16 + payload.count)) + Build.be32(tsn) + Build.be16(stream) + Build.be16(ssn) + Build.be32(0)
    }
    chunk += payload
    while chunk.count % 4 != 0 { chunk.append(0) }
    return chunk
}

/// A reassembler event copied out of the callback.
enum MessageEvent: Equatable {
    case message(FlowKey, [UInt8])
    case dropped(FlowKey, SCTPReassembler.Drop)
}

/// Feeds SCTP packets (raw IPv4 frames) through the decoder and an ``SCTPReassembler``.
struct SCTPHarness {
    var decoder = PacketDecoder()
    var reassembler: SCTPReassembler
    var events: [MessageEvent] = []

    init(limit: Int = 1 << 20) {
        reassembler = SCTPReassembler(maxBufferedBytesPerDirection: limit)
    }

    static let forward = flow("10.0.0.1", 5060, "10.0.0.2", 5060, .sctp)

    mutating func send(_ chunks: [[UInt8]], at seconds: Int64 = 1, reverse: Bool = false) throws {
        let frame = Build.ipv4(src: reverse ? "10.0.0.2" : "10.0.0.1", dst: reverse ? "10.0.0.1" : "10.0.0.2", proto: 132, Build.sctp(chunks: chunks))
        var recorded: [MessageEvent] = []
        let time = seconds * 1_000_000_000
        _ = try frame.withUnsafeBytes { bytes in
            try decoder.decode(frame: bytes, linkType: .raw, timestamp: time) { packet in
                #expect(packet.sctp != nil)
                reassembler.add(packet, timestamp: time) { recorded.append(Self.copy($0)) }
            }
        }
        events += recorded
    }

    mutating func flush() {
        var recorded: [MessageEvent] = []
        reassembler.flush { recorded.append(Self.copy($0)) }
        events += recorded
    }

    static func copy(_ event: SCTPReassembler.Event) -> MessageEvent {
        switch event {
        case .message(let flow, let bytes): .message(flow, Array(bytes))
        case .dropped(let flow, let drop): .dropped(flow, drop)
        }
    }
}

@Suite("SCTP user message reassembly")
struct SCTPReassemblerTests {
    static let message = SIPSamples.inviteBytes
    /// `message` in four fragments: B, middle, middle, E.
    static func fragments(firstTSN: UInt32 = 10, stream: UInt16 = 1, ssn: UInt16 = 7, unordered: Bool = false) -> [[UInt8]] {
        let cuts = [0, 100, 220, 330, message.count]
        return (0..<4).map { index in
            var flags: UInt8 = unordered ? 0x04 : 0
            if index == 0 { flags |= 0x02 }
            if index == 3 { flags |= 0x01 }
            return sctpChunk(tsn: firstTSN &+ UInt32(index), flags: flags, stream: stream, ssn: ssn, message[cuts[index]..<cuts[index + 1]])
        }
    }

    static func permutations(_ count: Int) -> [[Int]] {
        guard count > 1 else { return [[0]] }
        return permutations(count - 1).flatMap { rest in
            (0...rest.count).map { at in
                var order = rest
                order.insert(count - 1, at: at)
                return order
            }
        }
    }

    @Test(arguments: permutations(4))
    func everyOrder(_ order: [Int]) throws {
        // Each fragment in its own packet, in this order, a whole message (TSN 14) after the second.
        var harness = SCTPHarness()
        let fragments = Self.fragments()
        let whole = sctpChunk(tsn: 14, flags: 0x03, stream: 1, ssn: 8, sipTrying[...])
        for (position, index) in order.enumerated() {
            try harness.send([fragments[index]])
            if position == 1 { try harness.send([whole]) }
        }
        harness.flush()
        #expect(harness.events == [.message(SCTPHarness.forward, sipTrying), .message(SCTPHarness.forward, Self.message)])
        #expect(harness.reassembler.heldChunks == 0)
    }

    @Test(arguments: permutations(4))
    func everyOrderUnorderedInOnePacket(_ order: [Int]) throws {
        // U flag (as heplify__sip_sctp.pcap: unordered, stream sequence number 0), all in one packet.
        var harness = SCTPHarness()
        let fragments = Self.fragments(ssn: 0, unordered: true)
        try harness.send(order.map { fragments[$0] })
        #expect(harness.events == [.message(SCTPHarness.forward, Self.message)])
    }

    @Test func duplicatesAndRetransmissionsAreIgnored() throws {
        var harness = SCTPHarness()
        let fragments = Self.fragments()
        try harness.send([fragments[0], fragments[0]])
        try harness.send([fragments[1], fragments[2], fragments[1]])
        try harness.send([fragments[3]])
        try harness.send([fragments[2]])  // retransmitted after delivery
        try harness.send([fragments[3], fragments[0]])
        harness.flush()
        #expect(harness.events == [.message(SCTPHarness.forward, Self.message)])
    }

    @Test func tsnWrapsAround() throws {
        var harness = SCTPHarness()
        let fragments = Self.fragments(firstTSN: 0xFFFF_FFFE)
        try harness.send([fragments[3], fragments[1], fragments[0], fragments[2]])
        #expect(harness.events == [.message(SCTPHarness.forward, Self.message)])
    }

    @Test func directionsAndMessagesStayApart() throws {
        // Two messages back to back on two streams, and the same TSNs the other way.
        var harness = SCTPHarness()
        let first = Self.fragments(firstTSN: 1, stream: 1)
        let second = Self.fragments(firstTSN: 5, stream: 2, ssn: 0)
        let back = Self.fragments(firstTSN: 1, stream: 1)
        try harness.send([second[2], first[0], back[0]])
        try harness.send([back[3], back[1]], reverse: true)
        try harness.send([first[3], second[0], second[1], first[2], first[1]])
        try harness.send([back[2], back[0]], reverse: true)
        try harness.send([second[3]])
        harness.flush()
        // back[0] went the forward way too: a B fragment (TSN 1) already held there, a duplicate.
        #expect(harness.events == [
            .message(SCTPHarness.forward, Self.message),
            .message(SCTPHarness.forward.reversed, Self.message),
            .message(SCTPHarness.forward, Self.message),
        ])
    }

    @Test func interleavedMessagesOfIData() throws {
        // RFC 8260: fragments of two messages (MID 1 and 2) interleaved, numbered by FSN.
        var harness = SCTPHarness()
        func idata(_ mid: UInt32, _ tsn: UInt32, _ index: Int, _ payload: [UInt8]) -> [UInt8] {
            let cut = payload.count / 2
            return index == 0
                ? sctpChunk(tsn: tsn, flags: 0x02, stream: 3, payload[..<cut], interleaved: mid)
                : sctpChunk(tsn: tsn, flags: 0x01, stream: 3, payload[cut...], interleaved: mid, fsn: 1)
        }
        try harness.send([idata(1, 20, 0, SIPSamples.inviteBytes), idata(2, 21, 0, sipTrying)])
        try harness.send([idata(2, 23, 1, sipTrying), idata(1, 22, 1, SIPSamples.inviteBytes)])
        #expect(harness.events == [.message(SCTPHarness.forward, sipTrying), .message(SCTPHarness.forward, SIPSamples.inviteBytes)])
    }

    @Test func missingMiddleFragmentIsReported() throws {
        var harness = SCTPHarness()
        let fragments = Self.fragments()
        try harness.send([fragments[0], fragments[1], fragments[3]])
        harness.flush()
        let bytes = 100 + 120 + (Self.message.count - 330)
        guard case .dropped(let key, let drop) = try #require(harness.events.first) else {
            Issue.record("no drop: \(harness.events)")
            return
        }
        #expect(harness.events.count == 1)
        #expect(key == SCTPHarness.forward)
        #expect(drop.reason == .incomplete(missing: 12, interleaved: false))
        #expect(drop.chunks == 3)
        #expect(drop.bytes == bytes)
        #expect(drop.description == "3 fragments (\(drop.bytes) bytes) of SCTP user messages dropped: message never completed, TSN 12 missing")
    }

    /// Runs of fragments that cannot be one message.
    @Test(arguments: [
        ("E on another stream", [(10, 0x02, 1, 7), (11, 0x01, 2, 7)]),
        ("E with another sequence number", [(10, 0x02, 1, 7), (11, 0x01, 1, 8)]),
        ("E unordered, B ordered", [(10, 0x02, 1, 7), (11, 0x05, 1, 7)]),
    ] as [(String, [(UInt32, UInt8, UInt16, UInt16)])])
    func inconsistentRunsAreDropped(_ name: String, _ chunks: [(UInt32, UInt8, UInt16, UInt16)]) throws {
        var harness = SCTPHarness()
        for (tsn, flags, stream, ssn) in chunks {
            try harness.send([sctpChunk(tsn: tsn, flags: flags, stream: stream, ssn: ssn, sipTrying[0..<20])])
        }
        harness.flush()
        let reasons = harness.events.compactMap { event -> SCTPReassembler.Drop.Reason? in
            if case .dropped(_, let drop) = event { return drop.reason }
            return nil
        }
        #expect(reasons.first == .inconsistent, "\(name)")
        #expect(!harness.events.contains { if case .message = $0 { true } else { false } }, "\(name)")
        #expect(harness.reassembler.heldChunks == 0)
    }

    @Test func fragmentsWithoutBeginningOrEndAreReportedAtTheEnd() throws {
        // E without B, a middle fragment alone, B without E (in another direction).
        var harness = SCTPHarness()
        try harness.send([sctpChunk(tsn: 50, flags: 0x01, sipTrying[0..<30])])
        try harness.send([sctpChunk(tsn: 80, flags: 0x00, sipTrying[0..<30])])
        try harness.send([sctpChunk(tsn: 90, flags: 0x02, sipTrying[0..<30])], reverse: true)
        harness.flush()
        #expect(harness.events == [
            .dropped(SCTPHarness.forward, .init(reason: .incomplete(missing: 49, interleaved: false), chunks: 2, bytes: 60)),
            .dropped(SCTPHarness.forward.reversed, .init(reason: .incomplete(missing: 91, interleaved: false), chunks: 1, bytes: 30)),
        ])
    }

    @Test func chunkLimitDropsWhatIsHeld() throws {
        // 1025 middle fragments that never make a message: held up to 1024, then dropped.
        var harness = SCTPHarness()
        for tsn in 0..<UInt32(1025) {
            try harness.send([sctpChunk(tsn: tsn * 2, flags: 0x00, sipTrying[0..<4])])
        }
        #expect(harness.events == [.dropped(SCTPHarness.forward, .init(reason: .limit(chunks: 1024, bytes: 1 << 20), chunks: 1025, bytes: 4100))])
        #expect(harness.reassembler.heldChunks == 0)
    }

    @Test func byteLimitDropsWhatIsHeld() throws {
        var harness = SCTPHarness(limit: 500)
        let fragments = Self.fragments()
        try harness.send([fragments[0], fragments[1], fragments[2]])  // 330 bytes held
        try harness.send([sctpChunk(tsn: 40, flags: 0x02, SIPSamples.inviteBytes[0..<200])])
        try harness.send([fragments[3]])
        harness.flush()
        guard case .dropped(_, let drop) = try #require(harness.events.first) else { return }
        #expect(drop.reason == .limit(chunks: 1024, bytes: 500))
        #expect(drop.chunks == 4 && drop.bytes == 530)
        #expect(!harness.events.contains { if case .message = $0 { true } else { false } })
    }

    @Test func staleFragmentsTimeOut() throws {
        var harness = SCTPHarness()
        let fragments = Self.fragments()
        try harness.send([fragments[0]], at: 1)
        try harness.send([fragments[1]], at: 30)
        try harness.send([sctpChunk(tsn: 100, flags: 0x02, sipTrying[0..<10])], at: 62)  // fragment 0 is 61 s old
        #expect(harness.events == [.dropped(SCTPHarness.forward, .init(reason: .incomplete(missing: 11, interleaved: false), chunks: 1, bytes: 100))])
        #expect(harness.reassembler.heldChunks == 2)
    }

    @Test func chunkFieldsAreDecoded() throws {
        var decoder = PacketDecoder()
        let frame = Build.ipv4(proto: 132, Build.sctp(chunks: [
            sctpChunk(tsn: 0xDEAD_BEEF, flags: 0x06, stream: 9, ssn: 0x1234, sipTrying[0..<8]),
            sctpChunk(tsn: 3, flags: 0x05, stream: 4, sipTrying[0..<8], interleaved: 0xABCD, fsn: 6),
        ]))
        var infos: [SCTPDataChunkInfo] = []
        _ = try frame.withUnsafeBytes { bytes in
            try decoder.decode(frame: bytes, linkType: .raw, timestamp: 0) { packet in infos.append(try #require(packet.sctp)) }
        }
        #expect(infos == [
            SCTPDataChunkInfo(tsn: 0xDEAD_BEEF, streamIdentifier: 9, messageNumber: 0x1234, flags: 0x06),
            SCTPDataChunkInfo(tsn: 3, streamIdentifier: 4, messageNumber: 0xABCD, fragmentNumber: 6, flags: 0x05, interleaved: true),
        ])
        #expect(infos[0].beginning && infos[0].unordered && !infos[0].ending)
    }
}

@Suite("SCTP reassembly sweep")
struct SCTPReassemblerSweepTests {
    @Test func quietDirectionsAreSweptByOtherTraffic() throws {
        // A fragment left alone on one direction is reported when traffic on another one comes
        // more than 60 s later, not only at the end.
        var harness = SCTPHarness()
        try harness.send([sctpChunk(tsn: 7, flags: 0x02, sipTrying[0..<10])], at: 1)
        try harness.send([sctpChunk(tsn: 1, flags: 0x03, sipTrying[...])], at: 70, reverse: true)
        #expect(harness.events == [
            .dropped(SCTPHarness.forward, .init(reason: .incomplete(missing: 8, interleaved: false), chunks: 1, bytes: 10)),
            .message(SCTPHarness.forward.reversed, sipTrying),
        ])
        #expect(harness.reassembler.heldChunks == 0)
    }
}

@Suite("SCTP reassembly on random chunks")
struct SCTPReassemblerRandomTests {
    /// Random flags, TSNs near each other, streams, sequence numbers, I-DATA or DATA, sizes and
    /// times (seeded): the reassembler never traps, holds no more than its limits, and holds
    /// nothing after a flush.
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func randomChunksNeverBreakIt(_ seed: UInt64) throws {
        var rng = Xoshiro256(seed: seed)
        func next(_ bound: UInt64) -> UInt64 { (rng.next() >> 33) % bound }
        var harness = SCTPHarness(limit: 4096)
        var time: Int64 = 1
        for _ in 0..<3000 {
            time += Int64(next(3_000))  // up to 3 s between packets: some fragments time out
            let size = Int(next(40))
            let chunk = sctpChunk(
                tsn: UInt32(truncatingIfNeeded: 0xFFFF_FFF0 &+ next(64)), flags: UInt8(next(8)), stream: UInt16(next(3)),
                ssn: UInt16(next(3)), SIPSamples.inviteBytes[0..<size], interleaved: next(4) == 0 ? UInt32(next(3)) : nil, fsn: UInt32(next(4)))
            try harness.send([chunk], at: time / 1000, reverse: next(2) == 0)
            #expect(harness.reassembler.heldChunks <= 2 * SCTPReassembler.maxHeldChunksPerDirection)
        }
        harness.flush()
        #expect(harness.reassembler.heldChunks == 0)
        // Whole chunks (B and E) come through, fragments make messages or are reported.
        #expect(harness.events.contains { if case .message = $0 { true } else { false } })
        #expect(harness.events.contains { if case .dropped = $0 { true } else { false } })
    }
}
