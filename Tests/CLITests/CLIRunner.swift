import Foundation
import Testing

/// Runs the built `callscope` binary, as a user would.
enum CLI {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let corpus = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus/pcap")
    static let captures = packageRoot.appendingPathComponent("captures")

    /// The SIP sample captures at the top of `captures/` (`captures/talk/` holds the RTP and
    /// speech samples, tested on their own), as paths relative to the package root.
    static var sipSampleCaptures: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: captures.path)) ?? []
        return names.filter { $0.hasSuffix(".pcap") }.sorted().map { "captures/" + $0 }
    }

    /// The binary beside the test bundle (SwiftPM builds it because CLITests depends on it).
    static var binary: URL { binary(named: "callscope") }

    /// `callscope` or `callscope-dev`, beside the test bundle.
    static func binary(named name: String) -> URL {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundleDirectory, bundleDirectory.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return packageRoot.appendingPathComponent(".build/debug/\(name)")
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `callscope arguments...` (or `program`) with `stdin` as standard input (or /dev/null).
    static func run(_ arguments: [String], stdin: URL? = nil, in directory: URL = packageRoot, program: String = "callscope") throws -> Result {
        let process = Process()
        process.executableURL = binary(named: program)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        // stdout through a pipe, stderr into a file: no second reader thread is needed.
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("callscope-stderr-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errURL) }
        let out = Pipe()
        let err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = try stdin.map { try FileHandle(forReadingFrom: $0) } ?? FileHandle(forReadingAtPath: "/dev/null")
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try err.close()
        let errData = try Data(contentsOf: errURL)
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// The text of `Tests/CLITests/Golden/<name>`.
    static func golden(_ name: String) throws -> String {
        try String(contentsOf: packageRoot.appendingPathComponent("Tests/CLITests/Golden/\(name)"), encoding: .utf8)
    }

    /// Parses ndjson output into dictionaries.
    static func ndjson(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
            return try #require(object as? [String: Any])
        }
    }
}
