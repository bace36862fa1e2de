/// Something wrong with the input, tied to where it was found: file and packet number
/// (captures) or line number (CDR files).
///
/// Diagnostics never stop the analysis; everything parseable is still reported. Errors are
/// input that could not be used (an undecodable frame, a malformed SIP message, a bad CDR
/// row, a read failure); warnings are input that was used with a caveat (bytes skipped in a
/// TCP stream, a SIP message with a bad Content-Length).
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable { case error, warning }
    public enum Location: Sendable, Hashable {
        /// 1-based frame number in a capture.
        case packet(Int)
        /// 1-based line number in a text file.
        case line(Int)
    }

    public var severity: Severity
    /// The input as given on the command line (`-` for standard input).
    public var input: String
    public var location: Location?
    public var message: String

    public init(_ severity: Severity, input: String, packet: Int?, message: String) {
        self.severity = severity; self.input = input; self.location = packet.map(Location.packet); self.message = message
    }

    public init(_ severity: Severity, input: String, line: Int?, message: String) {
        self.severity = severity; self.input = input; self.location = line.map(Location.line); self.message = message
    }

    /// The packet number, for capture diagnostics.
    public var packet: Int? {
        if case .packet(let n) = location { return n }
        return nil
    }

    /// The line number, for text-file diagnostics.
    public var line: Int? {
        if case .line(let n) = location { return n }
        return nil
    }

    /// `captures/x.pcap: packet 17: malformed SIP message: no Call-ID header` or
    /// `Master.csv:42: 15 fields, expected 16, 17, 18 or 21`
    public var description: String {
        let place: String
        switch location {
        case .packet(let n): place = "\(input): packet \(n)"
        case .line(let n): place = "\(input):\(n)"
        case nil: place = input
        }
        return "\(place): \(severity == .warning ? "warning: " : "")\(message)"
    }
}

