/// Test-only frame composer: builds link, IP, tunnel and transport headers with
/// correct lengths around a payload, so tests state *what* a frame holds instead of
/// pasting hex dumps. Checksums are left at zero (the decoder does not verify them).
/// Literal test arguments only: addresses that do not parse trap.
public enum Build {
    // MARK: Byte helpers

    public static func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
    public static func be32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
    public static func le16(_ value: UInt16) -> [UInt8] { be16(value).reversed() }
    public static func le32(_ value: UInt32) -> [UInt8] { be32(value).reversed() }

    public static func ipv4Address(_ text: String) -> UInt32 {
        text.split(separator: ".").reduce(UInt32(0)) { $0 << 8 | UInt32($1)! }
    }

    /// 16 bytes of an IPv6 address written as eight groups, `::` allowed once.
    public static func ipv6Bytes(_ text: String) -> [UInt8] {
        let halves = text.components(separatedBy: "::")
        func groups(_ part: String) -> [UInt16] {
            part.isEmpty ? [] : part.split(separator: ":").map { UInt16($0, radix: 16)! }
        }
        var all = groups(halves[0])
        if halves.count == 2 {
            let tail = groups(halves[1])
            all += [UInt16](repeating: 0, count: 8 - all.count - tail.count) + tail
        }
        return all.flatMap { be16($0) }
    }

    // MARK: Link layers

    public static let macA: [UInt8] = [0x00, 0x11, 0x22, 0x33, 0x44, 0x55]
    public static let macB: [UInt8] = [0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB]

    /// Ethernet II with optional VLAN tags (outermost first, each `(tpid, vlanID)`), padded to 60 bytes like a NIC would.
    public static func ethernet(type: UInt16, tags: [(UInt16, UInt16)] = [], pad: Bool = true, _ payload: [UInt8]) -> [UInt8] {
        var frame = macA + macB
        for (tpid, vid) in tags { frame += be16(tpid) + be16(vid & 0x0FFF) }
        frame += be16(type) + payload
        if pad, frame.count < 60 { frame += [UInt8](repeating: 0, count: 60 - frame.count) }
        return frame
    }

    /// LINKTYPE_LINUX_SLL: packet type 0 (to us), ARPHRD_ETHER, 6-byte address.
    public static func sll(protocol proto: UInt16, _ payload: [UInt8]) -> [UInt8] {
        be16(0) + be16(1) + be16(6) + macA + [0, 0] + be16(proto) + payload
    }

    /// LINKTYPE_LINUX_SLL2: protocol, reserved, ifindex 2, ARPHRD_ETHER, packet type 4 (outgoing), address.
    public static func sll2(protocol proto: UInt16, _ payload: [UInt8]) -> [UInt8] {
        be16(proto) + be16(0) + be32(2) + be16(1) + [4, 6] + macA + [0, 0] + payload
    }

    public static func mpls(labels: [UInt32], _ payload: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for (index, label) in labels.enumerated() {
            let bottom: UInt32 = index == labels.count - 1 ? 0x100 : 0
            out += be32(label << 12 | bottom | 64)
        }
        return out + payload
    }

    public static func pppoeSession(pppProtocol: UInt16, _ payload: [UInt8]) -> [UInt8] {
        let ppp = be16(pppProtocol) + payload
        return [0x11, 0x00] + be16(0x1234) + be16(UInt16(ppp.count)) + ppp
    }

    // MARK: IP

    public static func ipv4(
        src: String = "10.0.0.1", dst: String = "10.0.0.2", proto: UInt8, id: UInt16 = 0x4242,
        moreFragments: Bool = false, fragmentOffset: Int = 0, options: [UInt8] = [], _ payload: [UInt8]
    ) -> [UInt8] {
        precondition(options.count % 4 == 0)
        let headerLength = 20 + options.count
        let flags: UInt16 = (moreFragments ? 0x2000 : 0) | UInt16(fragmentOffset / 8)
        var header: [UInt8] = [0x40 | UInt8(headerLength / 4), 0]
        header += be16(UInt16(headerLength + payload.count)) + be16(id) + be16(flags)
        header += [64, proto] + [0, 0] + be32(ipv4Address(src)) + be32(ipv4Address(dst)) + options
        return header + payload
    }

