import CallModel
import Foundation
import PacketCapture
import PacketDecoding
import Testing
@testable import CallReconstruction
import TestSupport

/// RTP association on the real packets of `captures/talk/talk-inbound.pcap` (caller
/// 127.0.0.1:16000, agent 127.0.0.1:16100), with SDP offers chosen per test.
@Suite("RTP association")
struct MediaAssociationTests {
    static let capture = TestPaths.capture("talk/talk-inbound.pcap")

    static func offer(_ party: CallParty, _ address: String, _ port: Int) -> MediaOffer {
        MediaOffer(time: Timestamp(nanoseconds: 0), from: party, carriedBy: party == .caller ? "INVITE" : "200", streams: [
            MediaStream(media: "audio", address: address, port: port, proto: "RTP/AVP", payloadTypes: [0], encodings: [0: "PCMU/8000"], direction: .sendrecv),
        ])
    }

    /// The real datagrams of the sample that are not SIP, with their arrival times.
    static func datagrams() throws -> [(flow: FlowKey, bytes: [UInt8], arrival: Int64)] {
        let file = try CaptureFile(path: capture)
        var decoder = PacketDecoder()
        var result: [(FlowKey, [UInt8], Int64)] = []
        while let frame = try file.next() {
            _ = try decoder.decode(frame: frame.data, linkType: LinkType(rawValue: frame.linkType), timestamp: frame.timestamp) { packet in
                guard packet.flow.transport == .udp, packet.flow.destination.port != 5060, packet.flow.source.port != 5060 else { return }
                result.append((packet.flow, Array(packet.payload), frame.timestamp))
            }
        }
        return result
    }

    /// Feeds every datagram of the sample that is not SIP.
    static func feed(_ association: inout MediaAssociation) throws {
        for (index, packet) in try datagrams().enumerated() {
            packet.bytes.withUnsafeBytes { _ = association.handle(packet.flow, $0, arrival: packet.arrival, input: 0, packet: index + 1) }
        }
    }

    @Test func streamsFollowTheSDP() throws {
        var association = MediaAssociation(options: .init())
        association.register(Self.offer(.caller, "127.0.0.1", 16000), callID: "call")
        association.register(Self.offer(.callee, "127.0.0.1", 16100), callID: "call")
        try Self.feed(&association)
        let media = association.finish(callID: "call", answeredAt: nil)
        #expect(media.streams.count == 2)
        #expect(media.streams.first { $0.source == "127.0.0.1:16000" }?.sender == .caller)
        #expect(media.streams.first { $0.source == "127.0.0.1:16100" }?.sender == .callee)
        #expect(media.streams.allSatisfy { $0.packets == 1496 && $0.lost == 0 })
        #expect(association.orphans().isEmpty)
    }

    @Test func callerBehindNATIsStillAssociated() throws {
        // The caller announces its private address; its media comes from the public one
        // (here 127.0.0.1:16000) and the agent sends back there (symmetric RTP, RFC 4961).
        var association = MediaAssociation(options: .init())
        association.register(Self.offer(.caller, "192.168.1.10", 40000), callID: "call")
        association.register(Self.offer(.callee, "127.0.0.1", 16100), callID: "call")
        try Self.feed(&association)
        let media = association.finish(callID: "call", answeredAt: nil)
        #expect(media.streams.count == 2)
        #expect(media.streams.first { $0.source == "127.0.0.1:16000" }?.sender == .caller)
        #expect(media.streams.first { $0.destination == "127.0.0.1:16000" }?.sender == .callee)
        #expect(association.orphans().isEmpty)
    }

    @Test func mediaNoSDPAnnouncesIsAnOrphan() throws {
        var association = MediaAssociation(options: .init())
        association.register(Self.offer(.caller, "192.168.1.10", 40000), callID: "call")
        association.register(Self.offer(.callee, "10.0.0.5", 40002), callID: "call")
        try Self.feed(&association)
        #expect(association.finish(callID: "call", answeredAt: nil).streams.isEmpty)
        let orphans = association.orphans()
        #expect(orphans.count == 2)
        #expect(orphans.allSatisfy { $0.stream.sender == nil && $0.stream.packets == 1496 })
        #expect(orphans.map(\.packet).min() ?? 0 > 0)
    }

    /// One side announced only the hold address: its streams are still found, through the
    /// other side's SDP (by destination one way, by source the other).
    @Test func heldSideIsFoundThroughTheOtherSide() throws {
        var association = MediaAssociation(options: .init())
        association.register(Self.offer(.caller, "0.0.0.0", 16000), callID: "call")
        association.register(Self.offer(.callee, "127.0.0.1", 16100), callID: "call")
        try Self.feed(&association)
        let media = association.finish(callID: "call", answeredAt: nil)
        #expect(media.streams.count == 2)
        #expect(Set(media.streams.compactMap(\.sender)) == [.caller, .callee])
    }
}

/// The talk timeline starts at the answer and survives timestamp jumps and network stalls;
/// back-to-back calls that reuse ports and SSRCs keep their own streams.
@Suite("Talk timeline and stream separation")
struct TalkTimelineTests {
    static func registerSample(_ association: inout MediaAssociation, callID: String, at time: Int64) {
        var caller = MediaAssociationTests.offer(.caller, "127.0.0.1", 16000)
        var callee = MediaAssociationTests.offer(.callee, "127.0.0.1", 16100)
        caller.time = Timestamp(nanoseconds: time)
        callee.time = Timestamp(nanoseconds: time)
        association.register(caller, callID: callID)
        association.register(callee, callID: callID)
    }

    static let talk = MediaAnalysisOptions(voiceActivity: .standard)

