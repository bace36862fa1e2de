import CallModel
import Foundation

/// How CDR files are read; every field has a CLI flag.
public struct CDRImportOptions: Sendable {
    /// Zone of timestamps written without an offset (`--timezone`, default the machine's).
    public var timeZone: TimeZone
    /// Any bad row stops the import of its file (`--strict`).
    public var strict: Bool
    /// The column mapping of a generic CSV export (`--mapping FILE`).
    public var mappingPath: String?
    /// Skip detection and read every CDR input as this format (`--input-format`).
    public var format: CDRFormat?

    public init(timeZone: TimeZone = .current, strict: Bool = false, mappingPath: String? = nil, format: CDRFormat? = nil) {
        self.timeZone = timeZone; self.strict = strict; self.mappingPath = mappingPath; self.format = format
    }
}

/// A CDR file read into memory.
public struct CDRInput: Sendable {
    /// The path as given on the command line.
    public var path: String
    /// Its base name: the `source` field of its calls.
    public var name: String
    public var bytes: [UInt8]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.name = String(path.split(separator: "/").last ?? Substring(path))
        self.bytes = bytes
    }
}

/// A file that cannot be imported at all (empty, not text, not the format asked for, or a
/// bad row under `--strict`).
public struct CDRError: Error, Sendable, Hashable, CustomStringConvertible {
    public var input: String
    public var line: Int?
    public var reason: String

    public init(input: String, line: Int? = nil, reason: String) {
        self.input = input; self.line = line; self.reason = reason
    }

    public var description: String {
        line.map { "\(input):\($0): \(reason)" } ?? "\(input): \(reason)"
    }
}

/// Counts and reports what a reader meets while it reads one file.
public struct CDRContext {
    public let options: CDRImportOptions
    public let input: CDRInput
    /// Converts wall-clock stamps in `options.timeZone` (shared cache within the file).
    public var localTime: LocalTimeConverter
    private let report: (Diagnostic) -> Void
    /// Data records read (header and type rows excluded), bad ones included.
    public private(set) var rows = 0
    /// Records reported as bad and skipped.
    public private(set) var badRows = 0

    public init(options: CDRImportOptions, input: CDRInput, report: @escaping (Diagnostic) -> Void) {
        self.options = options
        self.input = input
        self.localTime = LocalTimeConverter(timeZone: options.timeZone)
        self.report = report
    }

    /// Counts one data record.
    public mutating func countRow() { rows += 1 }

    /// Reports a bad record (`file:line: reason`) that is skipped; under `--strict` it ends the file.
    public mutating func badRow(line: Int, _ reason: String) throws(CDRError) {
        badRows += 1
        // Under --strict the thrown error is the one report of the row (its catcher prints it).
        if options.strict { throw CDRError(input: input.path, line: line, reason: "\(reason) (--strict: import stopped)") }
        report(Diagnostic(.error, input: input.path, line: line, message: reason))
    }

    /// Reports something used with a caveat.
    public func warning(line: Int?, _ message: String) {
        report(Diagnostic(.warning, input: input.path, line: line, message: message))
    }
}
