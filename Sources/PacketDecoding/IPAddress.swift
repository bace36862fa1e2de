/// An IPv4 or IPv6 address held as integers, cheap to hash and compare.
///
/// IPv4 is the 32-bit address in host integer form (`0x7F000001` is 127.0.0.1, RFC 791);
/// IPv6 is the 128-bit address split in two 64-bit halves, high half first (RFC 8200).
/// `description` prints the dotted quad, or the canonical IPv6 text of RFC 5952
/// (lower case, no leading zeros, longest run of zero groups as `::`, IPv4-mapped
/// addresses as `::ffff:192.0.2.1`). Building the text allocates: do it for output only.
public enum IPAddress: Hashable, Sendable, CustomStringConvertible {
    case v4(UInt32)
    case v6(UInt64, UInt64)

    /// `true` for IPv6 addresses.
    public var isIPv6: Bool {
        if case .v6 = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .v4(let value):
            return Self.dottedQuad(value)
        case .v6(let high, let low):
            return Self.ipv6Text(high: high, low: low)
        }
    }

    /// Written digit by digit: through string interpolation it cost about 2,000 instructions,
    /// once per endpoint of every SIP flow (docs/performance.md "SIP steps (session 8)").
    private static func dottedQuad(_ value: UInt32) -> String {
        String(unsafeUninitializedCapacity: 15) { out in
            var k = 0
            for shift in stride(from: UInt32(24), through: 0, by: -8) {
                let octet = UInt8(truncatingIfNeeded: value >> shift)
                if octet >= 100 { out[k] = 0x30 + octet / 100; k += 1 }
                if octet >= 10 { out[k] = 0x30 + octet / 10 % 10; k += 1 }
                out[k] = 0x30 + octet % 10
                k += 1
                if shift > 0 { out[k] = UInt8(ascii: "."); k += 1 }
            }
            return k
        }
    }

    private static func ipv6Text(high: UInt64, low: UInt64) -> String {
        // RFC 5952 §5: IPv4-mapped addresses keep the dotted quad.
        if high == 0, low >> 32 == 0xFFFF {
            return "::ffff:" + dottedQuad(UInt32(truncatingIfNeeded: low))
        }
        var groups = [UInt16](repeating: 0, count: 8)
        for index in 0..<4 {
            groups[index] = UInt16(truncatingIfNeeded: high >> UInt64(48 - 16 * index))
            groups[index + 4] = UInt16(truncatingIfNeeded: low >> UInt64(48 - 16 * index))
        }
        // RFC 5952 §4.2: the longest run (first one on ties) of at least two zero groups becomes "::".
        var bestStart = -1
        var bestLength = 1
        var index = 0
        while index < 8 {
            if groups[index] == 0 {
                var end = index
                while end < 8, groups[end] == 0 { end += 1 }
                if end - index > bestLength {
                    bestStart = index
                    bestLength = end - index
                }
                index = end
            } else {
                index += 1
            }
        }
        func hex(_ range: Range<Int>) -> String {
            groups[range].map { String($0, radix: 16) }.joined(separator: ":")
        }
        if bestStart < 0 { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }
}

/// An IP address and a transport port: one end of a flow.
///
/// Printed as `127.0.0.1:5060` or, for IPv6, `[::1]:5060` (RFC 3986 §3.2.2 brackets).
public struct Endpoint: Hashable, Sendable, CustomStringConvertible {
    public var address: IPAddress
    public var port: UInt16

    public init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    public var description: String {
        switch address {
        case .v4: return address.description + ":" + String(port)
        case .v6: return "[\(address)]:\(port)"
        }
    }
}
