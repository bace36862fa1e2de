import Testing
@testable import RTPAnalysis

@Suite("RTP header")
struct RTPHeaderTests {
    /// A malformed-input test: the bytes are the subject, so they are written out.
    static func packet(_ bytes: [UInt8]) -> RTPHeader? {
        bytes.withUnsafeBytes { RTPHeader.parse($0) }
    }

    @Test func parsesFixedHeaderCSRCsExtensionAndPadding() throws {
        // V=2 P=1 X=1 CC=1, M=1 PT=8, seq 0x1234, ts 0x01020304, SSRC 0xCAFEBABE,
        // one CSRC, extension of one word, 3 payload bytes, 2 padding bytes.
        let bytes: [UInt8] = [0xB1, 0x88, 0x12, 0x34, 1, 2, 3, 4, 0xCA, 0xFE, 0xBA, 0xBE,
                              9, 9, 9, 9, 0xBE, 0xDE, 0, 1, 7, 7, 7, 7, 0xD5, 0xD5, 0xD5, 0, 2]
        let header = try #require(Self.packet(bytes))
        #expect(header.marker)
        #expect(header.payloadType == 8)
        #expect(header.sequence == 0x1234)
        #expect(header.timestamp == 0x0102_0304)
        #expect(header.ssrc == 0xCAFE_BABE)
        #expect(header.payloadOffset == 24)
        #expect(header.payloadLength == 3)
    }

    @Test(arguments: [
        [UInt8](repeating: 0x80, count: 11),                         // shorter than the fixed header
        [0x40, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1],                     // version 1
        [0x80, 0xC8, 0, 6, 0, 0, 0, 0, 0, 0, 0, 1],                  // RTCP SR type (200)
        [0x8F, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1],                     // 15 CSRCs announced, none present
        [0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xBE, 0xDE, 0, 9],   // extension longer than the packet
        [0xA0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xD5, 40],           // padding longer than the payload
    ])
    func rejectsWhatIsNotRTP(_ bytes: [UInt8]) {
        #expect(Self.packet(bytes) == nil)
    }

    @Test func recognisesRTCPCompoundPackets() {
        let receiverReport: [UInt8] = [0x80, 201, 0, 1, 0xCA, 0xFE, 0xBA, 0xBE]
        let truncated: [UInt8] = [0x80, 200, 0, 6, 0, 0, 0, 1]
        #expect(receiverReport.withUnsafeBytes { RTCPPacket.looksLikeRTCP($0) })
        #expect(!truncated.withUnsafeBytes { RTCPPacket.looksLikeRTCP($0) })
        #expect(![UInt8]([0x80, 0, 0, 1, 0, 0, 0, 0]).withUnsafeBytes { RTCPPacket.looksLikeRTCP($0) })
    }
}

@Suite("RTP stream statistics")
struct RTPStreamStatisticsTests {
    static func header(_ sequence: UInt16, _ timestamp: UInt32) -> RTPHeader {
        RTPHeader(marker: false, payloadType: 0, sequence: sequence, timestamp: timestamp, ssrc: 7, payloadOffset: 12, payloadLength: 160)
    }

    @Test func wraparoundLossDuplicatesAndLatePackets() {
        var stats = RTPStreamStatistics(ssrc: 7)
        let format = PayloadFormat.lookup(0, rtpmap: [:])
        // 65533 ... 65535, 0, (1 lost), 2, 2 again, 4, 3 late
        let sequence: [UInt16] = [65533, 65534, 65535, 0, 2, 2, 4, 3]
        for (index, number) in sequence.enumerated() {
            stats.add(Self.header(number, UInt32(index) * 160), arrival: Int64(index) * 20_000_000, format: format)
        }
        #expect(stats.expected == 8)  // 65533 ... 4
        #expect(stats.packets == 8)
        #expect(stats.duplicates == 1)
        #expect(stats.outOfOrder == 1)
        #expect(stats.lost == 0)  // 1 missing, 1 duplicate: tshark's expected - received
    }

