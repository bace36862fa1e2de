import Foundation
import Reports

/// Standard error. Messages carry text from input (file names, caller IDs in diagnostics), so
/// ``line(_:)`` shows control characters escaped (``TerminalText``); ``write(_:)`` is only for
/// our own control sequences (the progress line).
enum StandardError {
    static func line(_ text: String) {
        write(TerminalText.escaped(text) + "\n")
    }

    static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
