import CallscopeBase
import Testing
@testable import PacketDecoding
import TestSupport

@Suite("Malformed and truncated frames")
struct MalformedTests {
    /// Valid frames of every shape the decoder knows, with their link type.
    static let samples: [(String, LinkType, [UInt8])] = {
        let udp = Build.ipv4(proto: 17, Build.udp(sipTrying))
        let innerEthernet = Build.ethernet(type: 0x0800, pad: false, udp)
        let outer = { (proto: UInt8, payload: [UInt8]) in
            Build.ethernet(type: 0x0800, tags: [(0x88A8, 1), (0x8100, 2)], Build.ipv4(src: "192.0.2.1", dst: "192.0.2.2", proto: proto, payload))
        }
        return [
            ("qinq udp", .ethernet, Build.ethernet(type: 0x0800, tags: [(0x88A8, 1), (0x8100, 2)], pad: false, udp)),
            ("ipv6 extensions tcp", .ethernet, Build.ethernet(type: 0x86DD, pad: false, Build.ipv6(next: 6, extensions: [(0, [1, 4, 0, 0, 0, 0]), (43, [0, 0, 0, 0, 0, 0])], Build.tcp(seq: 1, sipTrying)))),
            ("sll sctp", .linuxSLL, Build.sll(protocol: 0x0800, Build.ipv4(proto: 132, Build.sctp(chunks: [Build.sctpData(tsn: 1, sipTrying), Build.sctpData(tsn: 2, sipTrying)])))),
            ("sll2 ipv6", .linuxSLL2, Build.sll2(protocol: 0x86DD, Build.ipv6(next: 17, Build.udp(sipTrying)))),
            ("null", .null, Build.le32(2) + udp),
            ("erspan2", .ethernet, outer(47, Build.erspan2(innerEthernet))),
            ("erspan3", .ethernet, outer(47, Build.erspan3(subheader: true, innerEthernet))),
            ("pptp", .ethernet, outer(47, Build.pptpGRE([0xFF, 0x03, 0x00, 0x21] + udp))),
            ("gtp-u", .ethernet, outer(17, Build.udp(sport: 2152, dport: 2152, Build.gtpu(extensions: true, Build.ipv6(next: 6, Build.tcp(seq: 9, sipTrying)))))),
            ("vxlan", .ethernet, outer(17, Build.udp(dport: 4789, Build.vxlan(innerEthernet)))),
            ("mpls", .ethernet, Build.ethernet(type: 0x8847, pad: false, Build.mpls(labels: [1, 2, 3], udp))),
            ("pppoe", .ethernet, Build.ethernet(type: 0x8864, pad: false, Build.pppoeSession(pppProtocol: 0x0021, udp))),
            ("ip in ip", .raw, Build.ipv6(next: 4, udp)),
            ("ipv6 fragment", .raw, Build.ipv6(next: 17, extensions: [Build.ipv6FragmentHeader(offset: 8, more: true, id: 1)], [UInt8](repeating: 0x41, count: 16))),
        ]
    }()

    /// Every prefix of every sample must throw or return, never crash; a prefix that cuts
    /// into the headers or the payload must throw a truncation error, and only the whole
    /// frame decodes to the full payload.
    @Test(arguments: samples.indices)
    func everyTruncationLength(sample: Int) throws {
        let (name, linkType, frame) = Self.samples[sample]
        let full = try decodeAll(frame, linkType)
        #expect(full.0 != .notTransport, "\(name)")
        for length in 0..<frame.count {
            var decoder = PacketDecoder()
            do {
                let (_, packets) = try decodeAll(Array(frame[0..<length]), linkType, decoder: &decoder)
                // A prefix may legitimately end on a boundary (e.g. after the first SCTP chunk), but never yields the full result.
                #expect(packets != full.1 || full.1.isEmpty, "\(name) prefix \(length)")
            } catch let error as PacketDecodingError {
                #expect(error.isTruncation, "\(name) prefix \(length): \(error)")
            }
        }
    }