    @Test func noAnswerNoTimelineAndNothingBeforeTheAnswer() throws {
        let packets = try MediaAssociationTests.datagrams()
        let first = try #require(packets.first?.arrival)
        for answer in [nil, first + 10_000_000_000] as [Int64?] {
            var association = MediaAssociation(options: Self.talk)
            Self.registerSample(&association, callID: "call", at: first)
            for (flow, bytes, arrival) in packets {
                bytes.withUnsafeBytes { _ = association.handle(flow, $0, arrival: arrival, input: 0, packet: 1) }
            }
            let media = association.finish(callID: "call", answeredAt: answer.map(Timestamp.init(nanoseconds:)))
            #expect(media.streams.count == 2)
            if let answer {
                let talk = try #require(media.talk)
                #expect(talk.start.nanoseconds == answer)
                #expect(abs(talk.duration - 19_930_000_000) < 50_000_000)  // 29.93 s of audio, 10 s before the answer
            } else {
                #expect(media.talk == nil)
            }
        }
    }

    @Test func timestampJumpIsReanchored() throws {
        // The same real packets, with the agent's RTP timestamps rebased by 2^30 from the
        // middle of the call on (as after a transfer): the timeline must not grow by hours
        // (re-anchored by sequence number, RTPStreamStatistics).
        let packets = try MediaAssociationTests.datagrams()
        let middle = packets.count / 2
        var association = MediaAssociation(options: Self.talk)
        let first = try #require(packets.first?.arrival)
        Self.registerSample(&association, callID: "call", at: first)
        var reference = MediaAssociation(options: Self.talk)
        Self.registerSample(&reference, callID: "call", at: first)
        for (index, packet) in packets.enumerated() {
            var bytes = packet.bytes
            if index >= middle, packet.flow.source.port == 16100 {
                let timestamp = (UInt32(bytes[4]) << 24 | UInt32(bytes[5]) << 16 | UInt32(bytes[6]) << 8 | UInt32(bytes[7])) &+ (1 << 30)
                bytes[4] = UInt8(timestamp >> 24); bytes[5] = UInt8(timestamp >> 16 & 0xFF)
                bytes[6] = UInt8(timestamp >> 8 & 0xFF); bytes[7] = UInt8(timestamp & 0xFF)
            }
            bytes.withUnsafeBytes { _ = association.handle(packet.flow, $0, arrival: packet.arrival, input: 0, packet: index) }
            packet.bytes.withUnsafeBytes { _ = reference.handle(packet.flow, $0, arrival: packet.arrival, input: 0, packet: index) }
        }
        let jumped = try #require(association.finish(callID: "call", answeredAt: Timestamp(nanoseconds: first)).talk)
        let plain = try #require(reference.finish(callID: "call", answeredAt: Timestamp(nanoseconds: first)).talk)
        #expect(abs(jumped.duration - plain.duration) < 100_000_000)
        #expect(abs(jumped.agentTalk - plain.agentTalk) < 100_000_000)
    }

    @Test func networkStallDoesNotMoveTheAudio() throws {
        // The agent's packets from the middle on arrive 1.5 s late (a stall), timestamps intact:
        // the RTP clock still places them; only a timestamp jump re-anchors a stream.
        let packets = try MediaAssociationTests.datagrams()
        let first = try #require(packets.first?.arrival)
        let middle = packets.count / 2
        var stalled = MediaAssociation(options: Self.talk)
        var reference = MediaAssociation(options: Self.talk)
        Self.registerSample(&stalled, callID: "call", at: first)
        Self.registerSample(&reference, callID: "call", at: first)
        for (index, packet) in packets.enumerated() {
            let late = index >= middle && packet.flow.source.port == 16100 ? 1_500_000_000 : 0
            packet.bytes.withUnsafeBytes { _ = stalled.handle(packet.flow, $0, arrival: packet.arrival + Int64(late), input: 0, packet: index) }
            packet.bytes.withUnsafeBytes { _ = reference.handle(packet.flow, $0, arrival: packet.arrival, input: 0, packet: index) }
        }
        let a = try #require(stalled.finish(callID: "call", answeredAt: Timestamp(nanoseconds: first)).talk)
        let b = try #require(reference.finish(callID: "call", answeredAt: Timestamp(nanoseconds: first)).talk)
        #expect(a.segments == b.segments)
    }

    @Test func backToBackCallsReusingPortsAndSSRCsStayApart() throws {
        // SIPp's rtp_stream always uses SSRC 0xCA110000: a second call on the same ports half a
        // second after the first one's media stopped must get its own streams.
        let packets = try MediaAssociationTests.datagrams()
        let first = try #require(packets.first?.arrival)
        let last = try #require(packets.last?.arrival)
        let offset = last - first + 500_000_000
        var association = MediaAssociation(options: .init())
        Self.registerSample(&association, callID: "one", at: first)
        for (index, packet) in packets.enumerated() {
            packet.bytes.withUnsafeBytes { _ = association.handle(packet.flow, $0, arrival: packet.arrival, input: 0, packet: index) }
        }
        Self.registerSample(&association, callID: "two", at: last + 100_000_000)
        for (index, packet) in packets.enumerated() {
            packet.bytes.withUnsafeBytes { _ = association.handle(packet.flow, $0, arrival: packet.arrival + offset, input: 0, packet: index) }
        }
        let one = association.finish(callID: "one", answeredAt: nil)
        let two = association.finish(callID: "two", answeredAt: nil)
        #expect(one.streams.map(\.packets) == [1496, 1496])
        #expect(two.streams.map(\.packets) == [1496, 1496])
        #expect((one.streams + two.streams).allSatisfy { $0.lost == 0 })
    }
}
