import Testing
@testable import PacketDecoding
import TestSupport

/// Splits `datagram` (an IP payload) at the given byte offsets (multiples of 8).
func pieces(_ datagram: [UInt8], cuts: [Int]) -> [(offset: Int, more: Bool, bytes: [UInt8])] {
    let bounds = [0] + cuts + [datagram.count]
    return (0..<(bounds.count - 1)).map { index in
        (bounds[index], index < bounds.count - 2, Array(datagram[bounds[index]..<bounds[index + 1]]))
    }
}

func permutations<T>(_ items: [T]) -> [[T]] {
    guard items.count > 1 else { return [items] }
    return items.indices.flatMap { index -> [[T]] in
        var rest = items
        let head = rest.remove(at: index)
        return permutations(rest).map { [head] + $0 }
    }
}

@Suite("IP fragment reassembly")
struct FragmentTests {
    static let datagram = Build.udp(SIPSamples.inviteBytes)
    static let ipv4Pieces = pieces(datagram, cuts: [128, 256, 384])

    static func ipv4Frame(_ piece: (offset: Int, more: Bool, bytes: [UInt8]), id: UInt16 = 0x4242) -> [UInt8] {
        Build.ethernet(type: 0x0800, Build.ipv4(proto: 17, id: id, moreFragments: piece.more, fragmentOffset: piece.offset, piece.bytes))
    }

    /// Every order of four fragments gives the datagram once, at the frame that completes it.
    @Test(arguments: permutations([0, 1, 2, 3]))
    func ipv4AnyOrder(order: [Int]) throws {
        var decoder = PacketDecoder()
        var delivered: [Decoded] = []
        for (position, index) in order.enumerated() {
            let (disposition, packets) = try decodeAll(Self.ipv4Frame(Self.ipv4Pieces[index]), decoder: &decoder)
            #expect(disposition == (position == order.count - 1 ? .decoded : .fragmentHeld))
            delivered += packets
        }
        #expect(delivered == [Decoded(flow: defaultUDPFlow, payload: SIPSamples.inviteBytes)])
        #expect(decoder.pendingFragmentGroups == 0)
    }

    @Test func ipv4DuplicatesAndOverlap() throws {
        let data = Self.datagram
        let frames: [(Int, Bool, [UInt8])] = [
            (256, true, Array(data[256..<384])),
            (256, true, Array(data[256..<384])),  // duplicate
            (0, true, Array(data[0..<200])),  // not a multiple of 8: still accepted
            (96, true, Array(data[96..<304])),  // overlaps both neighbours
            (384, false, Array(data[384...])),
            (384, false, Array(data[384...])),  // duplicate of the last one after completion: a new, incomplete group
        ]
        var decoder = PacketDecoder()
        var dispositions: [FrameDisposition] = []
        var delivered: [Decoded] = []
        for piece in frames {
            let (disposition, packets) = try decodeAll(Self.ipv4Frame(piece), decoder: &decoder)
            dispositions.append(disposition)
            delivered += packets
        }
        #expect(dispositions == [.fragmentHeld, .fragmentHeld, .fragmentHeld, .fragmentHeld, .decoded, .fragmentHeld])
        #expect(delivered == [Decoded(flow: defaultUDPFlow, payload: SIPSamples.inviteBytes)])
    }

    @Test func differentIdentificationsAreKeptApart() throws {
        var decoder = PacketDecoder()
        let a = Self.ipv4Pieces
        var delivered: [Decoded] = []
        for frame in [Self.ipv4Frame(a[0], id: 1), Self.ipv4Frame(a[0], id: 2), Self.ipv4Frame(a[1], id: 1), Self.ipv4Frame(a[1], id: 2),
                      Self.ipv4Frame(a[2], id: 1), Self.ipv4Frame(a[3], id: 2), Self.ipv4Frame(a[3], id: 1), Self.ipv4Frame(a[2], id: 2)] {
            delivered += try decodeAll(frame, decoder: &decoder).1
        }
        #expect(delivered.count == 2)
        #expect(delivered.allSatisfy { $0.payload == SIPSamples.inviteBytes })
    }

    @Test(arguments: [[2, 0, 1], [1, 2, 0], [2, 1, 0]])
    func ipv6OutOfOrder(order: [Int]) throws {
        let parts = pieces(Self.datagram, cuts: [200, 400])
        var decoder = PacketDecoder()
        var delivered: [Decoded] = []
        var last: FrameDisposition?
        for index in order {
            let part = parts[index]
            let fragmentHeader = Build.ipv6FragmentHeader(offset: part.offset, more: part.more, id: 0xDEAD_BEEF)
            let frame = Build.ethernet(type: 0x86DD, Build.ipv6(next: 17, extensions: [(0, [1, 4, 0, 0, 0, 0]), fragmentHeader], part.bytes))
            let result = try decodeAll(frame, decoder: &decoder)
            last = result.0
            delivered += result.1
        }
        #expect(last == .decoded)
        #expect(delivered == [Decoded(flow: defaultIPv6Flow, payload: SIPSamples.inviteBytes)])
    }

