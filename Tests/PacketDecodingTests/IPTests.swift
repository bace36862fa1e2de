import Testing
@testable import PacketDecoding
import TestSupport

@Suite("IPv4 and IPv6")
struct IPTests {
    @Test func ipv4Options() throws {
        // Router alert + NOP padding: IHL 6.
        let frame = Build.ethernet(type: 0x0800, Build.ipv4(proto: 17, options: [0x94, 0x04, 0, 0], Build.udp(SIPSamples.inviteBytes)))
        #expect(try decodeAll(frame).1 == [Decoded(flow: defaultUDPFlow, payload: SIPSamples.inviteBytes)])
    }

    @Test func ipv4TotalLengthZeroMeansCapturedLength() throws {
        // Segmentation offload captures carry total length 0.
        var ip = Build.ipv4(proto: 17, Build.udp(SIPSamples.inviteBytes))
        ip[2] = 0
        ip[3] = 0
        #expect(try decodeAll(ip, .raw).1.map(\.payload) == [SIPSamples.inviteBytes])
    }

    static let extensionChains: [[UInt8]] = [[0], [43], [60], [51], [0, 43, 60], [0, 60, 51, 60]]

    @Test(arguments: extensionChains)
    func ipv6ExtensionHeaders(types: [UInt8]) throws {
        let extensions: [(UInt8, [UInt8])] = types.map { type in
            switch type {
            case 43: return (43, [0, 0, 0, 0, 0, 0] + Build.ipv6Bytes("2001:db8::99"))  // type 0 routing, 1 address
            case 51: return (51, [0, 0] + Build.be32(0x100) + Build.be32(1) + [UInt8](repeating: 0xEE, count: 12))
            default: return (type, [1, 4, 0, 0, 0, 0])  // PadN
            }
        }
        let frame = Build.ethernet(type: 0x86DD, Build.ipv6(next: 17, extensions: extensions, Build.udp(SIPSamples.inviteBytes)))
        #expect(try decodeAll(frame).1 == [Decoded(flow: defaultIPv6Flow, payload: SIPSamples.inviteBytes)])
    }

    @Test func ipv6NoNextHeader() throws {
        let frame = Build.ethernet(type: 0x86DD, Build.ipv6(next: 59, extensions: [(60, [1, 4, 0, 0, 0, 0])], []))
        #expect(try decodeAll(frame).0 == .notTransport)
    }

    @Test func ipv6AtomicFragment() throws {
        let frame = Build.ipv6(next: 17, extensions: [Build.ipv6FragmentHeader(offset: 0, more: false, id: 9)], Build.udp(SIPSamples.inviteBytes))
        #expect(try decodeAll(frame, .ipv6) .1.map(\.payload) == [SIPSamples.inviteBytes])
    }

    @Test func icmpIsNotTransport() throws {
        #expect(try decodeAll(Build.ipv4(proto: 1, [8, 0, 0, 0, 0, 1, 0, 1]), .raw).0 == .notTransport)
        #expect(try decodeAll(Build.ipv6(next: 58, [128, 0, 0, 0, 0, 1, 0, 1]), .raw).0 == .notTransport)
    }

    @Test func ipv4InIPv6AndIPv6InIPv4() throws {
        let v4inv6 = Build.ipv6(next: 4, Build.ipv4(proto: 17, Build.udp(SIPSamples.inviteBytes)))
        #expect(try decodeAll(v4inv6, .raw).1 == [Decoded(flow: defaultUDPFlow, payload: SIPSamples.inviteBytes)])
        let v6inv4 = Build.ethernet(type: 0x0800, Build.ipv4(src: "192.0.2.1", dst: "192.0.2.2", proto: 41, Build.ipv6(next: 17, Build.udp(SIPSamples.inviteBytes))))
        #expect(try decodeAll(v6inv4).1 == [Decoded(flow: defaultIPv6Flow, payload: SIPSamples.inviteBytes)])
    }

    @Test func ipInIPUsesInnerAddresses() throws {
        let inner = Build.ipv4(src: "172.16.0.10", dst: "172.16.0.20", proto: 17, Build.udp(sport: 5090, dport: 5060, sipTrying))
        let frame = Build.ethernet(type: 0x0800, Build.ipv4(src: "192.0.2.1", dst: "192.0.2.2", proto: 4, inner))
        #expect(try decodeAll(frame).1 == [Decoded(flow: flow("172.16.0.10", 5090, "172.16.0.20", 5060), payload: sipTrying)])
    }
}

@Suite("Addresses")
struct AddressTests {
    static let canonical: [(String, String)] = [
        ("2001:db8:0:0:0:0:0:1", "2001:db8::1"),
        ("2001:0db8:0000:0000:0001:0000:0000:0001", "2001:db8::1:0:0:1"),  // first of two equal runs
        ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),  // a single zero group stays
        ("0:0:0:0:0:0:0:1", "::1"),
        ("0:0:0:0:0:0:0:0", "::"),
        ("fe80:0:0:0:0:0:0:0", "fe80::"),
        ("2001:db8:0:0:1:0:0:0", "2001:db8:0:0:1::"),  // longest run wins
        ("0:0:0:0:0:ffff:c000:201", "::ffff:192.0.2.1"),
        ("2001:DB8:AAAA:BBBB:CCCC:DDDD:EEEE:1", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1"),
    ]

    @Test(arguments: canonical)
    func ipv6Text(input: String, expected: String) {
        #expect(Build.ipv6Address(input.lowercased()).description == expected)
    }

    @Test func ipv4AndEndpointText() {
        #expect(IPAddress.v4(0x7F00_0001).description == "127.0.0.1")
        #expect(IPAddress.v4(0xFFFF_FFFF).description == "255.255.255.255")
        #expect(IPAddress.v4(0x0009_0A63).description == "0.9.10.99")  // one, two and three digits
        #expect(IPAddress.v4(0x64C8_0001).description == "100.200.0.1")
        #expect(Endpoint(address: .v4(0x7F00_0001), port: 5060).description == "127.0.0.1:5060")
        #expect(Endpoint(address: .v6(0, 1), port: 5060).description == "[::1]:5060")
    }

    @Test func flowKeyReversed() {
        let key = flow("10.0.0.1", 5061, "10.0.0.2", 5060, .tcp)
        #expect(key.reversed == flow("10.0.0.2", 5060, "10.0.0.1", 5061, .tcp))
        #expect(key.reversed.reversed == key)
        #expect(Set([key, key.reversed, key]).count == 2)
    }
}
