/// Why bytes that look like SIP could not be used as a SIP message.
///
/// A struct with a private kind, so that new reasons can be added without breaking callers
/// (the swift-nio error style). `description` is a sentence for people.
public struct SIPParseError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Kind: Sendable, Hashable {
        case noHeaderEnd
        case missingHeader(String)
        case badHeader(String, String)
        case badStartLine(String)
        case oversized(Int)
    }

    private let kind: Kind
    private init(_ kind: Kind) { self.kind = kind }

    /// The blank line that ends the header section is missing (RFC 3261 §7).
    public static let noHeaderEnd = SIPParseError(.noHeaderEnd)
    /// A header every SIP message must carry is missing (RFC 3261 §8.1.1).
    public static func missingHeader(_ name: String) -> SIPParseError { SIPParseError(.missingHeader(name)) }
    /// A header whose value cannot be understood.
    public static func badHeader(_ name: String, value: String) -> SIPParseError { SIPParseError(.badHeader(name, value)) }
    /// A start line that begins like SIP but is not a valid request or status line.
    public static func badStartLine(_ line: String) -> SIPParseError { SIPParseError(.badStartLine(line)) }
    /// A stream message whose header section grew past the framing limit.
    public static func oversized(_ bytes: Int) -> SIPParseError { SIPParseError(.oversized(bytes)) }

    public var description: String {
        switch kind {
        case .noHeaderEnd: "malformed SIP message: no blank line after the headers"
        case .missingHeader(let name): "malformed SIP message: no \(name) header"
        case .badHeader(let name, let value): "malformed SIP message: bad \(name) header \"\(value.prefix(60))\""
        case .badStartLine(let line): "malformed SIP start line \"\(line.prefix(60))\""
        case .oversized(let bytes): "SIP stream: no message end within \(bytes) bytes, resynchronising"
        }
    }
}
