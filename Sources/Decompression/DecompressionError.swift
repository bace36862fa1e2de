/// An error reading a compressed file: it cannot be opened or read, its compressed data is
/// corrupt, or it ends before its compressed stream does (a file cut short in a copy or a
/// rotation). Names the file; a struct around a private enum so kinds can be added.
public struct DecompressionError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Kind: Hashable, Sendable {
        case cannotOpen(String)
        case readFailed(String)
        case corrupt(CompressionFormat, String)
        case truncated(CompressionFormat)
    }

    private let kind: Kind
    /// The path as given (`-` for standard input).
    public let path: String

    private init(_ kind: Kind, path: String) {
        self.kind = kind
        self.path = path
    }

    static func cannotOpen(_ path: String, _ message: String) -> Self { Self(.cannotOpen(message), path: path) }
    static func readFailed(_ path: String, _ message: String) -> Self { Self(.readFailed(message), path: path) }
    static func corrupt(_ path: String, _ format: CompressionFormat, _ message: String) -> Self { Self(.corrupt(format, message), path: path) }
    static func truncated(_ path: String, _ format: CompressionFormat) -> Self { Self(.truncated(format), path: path) }

    /// The message without the path.
    public var reason: String {
        switch kind {
        case .cannotOpen(let message): return "cannot open: \(message)"
        case .readFailed(let message): return "cannot read: \(message)"
        case .corrupt(let format, let message): return "corrupt \(format.rawValue) data (\(message))"
        case .truncated(let format): return "the \(format.rawValue) data ends before its end of stream (file cut short?)"
        }
    }

    public var description: String { "\(path): \(reason)" }
}
