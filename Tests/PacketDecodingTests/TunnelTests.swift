import Testing
@testable import PacketDecoding
import TestSupport

@Suite("Tunnels")
struct TunnelTests {
    static let innerEthernet = Build.ethernet(type: 0x0800, Build.ipv4(proto: 17, Build.udp(SIPSamples.inviteBytes)))
    static let expected = [Decoded(flow: defaultUDPFlow, payload: SIPSamples.inviteBytes)]

    static func outer(proto: UInt8, _ payload: [UInt8]) -> [UInt8] {
        Build.ethernet(type: 0x0800, Build.ipv4(src: "192.0.2.1", dst: "192.0.2.2", proto: proto, payload))
    }

    @Test(arguments: [(false, nil, nil), (true, nil, nil), (false, 0xABCD as UInt32?, nil), (true, 7 as UInt32?, 99 as UInt32?)] as [(Bool, UInt32?, UInt32?)])
    func greFlags(checksum: Bool, key: UInt32?, sequence: UInt32?) throws {
        let ip = Build.ipv4(proto: 17, Build.udp(SIPSamples.inviteBytes))
        let frame = Self.outer(proto: 47, Build.gre(protocolType: 0x0800, checksum: checksum, key: key, sequence: sequence, ip))
        #expect(try decodeAll(frame).1 == Self.expected)
    }

    @Test func greIPv6AndTransparentEthernet() throws {
        let v6 = Self.outer(proto: 47, Build.gre(protocolType: 0x86DD, key: 1, Build.ipv6(next: 17, Build.udp(SIPSamples.inviteBytes))))
        #expect(try decodeAll(v6).1 == [Decoded(flow: defaultIPv6Flow, payload: SIPSamples.inviteBytes)])
        let teb = Self.outer(proto: 47, Build.gre(protocolType: 0x6558, key: 1, Self.innerEthernet))
        #expect(try decodeAll(teb).1 == Self.expected)
    }

    @Test func greOverIPv6() throws {
        let frame = Build.ethernet(type: 0x86DD, Build.ipv6(src: "2001:db8::a", dst: "2001:db8::b", next: 47,
                                                            Build.gre(protocolType: 0x0800, Build.ipv4(proto: 17, Build.udp(SIPSamples.inviteBytes)))))
        #expect(try decodeAll(frame).1 == Self.expected)
    }

    @Test func enhancedGREWithPPP() throws {
        // VLAN + GRE v1 (PPTP) + PPP with address/control, and with protocol field compression.
        let full = [0xFF, 0x03, 0x00, 0x21] + Build.ipv4(proto: 17, Build.udp(sipTrying))
        let compressed = [0x21] + Build.ipv4(proto: 17, Build.udp(sipTrying))
        for ppp in [full, compressed] {
            for sequence in [7, nil] as [UInt32?] {
                let frame = Build.ethernet(type: 0x0800, tags: [(0x8100, 5)],
                                           Build.ipv4(src: "192.0.2.1", dst: "192.0.2.2", proto: 47, Build.pptpGRE(ppp, sequence: sequence)))
                #expect(try decodeAll(frame).1 == [Decoded(flow: defaultUDPFlow, payload: sipTrying)])
            }
        }
    }

    @Test func erspanTypeII() throws {
        #expect(try decodeAll(Self.outer(proto: 47, Build.erspan2(Self.innerEthernet))).1 == Self.expected)
    }

    @Test func erspanTypeIWithoutSequence() throws {
        let frame = Self.outer(proto: 47, Build.gre(protocolType: 0x88BE, Self.innerEthernet))
        #expect(try decodeAll(frame).1 == Self.expected)
    }

    @Test(arguments: [false, true])
    func erspanTypeIII(subheader: Bool) throws {
        let tagged = Build.ethernet(type: 0x0800, tags: [(0x8100, 10)], Build.ipv4(proto: 17, Build.udp(SIPSamples.inviteBytes)))
        #expect(try decodeAll(Self.outer(proto: 47, Build.erspan3(subheader: subheader, tagged))).1 == Self.expected)
    }

    @Test(arguments: [false, true])
    func gtpU(extensions: Bool) throws {
        let inner = Build.ipv6(src: "2001:db8:1::10", dst: "2001:db8:2::20", next: 6,
                               Build.tcp(sport: 40000, dport: 5060, seq: 1000, ack: 5, SIPSamples.inviteBytes))
        let frame = Build.sll(protocol: 0x0800, Build.ipv4(src: "192.0.2.1", dst: "192.0.2.2", proto: 17,
                                                           Build.udp(sport: 2152, dport: 2152, Build.gtpu(extensions: extensions, inner))))
        let (disposition, packets) = try decodeAll(frame, .linuxSLL)
        #expect(disposition == .decoded)
        #expect(packets == [Decoded(flow: flow("2001:db8:1::10", 40000, "2001:db8:2::20", 5060, .tcp), payload: SIPSamples.inviteBytes,
                                    tcp: TCPSegmentInfo(sequence: 1000, acknowledgment: 5, flags: 0x18))])
    }

    @Test func gtpEchoIsPlainUDP() throws {
        let echo: [UInt8] = [0x32, 0x01] + Build.be16(4) + Build.be32(0) + [0, 1, 0, 0]
        let (_, packets) = try decodeAll(Self.outer(proto: 17, Build.udp(sport: 2152, dport: 2152, echo)))
        #expect(packets.map(\.flow) == [flow("192.0.2.1", 2152, "192.0.2.2", 2152)])
        #expect(packets.map(\.payload) == [echo])
    }

    @Test func vxlan() throws {
        let frame = Self.outer(proto: 17, Build.udp(sport: 49152, dport: 4789, Build.vxlan(Self.innerEthernet)))
        #expect(try decodeAll(frame).1 == Self.expected)
    }

    /// Only an exact VXLAN header (flags 0x08, reserved bytes zero) is decapsulated;
    /// anything else sent to port 4789, such as SIP, is plain UDP.
    @Test(arguments: [
        SIPSamples.inviteBytes,
        [0x0C, 0, 0, 0, 0x00, 0x10, 0x00, 0x00] + innerEthernet,  // a reserved flag bit set
        [0x08, 0, 0, 1, 0x00, 0x10, 0x00, 0x00] + innerEthernet,  // reserved byte 3 set
        [0x08, 0, 0, 0, 0x00, 0x10, 0x00, 0x01] + innerEthernet,  // reserved byte 7 set
    ])
    func notVXLANOnPort4789(payload: [UInt8]) throws {
        let frame = Self.outer(proto: 17, Build.udp(sport: 5060, dport: 4789, payload))
        let (disposition, packets) = try decodeAll(frame)
        #expect(disposition == .decoded)
        #expect(packets == [Decoded(flow: flow("192.0.2.1", 5060, "192.0.2.2", 4789), payload: payload)])
    }

    @Test func tunnelNestingIsBounded() throws {
        var packet = Build.ipv4(proto: 17, Build.udp(SIPSamples.inviteBytes))
        for _ in 0..<20 { packet = Build.ipv4(proto: 4, packet) }
        let error = #expect(throws: PacketDecodingError.self) { try decodeAll(packet, .raw) }
        #expect(error?.description == "more than 8 nested encapsulations")
        var shallow = Build.ipv4(proto: 17, Build.udp(SIPSamples.inviteBytes))
        for _ in 0..<8 { shallow = Build.ipv4(proto: 4, shallow) }
        #expect(try decodeAll(shallow, .raw).1 == Self.expected)
    }
}
