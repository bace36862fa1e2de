/// A SIP request or response, with the headers callscope needs already decoded.
///
/// Built by `SIPMessage.parse(_:)` from the bytes of one message (RFC 3261 §7). Only the
/// headers that call reconstruction uses are turned into `String`s; everything else is
/// skipped on the byte level.
public struct SIPMessage: Sendable {
    /// The request line or the status line (RFC 3261 §7.1, §7.2).
    public typealias StartLine = SIPStartLine<String>

    public var startLine: StartLine
    /// `Call-ID` / `i` (§20.8).
    public var callID: String?
    /// `From` / `f` (§20.20).
    public var from: NameAddress?
    /// `To` / `t` (§20.39).
    public var to: NameAddress?
    /// `CSeq` (§20.16).
    public var cseq: CSeq?
    /// The `branch` parameter of the topmost `Via` / `v` (§20.42, §8.1.1.7).
    public var topViaBranch: String?
    /// The topmost `Via` value as written, kept only when it has no `branch` parameter (an RFC 2543
    /// peer): it then stands in for the branch in transaction matching (RFC 3261 §17.2.3).
    public var topVia: String?
    /// `RSeq` of a reliable provisional response (RFC 3262 §7.1).
    public var rseq: UInt32?
    /// `Contact` / `m` (§20.10), first value.
    public var contact: NameAddress?
    /// `P-Asserted-Identity` values (RFC 3325 §9.1).
    public var assertedIdentities: [NameAddress]
    /// `Remote-Party-ID` values (draft-ietf-sip-privacy-04), still sent by many PBXs.
    public var remotePartyIDs: [NameAddress]
    /// `Diversion` values in header order, newest first (RFC 5806).
    public var diversions: [NameAddress]
    /// `History-Info` entries in header order (RFC 7044).
    public var historyInfo: [NameAddress]
    /// `Reason` values (RFC 3326).
    public var reasons: [SIPReason]
    /// `Content-Length` / `l` as written, when it is a valid number (§20.14).
    public var contentLength: Int?
    /// `Content-Type` / `c`, lower-cased media type without parameters (§20.15).
    public var contentType: String?
    /// The message body.
    public var body: [UInt8]
    /// Things wrong with the message that did not stop it from being used, e.g. a bad Content-Length.
    public var problems: [String]

    public init(startLine: StartLine) {
        self.startLine = startLine
        self.assertedIdentities = []
        self.remotePartyIDs = []
        self.diversions = []
        self.historyInfo = []
        self.reasons = []
        self.body = []
        self.problems = []
    }

    /// The request method, nil for responses.
    public var method: SIPMethod? { startLine.method }

    /// The status code, nil for requests.
    public var statusCode: Int? { startLine.statusCode }

    /// The Request-URI, nil for responses.
    public var requestURI: String? { startLine.requestURI }

    /// The SDP body, when the message carries one (`Content-Type: application/sdp`, or an
    /// untyped body that starts with `v=`).
    public var sessionDescription: SessionDescription? {
        guard !body.isEmpty else { return nil }
        if let contentType, contentType != "application/sdp" { return nil }
        return SessionDescription.parse(body)
    }

    /// A one-word label of the message for error messages and detail: `INVITE`, `180`, ...
    public var label: String { startLine.label }
}

/// The request line or the status line of a SIP message (RFC 3261 §7.1, §7.2). `Text` holds
/// the Request-URI and the reason phrase: a `String` in ``SIPMessage``, a byte range in
/// ``SIPMessageView``.
public enum SIPStartLine<Text> {
    case request(method: SIPMethod, uri: Text)
    case response(status: Int, reason: Text)

    /// The request method, nil for responses.
    @inlinable
    public var method: SIPMethod? {
        if case .request(let method, _) = self { return method }
        return nil
    }

    /// The status code, nil for requests.
    @inlinable
    public var statusCode: Int? {
        if case .response(let status, _) = self { return status }
        return nil
    }

    /// The Request-URI, nil for responses.
    @inlinable
    public var requestURI: Text? {
        if case .request(_, let uri) = self { return uri }
        return nil
    }

    /// A one-word label: the method (`INVITE`) or the status code (`180`).
    @inlinable
    public var label: String {
        switch self {
        case .request(let method, _): return method.name
        case .response(let status, _): return String(status)
        }
    }
}

extension SIPStartLine: Sendable where Text: Sendable {}
extension SIPStartLine: Equatable where Text: Equatable {}
extension SIPStartLine: Hashable where Text: Hashable {}

/// A SIP method (RFC 3261 §7.1 and its extensions).
public enum SIPMethod: Sendable, Hashable {
    case invite, ack, bye, cancel, register, options, prack, update, info, refer, notify, subscribe, publish, message
    case other(String)

    /// The method token as written on the wire.
    public var name: String {
        switch self {
        case .invite: "INVITE"
        case .ack: "ACK"
        case .bye: "BYE"
        case .cancel: "CANCEL"
        case .register: "REGISTER"
        case .options: "OPTIONS"
        case .prack: "PRACK"
        case .update: "UPDATE"
        case .info: "INFO"
        case .refer: "REFER"
        case .notify: "NOTIFY"
        case .subscribe: "SUBSCRIBE"
        case .publish: "PUBLISH"
        case .message: "MESSAGE"
        case .other(let token): token
        }
    }

    /// Maps a token to a method; method names are case-sensitive (RFC 3261 §7.1).
    public init(token: String) {
        switch token {
        case "INVITE": self = .invite
        case "ACK": self = .ack
        case "BYE": self = .bye
        case "CANCEL": self = .cancel
        case "REGISTER": self = .register
        case "OPTIONS": self = .options
        case "PRACK": self = .prack
        case "UPDATE": self = .update
        case "INFO": self = .info
        case "REFER": self = .refer
        case "NOTIFY": self = .notify
        case "SUBSCRIBE": self = .subscribe
        case "PUBLISH": self = .publish
        case "MESSAGE": self = .message
        default: self = .other(token)
        }
    }
}

/// The `CSeq` header: sequence number and method (RFC 3261 §20.16).
public struct CSeq: Sendable, Hashable {
    public var number: UInt32
    public var method: SIPMethod
    public init(number: UInt32, method: SIPMethod) { self.number = number; self.method = method }
}

/// One value of a `Reason` header (RFC 3326 §2), e.g. `Q.850;cause=16;text="Normal call clearing"`.
public struct SIPReason: Sendable, Hashable {
    /// `SIP`, `Q.850`, ... as written.
    public var protocolName: String
    public var cause: Int?
    public var text: String?
    public init(protocolName: String, cause: Int?, text: String?) {
        self.protocolName = protocolName; self.cause = cause; self.text = text
    }

    /// Whether this is an ITU-T Q.850 cause (case-insensitive protocol token).
    public var isQ850: Bool { protocolName.uppercased() == "Q.850" }
}
