import Testing
@testable import PacketDecoding
import TestSupport

@Suite("Link layers")
struct LinkLayerTests {
    @Test func ethernetIPv4UDP() throws {
        let frame = Build.ethernet(type: 0x0800, Build.ipv4(proto: 17, Build.udp(sport: 5061, dport: 5060, SIPSamples.inviteBytes)))
        let (disposition, packets) = try decodeAll(frame)
        #expect(disposition == .decoded)
        #expect(packets == [Decoded(flow: flow("10.0.0.1", 5061, "10.0.0.2", 5060), payload: SIPSamples.inviteBytes, tcp: nil)])
        #expect(packets.first?.flow.description == "udp 10.0.0.1:5061 -> 10.0.0.2:5060")
    }

    @Test func ethernetPaddingIsNotPayload() throws {
        // 2-byte payload: the frame is padded to 60 bytes, the IP total length tells where data ends.
        let frame = Build.ethernet(type: 0x0800, Build.ipv4(proto: 17, Build.udp(Array("\r\n".utf8))))
        #expect(frame.count == 60)
        let (_, packets) = try decodeAll(frame)
        #expect(packets.map(\.payload) == [Array("\r\n".utf8)])
    }

    static let tagStacks: [[UInt16]] = [
        [0x8100], [0x88A8, 0x8100], [0x9100, 0x8100], [0x88A8, 0x88A8, 0x8100, 0x8100],
    ]

    @Test(arguments: tagStacks)
    func vlanStacks(tpids: [UInt16]) throws {
        let tags = tpids.enumerated().map { ($0.element, UInt16(100 + $0.offset)) }
        let frame = Build.ethernet(type: 0x0800, tags: tags, Build.ipv4(proto: 17, Build.udp(SIPSamples.inviteBytes)))
        let (disposition, packets) = try decodeAll(frame)
        #expect(disposition == .decoded)
        #expect(packets == [Decoded(flow: defaultUDPFlow, payload: SIPSamples.inviteBytes)])
    }

    @Test func vlanIPv6() throws {
        let frame = Build.ethernet(type: 0x86DD, tags: [(0x8100, 7)], Build.ipv6(next: 17, Build.udp(sipTrying)))
        let (_, packets) = try decodeAll(frame)
        #expect(packets == [Decoded(flow: defaultIPv6Flow, payload: sipTrying)])
    }

    @Test func arpIsNotTransport() throws {
        let frame = Build.ethernet(type: 0x0806, [UInt8](repeating: 0, count: 28))
        let (disposition, packets) = try decodeAll(frame)
        #expect(disposition == .notTransport)
        #expect(packets.isEmpty)
    }

    @Test(arguments: [(0x0800 as UInt16, false), (0x86DD, true)])
    func linuxSLL(etherType: UInt16, ipv6: Bool) throws {
        let ip = ipv6 ? Build.ipv6(next: 17, Build.udp(SIPSamples.inviteBytes)) : Build.ipv4(proto: 17, Build.udp(SIPSamples.inviteBytes))
        let expected = [Decoded(flow: ipv6 ? defaultIPv6Flow : defaultUDPFlow, payload: SIPSamples.inviteBytes)]
        #expect(try decodeAll(Build.sll(protocol: etherType, ip), .linuxSLL).1 == expected)
        #expect(try decodeAll(Build.sll2(protocol: etherType, ip), .linuxSLL2).1 == expected)
    }

    @Test func linuxSLLWithVLAN() throws {
        let frame = Build.sll(protocol: 0x8100, Build.be16(42) + Build.be16(0x0800) + Build.ipv4(proto: 17, Build.udp(SIPSamples.inviteBytes)))
        #expect(try decodeAll(frame, .linuxSLL).1.map(\.payload) == [SIPSamples.inviteBytes])
    }

    /// BSD null in both host byte orders, and OpenBSD loop (network order), for AF_INET and every AF_INET6 value.
    @Test(arguments: [2 as UInt32, 24, 28, 30])
    func nullAndLoop(family: UInt32) throws {
        let ip = family == 2 ? Build.ipv4(proto: 17, Build.udp(SIPSamples.inviteBytes)) : Build.ipv6(next: 17, Build.udp(SIPSamples.inviteBytes))
        let expected = [Decoded(flow: family == 2 ? defaultUDPFlow : defaultIPv6Flow, payload: SIPSamples.inviteBytes)]
        #expect(try decodeAll(Build.le32(family) + ip, .null).1 == expected)
        #expect(try decodeAll(Build.be32(family) + ip, .null).1 == expected)
        #expect(try decodeAll(Build.be32(family) + ip, .loop).1 == expected)
    }