    /// IPv6 with extension headers given as `(type, body)`; each body is padded to a multiple of 8 bytes with its 2-byte prefix.
    public static func ipv6(
        src: String = "2001:db8::1", dst: String = "2001:db8::2", next: UInt8,
        extensions: [(UInt8, [UInt8])] = [], _ payload: [UInt8]
    ) -> [UInt8] {
        var chain: [UInt8] = []
        let types = extensions.map(\.0) + [next]
        for (index, (type, body)) in extensions.enumerated() {
            let nextType = types[index + 1]
            if type == 44 {  // fragment header: fixed 8 bytes, body is the last 6
                chain += [nextType, 0] + body
            } else if type == 51 {  // AH: length in 4-byte words minus 2
                let total = 2 + body.count
                chain += [nextType, UInt8(total / 4 - 2)] + body
            } else {
                var padded = body
                while (padded.count + 2) % 8 != 0 { padded.append(0) }
                chain += [nextType, UInt8((padded.count + 2) / 8 - 1)] + padded
            }
        }
        let first = extensions.first?.0 ?? next
        let body = chain + payload
        return [0x60, 0, 0, 0] + be16(UInt16(body.count)) + [first, 64] + ipv6Bytes(src) + ipv6Bytes(dst) + body
    }

    public static func ipv6FragmentHeader(offset: Int, more: Bool, id: UInt32) -> (UInt8, [UInt8]) {
        (44, be16(UInt16(offset) | (more ? 1 : 0)) + be32(id))
    }

    // MARK: Transport

    public static func udp(sport: UInt16 = 5060, dport: UInt16 = 5060, _ payload: [UInt8]) -> [UInt8] {
        be16(sport) + be16(dport) + be16(UInt16(8 + payload.count)) + [0, 0] + payload
    }

    public static func tcp(
        sport: UInt16 = 5060, dport: UInt16 = 5060, seq: UInt32, ack: UInt32 = 0, flags: UInt8 = 0x18,
        options: [UInt8] = [], _ payload: [UInt8]
    ) -> [UInt8] {
        let offset = UInt8((20 + options.count) / 4) << 4
        return be16(sport) + be16(dport) + be32(seq) + be32(ack) + [offset, flags] + be16(65535) + [0, 0, 0, 0]
            + options + payload
    }

    public static func sctpData(tsn: UInt32, _ payload: [UInt8]) -> [UInt8] {
        var chunk: [UInt8] = [0, 0x03] + be16(UInt16(16 + payload.count)) + be32(tsn) + be16(0) + be16(0) + be32(0)
        chunk += payload
        while chunk.count % 4 != 0 { chunk.append(0) }
        return chunk
    }

    public static func sctp(sport: UInt16 = 5060, dport: UInt16 = 5060, chunks: [[UInt8]]) -> [UInt8] {
        be16(sport) + be16(dport) + be32(0xCAFE_F00D) + be32(0) + chunks.flatMap { $0 }
    }

    // MARK: Tunnels

    public static func gre(protocolType: UInt16, checksum: Bool = false, key: UInt32? = nil, sequence: UInt32? = nil, _ payload: [UInt8]) -> [UInt8] {
        var flags: UInt16 = 0
        var fields: [UInt8] = []
        if checksum { flags |= 0x8000; fields += [0, 0, 0, 0] }
        if let key { flags |= 0x2000; fields += be32(key) }
        if let sequence { flags |= 0x1000; fields += be32(sequence) }
        return be16(flags) + be16(protocolType) + fields + payload
    }

