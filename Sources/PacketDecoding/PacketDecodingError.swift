/// Why a frame could not be decoded: truncated (cut by the snapshot length or the
/// sender) or malformed.
///
/// A struct around a private enum, as swift-nio does, so kinds can be added without
/// breaking callers. Creating one does not build a string; `description` does,
/// e.g. `IPv4 header truncated (12 of 20 bytes)`.
public struct PacketDecodingError: Error, Sendable, CustomStringConvertible {
    private enum Kind: Sendable {
        case truncated(StaticString, available: Int, required: Int)
        case malformed(StaticString, value: Int)
        case unsupportedLinkType(Int32)
        case tooManyEncapsulations(Int)
    }

    private let kind: Kind

    private init(_ kind: Kind) {
        self.kind = kind
    }

    static func truncated(_ what: StaticString, available: Int, required: Int) -> PacketDecodingError {
        PacketDecodingError(.truncated(what, available: available, required: required))
    }

    static func malformed(_ what: StaticString, _ value: Int) -> PacketDecodingError {
        PacketDecodingError(.malformed(what, value: value))
    }

    static func unsupportedLinkType(_ value: Int32) -> PacketDecodingError {
        PacketDecodingError(.unsupportedLinkType(value))
    }

    static func tooManyEncapsulations(_ limit: Int) -> PacketDecodingError {
        PacketDecodingError(.tooManyEncapsulations(limit))
    }

    /// `true` when the bytes ended before a header or a length field said they would
    /// (typically a snapshot length shorter than the packet).
    public var isTruncation: Bool {
        if case .truncated = kind { return true }
        return false
    }

    public var description: String {
        switch kind {
        case .truncated(let what, let available, let required):
            return "\(what) truncated (\(available) of \(required) bytes)"
        case .malformed(let what, let value):
            return "\(what): \(value)"
        case .unsupportedLinkType(let value):
            return "unsupported link type \(value) (see tcpdump.org/linktypes.html)"
        case .tooManyEncapsulations(let limit):
            return "more than \(limit) nested encapsulations"
        }
    }
}
