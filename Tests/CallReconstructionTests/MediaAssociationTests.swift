import CallModel
import Foundation
import PacketCapture
import PacketDecoding
import Testing
@testable import CallReconstruction

/// RTP association on the real packets of `captures/talk/talk-inbound.pcap` (caller
/// 127.0.0.1:16000, agent 127.0.0.1:16100), with SDP offers chosen per test.
@Suite("RTP association")
struct MediaAssociationTests {
    static let capture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("captures/talk/talk-inbound.pcap").path

    static func offer(_ party: CallParty, _ address: String, _ port: Int) -> MediaOffer {
        MediaOffer(time: Timestamp(nanoseconds: 0), from: party, carriedBy: party == .caller ? "INVITE" : "200", streams: [
            MediaStream(media: "audio", address: address, port: port, proto: "RTP/AVP", payloadTypes: [0], encodings: [0: "PCMU/8000"], direction: .sendrecv),
        ])
    }

    /// Feeds every UDP datagram of the capture that is not SIP.
    static func feed(_ association: inout MediaAssociation) throws {
        let file = try CaptureFile(path: capture)
        var decoder = PacketDecoder()
        while let frame = try file.next() {
            _ = try decoder.decode(frame: frame.data, linkType: LinkType(rawValue: frame.linkType), timestamp: frame.timestamp) { packet in
                guard packet.flow.transport == .udp, packet.flow.destination.port != 5060, packet.flow.source.port != 5060 else { return }
                _ = association.handle(packet.flow, packet.payload, arrival: frame.timestamp, input: 0, packet: frame.frameNumber)
            }
        }
    }

    @Test func streamsFollowTheSDP() throws {
        var association = MediaAssociation(options: .init())
        association.register(Self.offer(.caller, "127.0.0.1", 16000), callID: "call")
        association.register(Self.offer(.callee, "127.0.0.1", 16100), callID: "call")
        try Self.feed(&association)
        let media = association.finish(callID: "call")
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
        let media = association.finish(callID: "call")
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
        #expect(association.finish(callID: "call").streams.isEmpty)
        let orphans = association.orphans()
        #expect(orphans.count == 2)
        #expect(orphans.allSatisfy { $0.stream.sender == nil && $0.stream.packets == 1496 })
        #expect(orphans.map(\.packet).min() ?? 0 > 0)
    }

    @Test func holdAddressIsNotAnEndpoint() throws {
        var association = MediaAssociation(options: .init())
        association.register(Self.offer(.caller, "0.0.0.0", 16000), callID: "call")
        association.register(Self.offer(.callee, "127.0.0.1", 16100), callID: "call")
        try Self.feed(&association)
        // Only the agent's address is known: its stream by source, the caller's by destination.
        let media = association.finish(callID: "call")
        #expect(media.streams.count == 2)
        #expect(Set(media.streams.compactMap(\.sender)) == [.caller, .callee])
    }
}
