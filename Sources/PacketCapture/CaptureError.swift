/// An error reading a capture file, naming the file and, when it happened while
/// reading records, the 1-based number of the frame that could not be read.
///
/// Like swift-nio's public errors this is a struct around a private enum, so new
/// failure kinds can be added without breaking callers. The `description` is meant
/// for people: `captures/x.pcap: frame 17: truncated dump file; ...` or
/// `notes.txt: not a capture file libpcap can read (unknown file format)`.
public struct CaptureError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Kind: Hashable, Sendable {
        /// The file could not be opened at all (missing, permissions...).
        case cannotOpen(String)
        /// The file opened but libpcap does not recognise its format.
        case unknownFormat(String)
        /// `pcap_next_ex` returned -1 while reading a record.
        case readFailed(String)
    }

    private let kind: Kind

    /// The path as given to ``CaptureFile/init(path:fileIndex:)`` (`-` for standard input).
    public let path: String

    /// The 1-based number of the frame that could not be read, or `nil` when the
    /// file could not be opened.
    public let frameNumber: Int?

    private init(_ kind: Kind, path: String, frameNumber: Int?) {
        self.kind = kind
        self.path = path
        self.frameNumber = frameNumber
    }

    static func openFailed(path: String, message: String) -> CaptureError {
        // libpcap says "unknown file format" (or "... is not a capture file") for
        // files it can read but not parse; anything else is an I/O problem.
        let lowered = message.lowercased()
        if lowered.contains("unknown file format") || lowered.contains("bad dump file format")
            || lowered.contains("truncated dump file") || lowered.contains("unsupported")
            || lowered.contains("version") || lowered.contains("pcapng")
        {
            return CaptureError(.unknownFormat(message), path: path, frameNumber: nil)
        }
        return CaptureError(.cannotOpen(message), path: path, frameNumber: nil)
    }

    /// A compressed file whose data cannot be decompressed far enough to read its capture header.
    static func decompressionFailed(path: String, message: String) -> CaptureError {
        CaptureError(.cannotOpen(message), path: path, frameNumber: nil)
    }

    static func readFailed(path: String, frameNumber: Int, message: String) -> CaptureError {
        CaptureError(.readFailed(message), path: path, frameNumber: frameNumber)
    }

    /// `true` when the file was opened but its format is not one libpcap reads
    /// (for example a NetMon or text file).
    public var isUnknownFormat: Bool {
        if case .unknownFormat = kind { return true }
        return false
    }

    /// libpcap's own message, without the path and frame number (libpcap often starts an open
    /// failure with the path: that is dropped too, so a message names the file once).
    public var reason: String {
        switch kind {
        case .cannotOpen(let message), .unknownFormat(let message), .readFailed(let message):
            return message.hasPrefix(path + ": ") ? String(message.dropFirst(path.count + 2)) : message
        }
    }

    public var description: String {
        switch kind {
        case .cannotOpen(let message):
            // libpcap often prefixes the message with the path already.
            let trimmed = message.hasPrefix(path + ": ") ? String(message.dropFirst(path.count + 2)) : message
            return "\(path): cannot open (\(trimmed))"
        case .unknownFormat(let message):
            return "\(path): not a capture file libpcap can read (\(message))"
        case .readFailed(let message):
            return "\(path): frame \(frameNumber ?? 0): \(message)"
        }
    }
}
