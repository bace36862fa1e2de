import Foundation
import Testing
import TestSupport

/// Runs the audio tools the tests generate their fixtures with (sox, espeak-ng; CI installs both).
enum Tools {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `tool` (looked up on PATH) and returns what it printed; throws when it fails.
    /// sox prints `stat` and `--i` answers on stderr or stdout depending on the option.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> String {
        let output = try ProcessRunner.tool(tool, arguments)
        return output.stdout + output.stderr
    }

    /// Length of an audio file in samples (sample frames), from `sox --i -s`.
    static func sampleCount(_ path: String) throws -> Int {
        let text = try run("sox", ["--i", "-s", path]).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let count = Int(text) else { throw Failure(description: "sox --i -s \(path) said '\(text)'") }
        return count
    }

    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