    @Test func nullUnknownFamily() throws {
        #expect(try decodeAll(Build.le32(7) + [0, 0, 0, 0], .null).0 == .notTransport)
    }

    @Test(arguments: [LinkType.raw, LinkType(rawValue: 12), LinkType(rawValue: 14)])
    func rawIP(linkType: LinkType) throws {
        #expect(try decodeAll(Build.ipv4(proto: 17, Build.udp(SIPSamples.inviteBytes)), linkType).1 == [Decoded(flow: defaultUDPFlow, payload: SIPSamples.inviteBytes)])
        #expect(try decodeAll(Build.ipv6(next: 17, Build.udp(SIPSamples.inviteBytes)), linkType).1 == [Decoded(flow: defaultIPv6Flow, payload: SIPSamples.inviteBytes)])
    }

    @Test func ipv4AndIPv6LinkTypes() throws {
        #expect(try decodeAll(Build.ipv4(proto: 17, Build.udp(SIPSamples.inviteBytes)), .ipv4).1.map(\.flow) == [defaultUDPFlow])
        #expect(try decodeAll(Build.ipv6(next: 17, Build.udp(SIPSamples.inviteBytes)), .ipv6).1.map(\.flow) == [defaultIPv6Flow])
        #expect(throws: PacketDecodingError.self) { try decodeAll(Build.ipv6(next: 17, Build.udp(SIPSamples.inviteBytes)), .ipv4) }
    }

    @Test func mplsLabelStack() throws {
        let frame = Build.ethernet(type: 0x8847, Build.mpls(labels: [16, 17, 18], Build.ipv4(proto: 17, Build.udp(SIPSamples.inviteBytes))))
        #expect(try decodeAll(frame).1 == [Decoded(flow: defaultUDPFlow, payload: SIPSamples.inviteBytes)])
        let v6 = Build.ethernet(type: 0x8847, Build.mpls(labels: [16], Build.ipv6(next: 17, Build.udp(SIPSamples.inviteBytes))))
        #expect(try decodeAll(v6).1.map(\.flow) == [defaultIPv6Flow])
    }

    @Test func mplsEthernetPseudowire() throws {
        let inner = Build.ethernet(type: 0x0800, Build.ipv4(proto: 17, Build.udp(SIPSamples.inviteBytes)))
        let frame = Build.ethernet(type: 0x8847, Build.mpls(labels: [16, 17], [0, 0, 0, 0] + inner))
        #expect(try decodeAll(frame).1.map(\.payload) == [SIPSamples.inviteBytes])
    }

    @Test func pppoeSession() throws {
        let v4 = Build.ethernet(type: 0x8864, Build.pppoeSession(pppProtocol: 0x0021, Build.ipv4(proto: 17, Build.udp(SIPSamples.inviteBytes))))
        #expect(try decodeAll(v4).1 == [Decoded(flow: defaultUDPFlow, payload: SIPSamples.inviteBytes)])
        let v6 = Build.ethernet(type: 0x8864, Build.pppoeSession(pppProtocol: 0x0057, Build.ipv6(next: 17, Build.udp(SIPSamples.inviteBytes))))
        #expect(try decodeAll(v6).1.map(\.flow) == [defaultIPv6Flow])
        let lcp = Build.ethernet(type: 0x8864, Build.pppoeSession(pppProtocol: 0xC021, [1, 1, 0, 4]))
        #expect(try decodeAll(lcp).0 == .notTransport)
    }

    @Test func unsupportedLinkTypeThrows() {
        let error = #expect(throws: PacketDecodingError.self) { try decodeAll([0, 1, 2], LinkType(rawValue: 147)) }
        #expect(error?.description == "unsupported link type 147 (see tcpdump.org/linktypes.html)")
        #expect(LinkType(rawValue: 147).isSupported == false)
        #expect(LinkType.linuxSLL2.isSupported)
    }
}
