/// A `name-addr` or `addr-spec` header value with its parameters: From, To, Contact,
/// P-Asserted-Identity, Diversion, History-Info (RFC 3261 §20.10, §25.1).
///
/// `"Alice" <sip:+15551234567@example.com;user=phone>;tag=1928301774`
public struct NameAddress: Sendable, Hashable {
    /// One header parameter other than `tag`: lower-cased name, value without quotes (empty for a flag).
    public struct Parameter: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(name: String, value: String) { self.name = name; self.value = value }
    }

    /// The display name without quotes, nil when absent.
    public var displayName: String?
    /// The URI as written, without angle brackets.
    public var uri: String
    /// The `tag` parameter (RFC 3261 §19.3), kept apart: dialogs are matched on it per message.
    public var tag: String?
    /// The other header parameters in order, the first of each name (`reason`, `index`, `party`...).
    public var otherParameters: [Parameter]

    public init(displayName: String?, uri: String, parameters: [String: String]) {
        self.displayName = displayName
        self.uri = uri
        self.tag = parameters["tag"]
        self.otherParameters = parameters.filter { $0.key != "tag" }.sorted { $0.key < $1.key }.map { Parameter(name: $0.key, value: $0.value) }
    }

    /// Header parameters after the URI (lower-cased names), e.g. `tag`, `reason`, `index`.
    public var parameters: [String: String] {
        var result: [String: String] = [:]
        if let tag { result["tag"] = tag }
        for parameter in otherParameters { result[parameter.name] = parameter.value }
        return result
    }

    /// The user part of the URI (see `SIPURI.user(of:)`).
    public var user: String? { SIPURI.user(of: uri) }

    /// Parses one header value; nil when no URI can be found.
    public static func parse(_ text: Substring) -> NameAddress? {
        var text = text
        return text.withUTF8 { parse(UnsafeRawBufferPointer($0), 0..<$0.count) }
    }

    /// Parses the header value at `range` of `b` (``NameAddressView``, then copied out).
    static func parse(_ b: UnsafeRawBufferPointer, _ range: Range<Int>) -> NameAddress? {
        NameAddressView.parse(b, range).map { NameAddress(b, $0) }
    }

    /// The owned form of `view` over `b`: strings for the display name, the URI and the parameters.
    public init(_ b: UnsafeRawBufferPointer, _ view: NameAddressView) {
        self.displayName = view.displayName.map { b.string($0) }
        self.uri = b.string(view.uri)
        self.tag = nil
        self.otherParameters = []
        readParameters(b, view.parameters)
    }

    /// Reads `;name=value` parameters; the first of each name is kept.
    private mutating func readParameters(_ b: UnsafeRawBufferPointer, _ range: Range<Int>) {
        b.forEachParameter(in: range) { name, value in
            if b.equalsLowercase(name, "tag") {
                if tag == nil { tag = value.map { b.string($0) } ?? "" }
                return
            }
            let key = b.lowercasedString(name)
            guard !otherParameters.contains(where: { $0.name == key }) else { return }
            otherParameters.append(Parameter(name: key, value: value.map { b.string($0) } ?? ""))
        }
    }

    /// The `<` that opens the URI: the first one outside a quoted display name. A quoted string
    /// is one token with `\"` quoted-pairs (RFC 3261 §25.1), so `"<b>x</b>" <sip:...>` opens at
    /// the second `<`. Nil when a quote is left open or there is no `<` outside quotes.
    static func firstUnquotedAngle(_ b: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int? {
        var quotes = QuotedStringTracker()
        var i = range.lowerBound
        while i < range.upperBound {
            if quotes.isUnquoted(b[i]) && b[i] == UInt8(ascii: "<") { return i }
            i += 1
        }
        return nil
    }
}

/// Helpers for SIP, SIPS and tel URIs (RFC 3261 §19.1, RFC 3966).
public enum SIPURI {
    /// The user part of a `sip:`/`sips:` URI or the number of a `tel:` URI, percent-decoded,
    /// without password or user parameters. Nil when the URI has no user part.
    ///
    /// `sip:+1-555-0100;npdi@host` -> `+1-555-0100`; `tel:+15550100;phone-context=x` -> `+15550100`.
    public static func user(of uri: String) -> String? {
        var uri = uri
        return uri.withUTF8 { user(UnsafeRawBufferPointer($0)) }
    }

    /// `user(of:)` on the URI's bytes: one `String` built, for the user part.
    static func user(_ b: UnsafeRawBufferPointer) -> String? {
        let whole = 0..<b.count
        if b.matchesLowercase("tel:", at: 0) {
            var end = 4
            while end < b.count, b[end] != UInt8(ascii: ";"), b[end] != UInt8(ascii: "?") { end += 1 }
            return end == 4 ? nil : percentDecoded(b, 4..<end)
        }
        guard let schemeEnd = sipSchemeEnd(b) else { return nil }
        // The user part ends at the last `@` (an unescaped `@` in a password is malformed but seen).
        var at = whole.upperBound - 1
        while at >= schemeEnd, b[at] != UInt8(ascii: "@") { at -= 1 }
        guard at >= schemeEnd else { return nil }
        var end = schemeEnd
        while end < at, b[end] != UInt8(ascii: ";"), b[end] != UInt8(ascii: ":") { end += 1 }
        return end == schemeEnd ? nil : percentDecoded(b, schemeEnd..<end)
    }

    /// The index after `sip:` or `sips:` (any case), nil for other schemes.
    static func sipSchemeEnd(_ b: UnsafeRawBufferPointer) -> Int? {
        if b.matchesLowercase("sips:", at: 0) { return 5 }
        if b.matchesLowercase("sip:", at: 0) { return 4 }
        return nil
    }

    /// The host part of a SIP URI (IPv6 references keep their brackets), nil for tel: URIs.
    public static func host(of uri: String) -> String? {
        var uri = uri
        return uri.withUTF8 { buffer -> String? in
            let b = UnsafeRawBufferPointer(buffer)
            guard var start = sipSchemeEnd(b) else { return nil }
            var at = b.count - 1
            while at >= start, b[at] != UInt8(ascii: "@") { at -= 1 }
            if at >= start { start = at + 1 }
            if start < b.count, b[start] == UInt8(ascii: "["), let close = b.firstIndex(of: UInt8(ascii: "]"), in: start..<b.count) {
                return b.string(start..<(close + 1))
            }
            var end = start
            while end < b.count, b[end] != UInt8(ascii: ":"), b[end] != UInt8(ascii: ";"), b[end] != UInt8(ascii: "?") { end += 1 }
            return end == start ? nil : b.string(start..<end)
        }
    }

    static func percentDecoded(_ b: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        guard b.firstIndex(of: UInt8(ascii: "%"), in: range) != nil else { return b.string(range) }
        var bytes: [UInt8] = []
        var i = range.lowerBound
        while i < range.upperBound {
            let c = b[i]
            if c == UInt8(ascii: "%"), i + 2 < range.upperBound, let hi = hexValue(b[i + 1]), let lo = hexValue(b[i + 2]) {
                bytes.append(hi << 4 | lo)
                i += 3
            } else {
                bytes.append(c)
                i += 1
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