    /// The fragmentable part may start with more extension headers (here destination options).
    @Test func ipv6FragmentableExtensionHeaders() throws {
        let datagram: [UInt8] = [17, 0, 1, 4, 0, 0, 0, 0] + Self.datagram  // destination options then UDP
        let parts = pieces(datagram, cuts: [304])
        var decoder = PacketDecoder()
        var delivered: [Decoded] = []
        for part in parts.reversed() {
            let frame = Build.ipv6(next: 60, extensions: [Build.ipv6FragmentHeader(offset: part.offset, more: part.more, id: 5)], part.bytes)
            delivered += try decodeAll(frame, .raw, decoder: &decoder).1
        }
        #expect(delivered == [Decoded(flow: defaultIPv6Flow, payload: SIPSamples.inviteBytes)])
    }

    @Test func timeoutDropsIncompleteDatagram() throws {
        var decoder = PacketDecoder()  // 30 s timeout
        let parts = Self.ipv4Pieces
        let second: Int64 = 1_000_000_000
        #expect(try decodeAll(Self.ipv4Frame(parts[0]), decoder: &decoder, timestamp: 0).0 == .fragmentHeld)
        #expect(try decodeAll(Self.ipv4Frame(parts[1]), decoder: &decoder, timestamp: 10 * second).0 == .fragmentHeld)
        #expect(try decodeAll(Self.ipv4Frame(parts[2]), decoder: &decoder, timestamp: 29 * second).0 == .fragmentHeld)
        // 31 s after the first fragment the group is gone: the last piece starts a new, incomplete group.
        #expect(try decodeAll(Self.ipv4Frame(parts[3]), decoder: &decoder, timestamp: 31 * second).0 == .fragmentHeld)
        #expect(decoder.droppedFragmentGroups == 1)
        #expect(decoder.pendingFragmentGroups == 1)
        var delivered: [Decoded] = []
        for index in 0..<3 {
            delivered += try decodeAll(Self.ipv4Frame(parts[index]), decoder: &decoder, timestamp: 32 * second).1
        }
        #expect(delivered.map(\.payload) == [SIPSamples.inviteBytes])
    }

    @Test func pendingGroupLimitEvictsOldest() throws {
        var decoder = PacketDecoder(configuration: .init(maxPendingFragmentGroups: 2))
        let parts = Self.ipv4Pieces
        for (id, time) in [(1, 10), (2, 20), (3, 30)] as [(UInt16, Int64)] {
            _ = try decodeAll(Self.ipv4Frame(parts[0], id: id), decoder: &decoder, timestamp: time)
        }
        #expect(decoder.pendingFragmentGroups == 2)
        #expect(decoder.droppedFragmentGroups == 1)
        var completed: [UInt16] = []
        for id in [2, 3, 1] as [UInt16] {
            var delivered = 0
            for index in 1..<4 { delivered += try decodeAll(Self.ipv4Frame(parts[index], id: id), decoder: &decoder, timestamp: 40).1.count }
            if delivered == 1 { completed.append(id) }
        }
        #expect(completed == [2, 3])
    }

    @Test func oversizedDatagramIsRejected() throws {
        var decoder = PacketDecoder()
        let frame = Build.ipv4(proto: 17, moreFragments: false, fragmentOffset: 65_528, [UInt8](repeating: 0, count: 16))
        let error = #expect(throws: PacketDecodingError.self) { try decodeAll(frame, .raw, decoder: &decoder) }
        #expect(error?.description == "reassembled IP datagram larger than the limit, fragment ends at byte: 65544")
    }

    @Test func inconsistentLastFragmentsAreRejected() throws {
        var decoder = PacketDecoder()
        _ = try decodeAll(Build.ipv4(proto: 17, fragmentOffset: 800, [UInt8](repeating: 1, count: 8)), .raw, decoder: &decoder)
        #expect(throws: PacketDecodingError.self) {
            try decodeAll(Build.ipv4(proto: 17, fragmentOffset: 808, [UInt8](repeating: 1, count: 8)), .raw, decoder: &decoder)
        }
    }

    @Test func fragmentsInsideGRE() throws {
        var decoder = PacketDecoder()
        var delivered: [Decoded] = []
        for piece in Self.ipv4Pieces.reversed() {
            let inner = Build.ipv4(proto: 17, moreFragments: piece.more, fragmentOffset: piece.offset, piece.bytes)
            let frame = Build.ethernet(type: 0x0800, Build.ipv4(src: "192.0.2.1", dst: "192.0.2.2", proto: 47, Build.gre(protocolType: 0x0800, inner)))
            delivered += try decodeAll(frame, decoder: &decoder).1
        }
        #expect(delivered == [Decoded(flow: defaultUDPFlow, payload: SIPSamples.inviteBytes)])
    }
}
