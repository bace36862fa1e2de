import CallscopeBase
import PacketDecoding

/// The RTP streams of a run by (source, destination, SSRC).
typealias StreamTable<Value> = OpenHashTable<MediaAssociation.StreamKey, Value>

extension MediaAssociation.StreamKey: TableKey {
    var tableHash: Int { foldEndpoints(source, destination, UInt64(ssrc)) }
}

extension FlowKey: TableKey {
    public var tableHash: Int { foldEndpoints(source, destination, UInt64(transport.rawValue)) }
}

/// Two endpoints and a 32-bit value folded to 64 bits with a multiply-xor mix, seeded per
/// process with ``ByteHash/seed`` (addresses, ports and SSRCs are chosen by the senders).
private func foldEndpoints(_ source: Endpoint, _ destination: Endpoint, _ value: UInt64) -> Int {
    func fold(_ address: IPAddress) -> UInt64 {
        switch address {
        case .v4(let value): UInt64(value)
        case .v6(let high, let low): high ^ (low &* 0x9E37_79B9_7F4A_7C15)
        }
    }
    var h = (fold(source.address) ^ ByteHash.seed) &* 0xFF51_AFD7_ED55_8CCD
    h ^= fold(destination.address) &+ (UInt64(source.port) << 32 | UInt64(destination.port))
    h = (h ^ (h >> 33)) &* 0xC4CE_B9FE_1A85_EC53
    h ^= value &* 0x9E37_79B9_7F4A_7C15
    h ^= h >> 29
    return Int(truncatingIfNeeded: h)
}

