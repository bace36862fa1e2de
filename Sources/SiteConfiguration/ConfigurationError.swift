/// What is wrong with a site configuration file (`--campaigns FILE`, later the site profile):
/// the file, the line when one is to blame, and what to fix.
///
/// Why its own type: a configuration file is content the user wrote, not a command-line usage
/// mistake; the CLI gives it its own exit status and prints it as `file:line: message`, the way
/// compilers and the CDR diagnostics do.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Whether the file could not be read at all, or was read and is not valid.
    public enum Kind: Sendable, Hashable {
        /// The file cannot be opened or read (missing, a directory, no permission).
        case unreadable
        /// The file was read; its content is not a valid configuration.
        case invalid
    }

    public let kind: Kind
    /// The file as the user named it.
    public let file: String
    /// 1-based line of the problem, when one line is to blame.
    public let line: Int?
    /// What is wrong, in words meant for the person who wrote the file.
    public let message: String

    public init(_ kind: Kind, file: String, line: Int? = nil, _ message: String) {
        self.kind = kind; self.file = file; self.line = line; self.message = message
    }

    /// `file:line: message`, or `file: message` when no line is to blame.
    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}
