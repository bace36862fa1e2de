/// A `name-addr` or `addr-spec` header value with its parameters: From, To, Contact,
/// P-Asserted-Identity, Diversion, History-Info (RFC 3261 §20.10, §25.1).
///
/// `"Alice" <sip:+15551234567@example.com;user=phone>;tag=1928301774`
public struct NameAddress: Sendable, Hashable {
    /// The display name without quotes, nil when absent.
    public var displayName: String?
    /// The URI as written, without angle brackets.
    public var uri: String
    /// Header parameters after the URI (lower-cased names), e.g. `tag`, `reason`, `index`.
    public var parameters: [String: String]

    public init(displayName: String?, uri: String, parameters: [String: String]) {
        self.displayName = displayName; self.uri = uri; self.parameters = parameters
    }

    /// The `tag` parameter (RFC 3261 §19.3).
    public var tag: String? { parameters["tag"] }

    /// The user part of the URI (see `SIPURI.user(of:)`).
    public var user: String? { SIPURI.user(of: uri) }

    /// Parses one header value; nil when no URI can be found.
    public static func parse(_ text: Substring) -> NameAddress? {
        let value = text.trimmingSpaces
        guard !value.isEmpty else { return nil }
        // Delimiters are looked for on UTF-8 code units (ASCII): no grapheme breaking.
        // An unterminated quote (malformed) falls back to the first `<`, as before.
        if let open = firstUnquotedAngle(in: value) ?? value.utf8.firstIndex(of: UInt8(ascii: "<")), let close = value.utf8[open...].firstIndex(of: UInt8(ascii: ">")) {
            // name-addr: [display-name] <URI> *(; param)
            var display = value[..<open].trimmingSpaces
            if display.utf8.count >= 2, display.utf8.first == UInt8(ascii: "\""), display.utf8.last == UInt8(ascii: "\"") { display = display.dropFirst().dropLast() }
            let uri = String(value[value.index(after: open)..<close].trimmingSpaces)
            let params = Dictionary(parseParameters(value[value.index(after: close)...]).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { first, _ in first })
            return NameAddress(displayName: display.isEmpty ? nil : String(display), uri: uri, parameters: params)
        }
        // addr-spec: every ;param belongs to the header, not the URI (RFC 3261 §20.10).
        let semicolon = value.utf8.firstIndex(of: UInt8(ascii: ";")) ?? value.endIndex
        let uri = String(value[..<semicolon])
        guard uri.utf8.contains(UInt8(ascii: ":")) else { return nil }
        let params = Dictionary(parseParameters(value[semicolon...]).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { first, _ in first })
        return NameAddress(displayName: nil, uri: uri, parameters: params)
    }

    /// The `<` that opens the URI: the first one outside a quoted display name. A quoted string
    /// is one token with `\"` quoted-pairs (RFC 3261 §25.1), so `"<b>x</b>" <sip:...>` opens at
    /// the second `<`. Nil when a quote is left open or there is no `<` outside quotes.
    static func firstUnquotedAngle(in value: Substring) -> String.Index? {
        var quotes = QuotedStringTracker()
        return value.utf8.firstIndex { quotes.isUnquoted($0) && $0 == UInt8(ascii: "<") }
    }
}

/// Helpers for SIP, SIPS and tel URIs (RFC 3261 §19.1, RFC 3966).
public enum SIPURI {
    /// The user part of a `sip:`/`sips:` URI or the number of a `tel:` URI, percent-decoded,
    /// without password or user parameters. Nil when the URI has no user part.
    ///
    /// `sip:+1-555-0100;npdi@host` -> `+1-555-0100`; `tel:+15550100;phone-context=x` -> `+15550100`.
    public static func user(of uri: String) -> String? {
        let lower = uri.prefix(5).lowercased()
        var rest: Substring
        if lower.hasPrefix("sips:") { rest = uri.dropFirst(5) }
        else if lower.hasPrefix("sip:") { rest = uri.dropFirst(4) }
        else if lower.hasPrefix("tel:") {
            rest = uri.dropFirst(4)
            let number = rest.prefix(while: { $0 != ";" && $0 != "?" })
            return number.isEmpty ? nil : percentDecoded(number)
        } else { return nil }
        guard let at = rest.lastIndex(of: "@") else { return nil }
        rest = rest[..<at]
        let user = rest.prefix(while: { $0 != ";" && $0 != ":" })
        return user.isEmpty ? nil : percentDecoded(user)
    }

    /// The host part of a SIP URI (IPv6 references keep their brackets), nil for tel: URIs.
    public static func host(of uri: String) -> String? {
        let lower = uri.prefix(5).lowercased()
        var rest: Substring
        if lower.hasPrefix("sips:") { rest = uri.dropFirst(5) }
        else if lower.hasPrefix("sip:") { rest = uri.dropFirst(4) }
        else { return nil }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if rest.first == "[" , let close = rest.firstIndex(of: "]") { return String(rest[...close]) }
        let host = rest.prefix(while: { $0 != ":" && $0 != ";" && $0 != "?" })
        return host.isEmpty ? nil : String(host)
    }

    static func percentDecoded(_ text: Substring) -> String {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let b = utf8.first {
            utf8 = utf8.dropFirst()
            if b == UInt8(ascii: "%"), utf8.count >= 2,
               let hi = hexValue(utf8[utf8.startIndex]), let lo = hexValue(utf8[utf8.startIndex + 1]) {
                bytes.append(hi << 4 | lo)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: b - 0x30
        case 0x41...0x46: b - 0x41 + 10
        case 0x61...0x66: b - 0x61 + 10
        default: nil
        }
    }
}

