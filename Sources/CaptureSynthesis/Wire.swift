/// Ethernet II + IPv4 + UDP headers written in place, with a correct IPv4 header checksum.
///
/// Why in place: every packet is built in one reused buffer, so the fast path allocates
/// nothing. IPv4 per RFC 791 (IHL 5, DF set, TTL 64, checksum RFC 1071); UDP per
/// RFC 768 with checksum 0 ("not computed", allowed over IPv4). MAC addresses are
/// `02:00:` + the IPv4 address (locally administered, IEEE 802 "U/L" bit set).
enum Wire {
    /// Bytes before the UDP payload: 14 Ethernet + 20 IPv4 + 8 UDP.
    static let headerLength = 42
    /// DSCP CS3 for SIP, EF for RTP/RTCP (RFC 4594 §4.2, §4.3), in the IPv4 TOS byte.
    static let tosSignalling: UInt8 = 0x60
    static let tosMedia: UInt8 = 0xB8

    /// Writes the 42 header bytes for a UDP payload of `payloadLength` bytes at `p`.
    @inline(__always)
    static func writeHeaders(
        _ p: UnsafeMutableRawPointer,
        source: IPv4, sourcePort: UInt16,
        destination: IPv4, destinationPort: UInt16,
        payloadLength: Int, tos: UInt8, identification: UInt16
    ) {
        // Ethernet II: destination MAC, source MAC, EtherType IPv4.
        p.storeBytes(of: UInt16(0x0200).bigEndian, toByteOffset: 0, as: UInt16.self)
        p.storeBytes(of: destination.value.bigEndian, toByteOffset: 2, as: UInt32.self)
        p.storeBytes(of: UInt16(0x0200).bigEndian, toByteOffset: 6, as: UInt16.self)
        p.storeBytes(of: source.value.bigEndian, toByteOffset: 8, as: UInt32.self)
        p.storeBytes(of: UInt16(0x0800).bigEndian, toByteOffset: 12, as: UInt16.self)

        let totalLength = UInt16(truncatingIfNeeded: 28 + payloadLength)
        let versionTOS = UInt16(0x4500) | UInt16(tos)
        let flags: UInt16 = 0x4000  // DF, offset 0
        let ttlProtocol: UInt16 = 0x4011  // TTL 64, UDP
        var sum = UInt32(versionTOS) + UInt32(totalLength) + UInt32(identification) + UInt32(flags)
            + UInt32(ttlProtocol)
        sum += (source.value >> 16) + (source.value & 0xFFFF)
        sum += (destination.value >> 16) + (destination.value & 0xFFFF)
        sum = (sum & 0xFFFF) + (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16)
        let checksum = ~UInt16(truncatingIfNeeded: sum)

        p.storeBytes(of: versionTOS.bigEndian, toByteOffset: 14, as: UInt16.self)
        p.storeBytes(of: totalLength.bigEndian, toByteOffset: 16, as: UInt16.self)
        p.storeBytes(of: identification.bigEndian, toByteOffset: 18, as: UInt16.self)
        p.storeBytes(of: flags.bigEndian, toByteOffset: 20, as: UInt16.self)
        p.storeBytes(of: ttlProtocol.bigEndian, toByteOffset: 22, as: UInt16.self)
        p.storeBytes(of: checksum.bigEndian, toByteOffset: 24, as: UInt16.self)
        p.storeBytes(of: source.value.bigEndian, toByteOffset: 26, as: UInt32.self)
        p.storeBytes(of: destination.value.bigEndian, toByteOffset: 30, as: UInt32.self)

        // UDP.
        p.storeBytes(of: sourcePort.bigEndian, toByteOffset: 34, as: UInt16.self)
        p.storeBytes(of: destinationPort.bigEndian, toByteOffset: 36, as: UInt16.self)
        p.storeBytes(of: UInt16(truncatingIfNeeded: 8 + payloadLength).bigEndian, toByteOffset: 38, as: UInt16.self)
        p.storeBytes(of: UInt16(0), toByteOffset: 40, as: UInt16.self)
    }
}
