/// Something wrong with the input, tied to where it was found: file and packet number.
///
/// Diagnostics never stop the analysis; everything parseable is still reported. Errors are
/// input that could not be used (an undecodable frame, a malformed SIP message, a read
/// failure); warnings are input that was used with a caveat (bytes skipped in a TCP stream,
/// a SIP message with a bad Content-Length).
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable { case error, warning }

    public var severity: Severity
    /// The input as given on the command line (`-` for standard input).
    public var input: String
    /// 1-based packet (frame) number in that input, when the problem is tied to one.
    public var packet: Int?
    public var message: String

    public init(_ severity: Severity, input: String, packet: Int?, message: String) {
        self.severity = severity; self.input = input; self.packet = packet; self.message = message
    }

    /// `captures/x.pcap: packet 17: malformed SIP message: no Call-ID header`
    public var description: String {
        let place = packet.map { "\(input): packet \($0)" } ?? input
        return "\(place): \(severity == .warning ? "warning: " : "")\(message)"
    }
}

/// Counts for the summary line of a run.
public struct AnalysisSummary: Sendable, Hashable {
    public var inputs = 0
    /// Inputs that could not be opened or read at all.
    public var unreadableInputs = 0
    public var packets = 0
    public var sipMessages = 0
    /// SIP messages of Call-IDs with no initial INVITE (REGISTER, OPTIONS, ...).
    public var sipMessagesWithoutCall = 0
    public var calls = 0
    public var errors = 0
    public var warnings = 0

    public init() {}
}
