extension IPAddress {
    /// Parses the text form of an address as SDP writes it (RFC 4566 §5.7 `c=` lines):
    /// a dotted quad, or IPv6 text with `::` compression and an optional trailing dotted quad
    /// (RFC 4291 §2.2). Brackets and zone suffixes (`%eth0`) are accepted and ignored.
    /// - Returns: nil for host names and malformed text.
    public init?(_ text: some StringProtocol) {
        var body = Substring(text)
        if body.hasPrefix("["), body.hasSuffix("]") { body = body.dropFirst().dropLast() }
        if let zone = body.utf8.firstIndex(of: UInt8(ascii: "%")) { body = body[..<zone] }
        if !body.utf8.contains(UInt8(ascii: ":")) {
            guard let value = Self.parseIPv4(body) else { return nil }
            self = .v4(value)
            return
        }
        guard let (high, low) = Self.parseIPv6(body) else { return nil }
        self = .v6(high, low)
    }

    /// Four dot-separated decimal octets of one to three digits, each at most 255; read on
    /// UTF-8 code units (SDP addresses are parsed per offer on the SIP path).
    private static func parseIPv4(_ text: Substring) -> UInt32? {
        var value: UInt32 = 0, octet: UInt32 = 0, digits = 0, dots = 0
        for c in text.utf8 {
            if c == UInt8(ascii: ".") {
                guard digits > 0, dots < 3 else { return nil }
                value = value << 8 | octet
                octet = 0
                digits = 0
                dots += 1
            } else if c >= 0x30 && c <= 0x39 {
                guard digits < 3 else { return nil }
                octet = octet * 10 + UInt32(c - 0x30)
                digits += 1
                guard octet <= 255 else { return nil }
            } else {
                return nil
            }
        }
        guard dots == 3, digits > 0 else { return nil }
        return value << 8 | octet
    }

    private static func parseIPv6(_ text: Substring) -> (UInt64, UInt64)? {
        var groups: [UInt16] = []
        var compressedAt: Int?
        var halves: [Substring] = [text]
        let characters = Array(text.utf8)
        if let split = characters.indices.dropLast().first(where: { characters[$0] == UInt8(ascii: ":") && characters[$0 + 1] == UInt8(ascii: ":") }) {
            let middle = text.utf8.index(text.startIndex, offsetBy: split)
            let after = text.utf8.index(middle, offsetBy: 2)
            halves = [text[..<middle], text[after...]]
            guard !halves[1].hasPrefix(":"), !halves[1].contains("::") else { return nil }  // ":::" or two "::"
        }
        for (index, half) in halves.enumerated() {
            if index == 1 { compressedAt = groups.count }
            guard !half.isEmpty else { continue }
            let parts = half.split(separator: ":", omittingEmptySubsequences: false)
            for (position, part) in parts.enumerated() {
                if position == parts.count - 1, index == halves.count - 1, part.contains(".") {
                    guard let v4 = parseIPv4(part) else { return nil }
                    groups.append(UInt16(v4 >> 16))
                    groups.append(UInt16(v4 & 0xFFFF))
                } else {
                    guard (1...4).contains(part.count), let group = UInt16(part, radix: 16) else { return nil }
                    groups.append(group)
                }
            }
        }
        if let compressedAt {
            guard groups.count < 8 else { return nil }
            groups.insert(contentsOf: repeatElement(0, count: 8 - groups.count), at: compressedAt)
        }
        guard groups.count == 8 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for index in 0..<4 {
            high = high << 16 | UInt64(groups[index])
            low = low << 16 | UInt64(groups[index + 4])
        }
        return (high, low)
    }
}

private extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
