import CallModel
import Foundation
import PacketDecoding
import Testing
@testable import CallReconstruction
import TestSupport

/// `captures/hep/`: Kamailio's siptrace mirrors every SIP message of two calls (answered,
/// busy) as HEP to UDP 9060, version 3 then version 2; `direct.pcap` is the version-3 run's
/// SIP as it crossed the loopback (captures/hep/generate.sh).
@Suite struct HEPCaptureTests {
    /// The UDP payload and the capture time of frame `number` (1-based) of a capture tcpdump
    /// wrote on the loopback (Ethernet, IPv4, UDP).
    static func datagram(_ file: String, frame number: Int) throws -> (payload: [UInt8], microseconds: Int64) {
        let records = try ClassicPcapReader.records(TestPaths.capture(file))
        try #require(records.count >= number)
        return (records[number - 1].udpPayload, records[number - 1].microseconds)
    }

    @Test func hepVersion3GivesTheCallsOfTheWire() throws {
        let wire = Fixtures.analyze([TestPaths.capture("hep/direct.pcap")])
        let hep = Fixtures.analyze([TestPaths.capture("hep/hep3.pcap")])
        #expect(hep.diagnostics.isEmpty, "\(hep.diagnostics)")
        #expect(wire.summary.sipMessages == 23)
        #expect(hep.summary.hepMessages == 23)
        #expect(hep.summary.sipMessages == wire.summary.sipMessages)
        try #require(hep.calls.count == 2 && wire.calls.count == 2)
        #expect(hep.calls.map(\.outcome) == [.answered, .busy])
        for (h, w) in zip(hep.calls, wire.calls) {
            #expect(h.callID == w.callID)
            #expect(h.caller == w.caller && h.dialed == w.dialed)
            #expect(h.outcome == w.outcome && h.endedBy == w.endedBy && h.finalStatus == w.finalStatus && h.reasonCause == w.reasonCause)
            #expect(h.packets == w.packets && h.retransmissions == w.retransmissions)
            #expect(h.transport == "udp")
            // HEP times are Kamailio's clock when it read or wrote the message, tcpdump's are the
            // loopback's: the same instants within a few hundred microseconds.
            #expect(abs(h.start.nanoseconds - w.start.nanoseconds) < 2_000_000)
            #expect(abs((h.answeredAt?.nanoseconds ?? 0) - (w.answeredAt?.nanoseconds ?? 0)) < 2_000_000)
            #expect(abs((h.endedAt?.nanoseconds ?? 0) - (w.endedAt?.nanoseconds ?? 0)) < 2_000_000)
        }
    }

    @Test func hepVersion2TimesAreTheSendersLittleEndianClock() throws {
        let hep = Fixtures.analyze([TestPaths.capture("hep/hep2.pcap")])
        #expect(hep.diagnostics.isEmpty, "\(hep.diagnostics)")
        #expect(hep.summary.hepMessages == 23 && hep.summary.sipMessages == 23)
        try #require(hep.calls.count == 2)
        #expect(hep.calls.map(\.outcome) == [.answered, .busy])
        #expect(hep.calls.map(\.caller) == ["+442079460300", "+442079460301"])
        #expect(hep.calls.map(\.endedBy) == [.caller, .callee])
        // Frame 1 is the caller's INVITE as Kamailio received it: its HEP time (read
        // little-endian) is the call's start, within milliseconds of the frame's own time.
        let (payload, frameMicros) = try Self.datagram("hep/hep2.pcap", frame: 1)
        let packet = try payload.withUnsafeBytes { try HEPPacket.parse($0) }
        #expect(packet.version == 2)
        #expect(packet.captureID == 2001)
        #expect(packet.flow.description == "udp 127.0.0.1:5061 -> 127.0.0.1:5060")
        let hepTime = try #require(packet.timestamp)
        #expect(hep.calls[0].start.nanoseconds == hepTime)
        #expect(abs(hepTime - frameMicros * 1_000) < 5_000_000)
    }

    @Test func hepVersion3HeaderFields() throws {
        let (payload, frameMicros) = try Self.datagram("hep/hep3.pcap", frame: 1)
        let packet = try payload.withUnsafeBytes { try HEPPacket.parse($0) }
        #expect(packet.version == 3)
        #expect(packet.payloadType == HEPPacket.sip)
        #expect(packet.captureID == 2001)
        #expect(packet.flow.description == "udp 127.0.0.1:5061 -> 127.0.0.1:5060")
        #expect(abs((packet.timestamp ?? 0) - frameMicros * 1_000) < 5_000_000)
        #expect(String(decoding: packet.payload.prefix(7), as: UTF8.self) == "INVITE ")
        #expect(payload.withUnsafeBytes { HEPPacket.looksLikeHEP($0, onHEPPort: false) })
    }

