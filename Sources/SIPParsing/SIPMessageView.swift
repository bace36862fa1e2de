/// A SIP message read in place: the fields call tracking uses, as byte ranges of ``bytes``
/// (RFC 3261 §7). Parsing it copies nothing and builds no `String` (an unknown method's name
/// and the text of ``problems`` aside); ``SIPMessage`` is this view turned into owned values.
///
/// Why: most messages of a capture are retransmissions and in-dialog requests whose Call-ID,
/// tags and branches a call already holds. Read as ranges, they are compared as bytes, and a
/// `String` is built only for what a call keeps (docs/performance.md "SIP steps (session 8)").
///
/// Valid only inside the closure given to ``parse(_:_:)``: ``bytes`` may be a copy that lives
/// no longer (a message with folded header lines is read from an unfolded copy).
public struct SIPMessageView {
    /// The request line or the status line (RFC 3261 §7.1, §7.2), the URI and reason as ranges.
    public typealias StartLine = SIPStartLine<Range<Int>>

    /// The headers whose values are lists kept in header order (each value apart).
    enum ListHeader { case assertedIdentity, remotePartyID, diversion, historyInfo, reason }

    /// The message's bytes; every range below indexes them.
    public let bytes: UnsafeRawBufferPointer
    public internal(set) var startLine: StartLine
    /// `Call-ID` / `i` (§20.8), trimmed.
    public internal(set) var callID: Range<Int>?
    /// `From` / `f` (§20.20).
    public internal(set) var from: NameAddressView?
    /// `To` / `t` (§20.39).
    public internal(set) var to: NameAddressView?
    /// `CSeq` (§20.16).
    public internal(set) var cseq: CSeq?
    /// The `branch` parameter of the topmost `Via` (§20.42, §8.1.1.7).
    public internal(set) var topViaBranch: Range<Int>?
    /// The topmost `Via` value, set only when it has no `branch` parameter (an RFC 2543 peer).
    public internal(set) var topVia: Range<Int>?
    /// `RSeq` of a reliable provisional response (RFC 3262 §7.1).
    public internal(set) var rseq: UInt32?
    /// `Contact` / `m` (§20.10), first value.
    public internal(set) var contact: NameAddressView?
    /// `Content-Length` / `l` as written, when it is a valid number (§20.14).
    public internal(set) var contentLength: Int?
    /// `Content-Type` / `c`: the media type without parameters, as written (§20.15).
    var contentType: Range<Int>?
    /// The values of the list headers, in header order (an array only when there are some).
    var listValues: [(header: ListHeader, value: Range<Int>)] = []
    /// The message body.
    public internal(set) var body: Range<Int>
    /// Things wrong with the message that did not stop it from being used.
    public internal(set) var problems: [String] = []

    init(bytes: UnsafeRawBufferPointer, startLine: StartLine) {
        self.bytes = bytes
        self.startLine = startLine
        self.body = bytes.count..<bytes.count
    }

    /// The request method, nil for responses.
    public var method: SIPMethod? { startLine.method }

    /// The status code, nil for requests.
    public var statusCode: Int? { startLine.statusCode }

    /// A one-word label of the message: `INVITE`, `180`, ...
    public var label: String { startLine.label }

    /// What identifies the message's transaction beside CSeq: the top Via's branch, or the
    /// whole top Via without one (RFC 3261 §17.2.3).
    public var transactionBranch: Range<Int>? { topViaBranch ?? topVia }

    /// The Request-URI, nil for responses.
    public var requestURI: Range<Int>? { startLine.requestURI }

    /// `range` as a `String` (UTF-8, invalid sequences replaced).
    public func string(_ range: Range<Int>) -> String { bytes.string(range) }

    /// `range` as a `String` (UTF-8, invalid sequences replaced); nil for nil.
    public func string(_ range: Range<Int>?) -> String? {
        range.map { bytes.string($0) }
    }

    /// Whether `range` read as a `String` equals `text` as `==` says (Unicode canonical
    /// equivalence); nil equals only nil. Compared byte for byte, through a `String` only when
    /// they differ and one of them holds a non-ASCII byte.
    public func equals(_ range: Range<Int>?, _ text: String?) -> Bool {
        switch (range, text) {
        case (nil, nil): return true
        case (let range?, let text?):
            if bytes.equals(range, text) { return true }
            guard !bytes.isASCII(range) || !text.utf8.allSatisfy({ $0 < 0x80 }) else { return false }
            return bytes.string(range) == text
        default: return false
        }
    }