    /// Enhanced GRE (PPTP, RFC 2637): version 1, key = payload length + call ID, optional sequence.
    public static func pptpGRE(_ ppp: [UInt8], sequence: UInt32? = 7) -> [UInt8] {
        var flags: UInt16 = 0x2001
        var fields = be16(UInt16(ppp.count)) + be16(0x0101)
        if let sequence { flags |= 0x1000; fields += be32(sequence) }
        return be16(flags) + be16(0x880B) + fields + ppp
    }

    public static func erspan2(_ ethernet: [UInt8]) -> [UInt8] {
        gre(protocolType: 0x88BE, sequence: 1, [0x10, 0x64, 0x00, 0x01, 0, 0, 0, 0] + ethernet)
    }

    public static func erspan3(subheader: Bool, _ ethernet: [UInt8]) -> [UInt8] {
        var header: [UInt8] = [0x20, 0x64, 0x00, 0x01] + be32(0x1234_5678) + [0, 0, 0, subheader ? 1 : 0]
        if subheader { header += [UInt8](repeating: 0xAB, count: 8) }
        return gre(protocolType: 0x22EB, sequence: 1, header + ethernet)
    }

    /// GTP-U G-PDU; `extensions` adds the optional fields and a PDU session container extension header.
    public static func gtpu(extensions: Bool = false, _ inner: [UInt8]) -> [UInt8] {
        var body: [UInt8] = []
        var flags: UInt8 = 0x30
        if extensions {
            flags |= 0x04
            body += be16(0) + [0, 0x85]  // sequence, N-PDU, next: PDU session container
            body += [1, 0x00, 0x01, 0x00]  // length 1 (4 bytes), content, next type 0
        }
        body += inner
        return [flags, 0xFF] + be16(UInt16(body.count)) + be32(0x0000_0001) + body
    }

    public static func vxlan(_ ethernet: [UInt8]) -> [UInt8] {
        [0x08, 0, 0, 0] + [0x00, 0x10, 0x00, 0x00] + ethernet
    }

    // MARK: Files and streams

    /// A classic little-endian pcap file (magic a1b2c3d4, or a1b23c4d for nanoseconds) holding `records`.
    public static func pcapFile(linkType: UInt32 = 1, nanosecond: Bool = false, records: [(seconds: UInt32, fraction: UInt32, data: [UInt8])]) -> [UInt8] {
        var bytes = le32(nanosecond ? 0xA1B2_3C4D : 0xA1B2_C3D4) + le16(2) + le16(4) + le32(0) + le32(0) + le32(65535) + le32(linkType)
        for record in records {
            bytes += le32(record.seconds) + le32(record.fraction) + le32(UInt32(record.data.count)) + le32(UInt32(record.data.count + 4))
            bytes += record.data
        }
        return bytes
    }

    /// A WebSocket frame as RFC 6455 §5.2 lays it out. `length` forces the length form: 7-bit,
    /// 16-bit (126) or 64-bit (127), minimal or not; `mask` masks the payload (client to server).
    public static func webSocketFrame(
        _ opcode: UInt8, _ payload: [UInt8], fin: Bool = true, mask: [UInt8]? = nil,
        length: Int? = nil, rsv: UInt8 = 0
    ) -> [UInt8] {
        var bytes: [UInt8] = [(fin ? 0x80 : 0) | (rsv << 4) | opcode]
        let maskBit: UInt8 = mask == nil ? 0 : 0x80
        let form = length ?? (payload.count < 126 ? 7 : payload.count < 65536 ? 16 : 64)
        switch form {
        case 7: bytes.append(maskBit | UInt8(payload.count))
        case 16: bytes += [maskBit | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        default:
            bytes.append(maskBit | 127)
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8((UInt64(payload.count) >> UInt64(shift)) & 0xFF)) }
        }
        guard let mask else { return bytes + payload }
        return bytes + mask + payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
    }
}