    @Test func largeJumpIsLossAsTsharkCountsIt() {
        var stats = RTPStreamStatistics(ssrc: 7)
        let format = PayloadFormat.lookup(0, rtpmap: [:])
        for (index, number) in ([100, 101, 40_102, 40_103] as [UInt16]).enumerated() {
            stats.add(Self.header(number, UInt32(index) * 160), arrival: Int64(index) * 20_000_000, format: format)
        }
        #expect(stats.lost == 40_000)
        #expect(stats.outOfOrder == 0)
    }

    /// Feeds 20 ms PCMU packets (sequence from 1000, timestamp from 5000); `timestamp` and
    /// `arrival` may rewrite packet i's timestamp and arrival (ms); `marker` marks packets.
    static func stream(
        count: Int = 200, timestamp: (Int, UInt32) -> UInt32 = { $1 }, arrival: (Int, Double) -> Double = { $1 },
        marker: Set<Int> = [], events: Set<Int> = []
    ) -> RTPStreamStatistics {
        var stats = RTPStreamStatistics(ssrc: 7)
        for index in 0..<count {
            let nominal = UInt32(5000 + index * 160)
            // A little jitter, the same in every variant: 0, 1.5, 0.5, 3 ms late in turn.
            let late = [0.0, 1.5, 0.5, 3.0][index % 4]
            let event = events.contains(index)
            let header = RTPHeader(
                marker: marker.contains(index), payloadType: event ? 101 : 0, sequence: UInt16(1000 + index),
                timestamp: event ? UInt32(5000 + (events.min() ?? 0) * 160) : timestamp(index, nominal), ssrc: 7,
                payloadOffset: 12, payloadLength: 160)
            let ms = arrival(index, Double(index) * 20 + late)
            stats.add(header, arrival: Int64(ms * 1_000_000), kind: event ? .telephoneEvent : .audio, clockRate: 8000)
        }
        return stats
    }

    static func figures(_ stats: RTPStreamStatistics) -> [Double] {
        [stats.maxDeltaMilliseconds, stats.jitterMilliseconds, stats.maxJitterMilliseconds, stats.meanJitterMilliseconds, Double(stats.timestampOffset)]
    }

    @Test(arguments: [40 * 8000, -25 * 8000, 1 << 30, -(1 << 31), 16000] as [Int64])
    func timestampResetKeepsTheSteadyFigures(_ offset: Int64) {
        // From packet 100 on the timestamps restart (sequence numbers go on): the figures are
        // those of the steady stream, and the reset is counted once.
        let steady = Self.stream()
        let reset = Self.stream(timestamp: { index, nominal in index >= 100 ? nominal &+ UInt32(truncatingIfNeeded: offset) : nominal })
        #expect(Self.figures(reset) == Self.figures(steady))
        #expect(reset.timestampResets == 1)
        #expect(steady.timestampResets == 0)
        #expect(steady.maxJitterMilliseconds < 3)
    }

    @Test func silenceSuppressionIsNotAReset() {
        // Packets 100... come 3 s later, their timestamps 3 s later too (a silence gap with a marker).
        let gap = Self.stream(timestamp: { index, nominal in index >= 100 ? nominal + 24_000 : nominal },
                              arrival: { index, ms in index >= 100 ? ms + 3000 : ms }, marker: [100])
        #expect(gap.timestampResets == 0)
        #expect(gap.timestampOffset == 199 * 160 + 24_000)
        #expect(gap.maxJitterMilliseconds < 3)
    }

    @Test func networkStallIsNotAReset() {
        // Packets 100... arrive 1.5 s late, timestamps in step with the sequence numbers: real
        // transit time, which jitter must show (1500 / 16 ms at once).
        let stall = Self.stream(arrival: { index, ms in index >= 100 ? ms + 1500 : ms })
        #expect(stall.timestampResets == 0)
        #expect(stall.timestampOffset == 199 * 160)
        #expect(stall.maxJitterMilliseconds > 90)
    }

    @Test func longTelephoneEventIsNotAReset() {
        // A 2 s RFC 4733 event (packets 50..149 keep the event's start timestamp), then audio.
        let dtmf = Self.stream(events: Set(50..<150))
        #expect(dtmf.timestampResets == 0)
        #expect(dtmf.dtmfEvents == 1)
        #expect(dtmf.timestampOffset == 199 * 160)
    }
}
