import Foundation
import Testing

/// Runs the audio tools the tests generate their fixtures with (sox, espeak-ng; CI installs both).
enum Tools {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `tool` (looked up on PATH) and returns its standard output; throws when it fails.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw Failure(description: "cannot run \(tool): \(error) (install sox and espeak-ng)")
        }
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: err, as: UTF8.self)
            throw Failure(description: "\(tool) \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(message)")
        }
        // sox prints `stat` and `--i` answers on stderr or stdout depending on the option.
        return String(decoding: out, as: UTF8.self) + String(decoding: err, as: UTF8.self)
    }

    /// Length of an audio file in samples (sample frames), from `sox --i -s`.
    static func sampleCount(_ path: String) throws -> Int {
        let text = try run("sox", ["--i", "-s", path]).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let count = Int(text) else { throw Failure(description: "sox --i -s \(path) said '\(text)'") }
        return count
    }

    /// A fresh directory under the system temporary directory.
    static func temporaryDirectory(_ name: String) throws -> String {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("rtpaudio-\(name)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