    /// Every prefix of a real datagram, and the datagram with each length field broken, is
    /// read or refused with a HEPError: never a trap, never a read past the end.
    @Test func brokenDatagramsAreRefusedNotTrapped() throws {
        for file in ["hep/hep3.pcap", "hep/hep2.pcap"] {
            let (payload, _) = try Self.datagram(file, frame: 1)
            var refused = 0
            for length in 0..<payload.count {
                do {
                    _ = try Array(payload[..<length]).withUnsafeBytes { try HEPPacket.parse($0) }
                } catch {
                    refused += 1
                }
            }
            // A HEP3 message is whole or refused (its total length); v2 has no total length,
            // so only prefixes shorter than its headers are refused.
            #expect(refused == (file == "hep/hep3.pcap" ? payload.count : 28), "\(file)")
        }
        let (v3, _) = try Self.datagram("hep/hep3.pcap", frame: 1)
        var shortChunk = v3
        shortChunk[10] = 0; shortChunk[11] = 3  // first chunk length 3 (< its 6-byte header)
        #expect(throws: HEPError.malformed("HEP3 chunk length", 3)) { try shortChunk.withUnsafeBytes { try HEPPacket.parse($0) } }
        var longChunk = v3
        longChunk[10] = 0xFF; longChunk[11] = 0xFF
        #expect(throws: HEPError.self) { try longChunk.withUnsafeBytes { try HEPPacket.parse($0) } }
        var noAddresses = v3
        noAddresses[6] = 0x7F  // the first chunk (IP family) now of another vendor: skipped, IPv4 addresses still read
        #expect((try? noAddresses.withUnsafeBytes { try HEPPacket.parse($0) })?.flow.source.description == "127.0.0.1:5061")
        let v2Bad: [UInt8] = [2, 17, 2, 17, 0x13, 0xC4, 0x13, 0xC4] + [UInt8](repeating: 0, count: 40)
        #expect(throws: HEPError.malformed("HEP header length", 17)) { try v2Bad.withUnsafeBytes { try HEPPacket.parse($0) } }
    }

    /// The third run: Kamailio sends its HEPv3 over TCP (`;transport=tcp`); the capture of that
    /// stream gives the two calls, every mirrored message read once.
    @Test func hepVersion3OverTCPInACapture() throws {
        let hep = Fixtures.analyze([TestPaths.capture("hep/hep3-tcp.pcap")])
        #expect(hep.diagnostics.isEmpty, "\(hep.diagnostics)")
        #expect(hep.summary.hepMessages == 23 && hep.summary.sipMessages == 23)
        try #require(hep.calls.count == 2)
        #expect(hep.calls.map(\.callID) == ["hep3tcp-answered-1@127.0.0.1", "hep3tcp-busy-1@127.0.0.1"])
        #expect(hep.calls.map(\.outcome) == [.answered, .busy])
        #expect(hep.calls.map(\.endedBy) == [.caller, .callee])
        #expect(hep.calls.map(\.packets) == [13, 10])
        #expect(hep.calls.allSatisfy { $0.transport == "udp" })  // the calls' own transport, not HEP's
    }

    /// A TCP stream of Kamailio's 23 HEPv3 messages, after 7 bytes of garbage, cut into pieces of
    /// every size from 1 to 97 bytes: the framer gives back exactly the 23 messages.
    @Test func streamFramerCutsHEP3MessagesAtAnyBoundary() throws {
        var messages: [[UInt8]] = []
        for frame in 1...23 { messages.append(try Self.datagram("hep/hep3.pcap", frame: frame).payload) }
        let stream = Array("garbage".utf8) + messages.flatMap { $0 }
        for piece in [1, 2, 5, 6, 7, 64, 97] {
            var framer = HEPStreamFramer()
            var out: [[UInt8]] = []
            var offset = 0
            while offset < stream.count {
                let end = min(offset + piece, stream.count)
                let kept = Array(stream[offset..<end]).withUnsafeBytes { framer.append($0) }
                #expect(kept)
                framer.drain { out.append(Array($0)) }
                offset = end
            }
            #expect(out == messages, "pieces of \(piece)")
            #expect(framer.skippedBytes == 7)
            #expect(framer.bufferedByteCount == 0)
        }
        // A message cut short stays held; more than the limit is refused and dropped.
        var framer = HEPStreamFramer(limit: 1000)
        _ = Array(messages[0].prefix(100)).withUnsafeBytes { framer.append($0) }
        var none = 0
        framer.drain { _ in none += 1 }
        #expect(none == 0 && framer.bufferedByteCount == 100)
        #expect(!Array(repeating: UInt8(0x41), count: 901).withUnsafeBytes { framer.append($0) })
        #expect(framer.bufferedByteCount == 0)
    }
}