    /// The SDP body, when the message carries one (`Content-Type: application/sdp`, or an
    /// untyped body that starts with `v=`).
    public var sessionDescription: SessionDescription? {
        guard !body.isEmpty else { return nil }
        if let contentType, !bytes.equalsLowercase(contentType, "application/sdp") { return nil }
        return SessionDescription.parse(UnsafeRawBufferPointer(rebasing: bytes[body]))
    }

    /// The parsed values of one of the `NameAddress` list headers, in header order.
    func addresses(_ header: ListHeader) -> [NameAddress] {
        var result: [NameAddress] = []
        for entry in listValues where entry.header == header {
            if let address = NameAddress.parse(bytes, entry.value) { result.append(address) }
        }
        return result
    }

    /// `P-Asserted-Identity` values (RFC 3325 §9.1).
    public var assertedIdentities: [NameAddress] { addresses(.assertedIdentity) }
    /// `Remote-Party-ID` values (draft-ietf-sip-privacy-04).
    public var remotePartyIDs: [NameAddress] { addresses(.remotePartyID) }
    /// `Diversion` values in header order, newest first (RFC 5806).
    public var diversions: [NameAddress] { addresses(.diversion) }
    /// `History-Info` entries in header order (RFC 7044).
    public var historyInfo: [NameAddress] { addresses(.historyInfo) }

    /// `Reason` values (RFC 3326).
    public var reasons: [SIPReason] {
        var result: [SIPReason] = []
        for entry in listValues where entry.header == .reason { result.append(SIPReason.parse(bytes, entry.value)) }
        return result
    }

    /// The user part of the URI at `range` (see `SIPURI.user(of:)`), read on its bytes.
    public func uriUser(_ range: Range<Int>) -> String? {
        SIPURI.user(UnsafeRawBufferPointer(rebasing: bytes[range]))
    }
}

/// A `name-addr` or `addr-spec` header value read in place (RFC 3261 §20.10, §25.1): ranges of
/// the message's bytes. ``NameAddress`` is the owned form.
public struct NameAddressView: Sendable {
    /// The display name without quotes, nil when absent.
    public var displayName: Range<Int>?
    /// The URI as written, without angle brackets.
    public var uri: Range<Int>
    /// The header parameters after the URI (`;tag=...;reason=...`).
    public var parameters: Range<Int>
    /// The first `tag` parameter's value (RFC 3261 §19.3): empty for a `tag` without value.
    public var tag: Range<Int>?

    /// Reads one header value at `range` of `b`; nil when no URI can be found.
    static func parse(_ b: UnsafeRawBufferPointer, _ range: Range<Int>) -> NameAddressView? {
        let value = b.trimmed(range)
        guard !value.isEmpty else { return nil }
        var result: NameAddressView
        // An unterminated quote (malformed) falls back to the first `<`.
        if let open = NameAddress.firstUnquotedAngle(b, value) ?? b.firstIndex(of: UInt8(ascii: "<"), in: value),
           let close = b.firstIndex(of: UInt8(ascii: ">"), in: open..<value.upperBound) {
            // name-addr: [display-name] <URI> *(; param)
            var display = b.trimmed(value.lowerBound..<open)
            if display.count >= 2, b[display.lowerBound] == UInt8(ascii: "\""), b[display.upperBound - 1] == UInt8(ascii: "\"") {
                display = (display.lowerBound + 1)..<(display.upperBound - 1)
            }
            result = NameAddressView(displayName: display.isEmpty ? nil : display, uri: b.trimmed((open + 1)..<close),
                                     parameters: (close + 1)..<value.upperBound)
        } else {
            // addr-spec: every ;param belongs to the header, not the URI (RFC 3261 §20.10).
            let semicolon = b.firstIndex(of: UInt8(ascii: ";"), in: value) ?? value.upperBound
            guard b.firstIndex(of: UInt8(ascii: ":"), in: value.lowerBound..<semicolon) != nil else { return nil }
            result = NameAddressView(displayName: nil, uri: value.lowerBound..<semicolon, parameters: semicolon..<value.upperBound)
        }
        var tag: Range<Int>??
        b.forEachParameter(in: result.parameters) { name, value in
            if tag == nil, b.equalsLowercase(name, "tag") { tag = .some(value ?? name.upperBound..<name.upperBound) }
        }
        result.tag = tag ?? nil
        return result
    }
}