    @Test func truncationMessages() throws {
        let ip = Build.ipv4(proto: 17, Build.udp(SIPSamples.inviteBytes))
        let short = #expect(throws: PacketDecodingError.self) { try decodeAll(Array(ip[0..<12]), .raw) }
        #expect(short?.description == "IPv4 header truncated (12 of 20 bytes)")
        let snapped = #expect(throws: PacketDecodingError.self) { try decodeAll(Array(ip[0..<96]), .raw) }
        #expect(snapped?.description == "IPv4 packet truncated (96 of \(ip.count) bytes)")
        #expect(snapped?.isTruncation == true)
    }

    /// Hand-made malformed headers (hex on purpose: the builder only makes valid ones).
    static let malformed: [(String, LinkType, [UInt8], String)] = [
        ("IHL below 5", .raw, [0x44, 0, 0, 20] + [UInt8](repeating: 0, count: 16), "IPv4 header length: 16"),
        ("total length below IHL", .raw, [0x45, 0, 0, 10] + [UInt8](repeating: 0, count: 16), "IPv4 total length shorter than its header: 10"),
        ("IP version 5", .raw, [0x55] + [UInt8](repeating: 0, count: 19), "IP version: 5"),
        ("UDP length 3", .raw, Build.ipv4(proto: 17, [0x13, 0xC4, 0x13, 0xC4, 0x00, 0x03, 0, 0]), "UDP length: 3"),
        ("TCP data offset 2", .raw, Build.ipv4(proto: 6, [0x13, 0xC4, 0x13, 0xC4, 0, 0, 0, 1, 0, 0, 0, 0, 0x20, 0x18, 0, 0, 0, 0, 0, 0]), "TCP data offset: 8"),
        ("SCTP chunk length 0", .raw, Build.ipv4(proto: 132, Build.sctp(chunks: [[0, 0, 0, 0, 1, 2, 3, 4]])), "SCTP chunk length: 0"),
        ("SCTP DATA too short", .raw, Build.ipv4(proto: 132, Build.sctp(chunks: [[0, 3, 0, 8, 1, 2, 3, 4]])), "SCTP DATA chunk length: 8"),
        ("GTP extension length 0", .raw, Build.ipv4(proto: 17, Build.udp(dport: 2152, [0x34, 0xFF, 0, 8, 0, 0, 0, 1, 0, 0, 0, 0x85, 0, 0, 0, 0])), "GTP-U extension header length: 0"),
        ("UDP longer than IP", .raw, Build.ipv4(proto: 17, [0x13, 0xC4, 0x13, 0xC4, 0x01, 0x00, 0, 0, 65, 65]), "UDP datagram truncated (10 of 256 bytes)"),
    ]

    @Test(arguments: malformed.indices)
    func malformedHeaders(index: Int) {
        let (name, linkType, frame, message) = Self.malformed[index]
        let error = #expect(throws: PacketDecodingError.self, "\(name)") { try decodeAll(frame, linkType) }
        #expect(error?.description == message, "\(name)")
    }

    /// Deterministic mutation fuzzing of the samples: random byte flips, insertions and cuts.
    @Test func mutatedFramesNeverCrash() {
        var rng = Xoshiro256(seed: 0x5EED)
        var decoded = 0
        var failed = 0
        var decoder = PacketDecoder()
        for iteration in 0..<20_000 {
            let (_, linkType, original) = Self.samples[iteration % Self.samples.count]
            var frame = original
            for _ in 0...(rng.next() % 6) {
                guard !frame.isEmpty else { break }
                let position = Int(rng.next() % UInt64(frame.count))
                switch rng.next() % 4 {
                case 0: frame[position] = UInt8(truncatingIfNeeded: rng.next())
                case 1: frame[position] ^= 1 << UInt8(rng.next() % 8)
                case 2: frame.insert(UInt8(truncatingIfNeeded: rng.next()), at: position)
                default: frame.removeSubrange(position..<min(frame.count, position + Int(rng.next() % 8)))
                }
            }
            do {
                if try decodeAll(frame, linkType, decoder: &decoder, timestamp: Int64(iteration)).0 == .decoded { decoded += 1 }
            } catch {
                failed += 1
            }
        }
        #expect(decoded + failed <= 20_000)
        #expect(decoded > 1_000)
    }
}
