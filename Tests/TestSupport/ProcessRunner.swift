import Foundation

/// What a finished child process said: exit status, standard output, standard error.
public struct ProcessOutput: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs programs for the tests: the built `callscope`, helper executables of this package and
/// the tools the tests compare with or make fixtures with (tshark, sox, espeak-ng, iconv).
public enum ProcessRunner {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs `executable arguments...` to its end with `stdin` as standard input (or /dev/null),
    /// with `environment` added to this process's environment.
    /// Standard output goes through a pipe and standard error into a file, so a child that
    /// writes much to both never waits on a reader.
    public static func run(
        _ executable: URL, _ arguments: [String], stdin: URL? = nil, in directory: URL? = nil, environment: [String: String] = [:]
    ) throws -> ProcessOutput {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        if let directory { process.currentDirectoryURL = directory }
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("callscope-stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
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
        return ProcessOutput(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs `tool` found on PATH; throws, with its standard error, when it cannot start or exits non-zero.
    @discardableResult
    public static func tool(_ tool: String, _ arguments: [String], in directory: URL? = nil) throws -> ProcessOutput {
        let output: ProcessOutput
        do {
            output = try run(URL(fileURLWithPath: "/usr/bin/env"), [tool] + arguments, in: directory)
        } catch {
            throw Failure(description: "cannot run \(tool): \(error)")
        }
        guard output.status == 0 else {
            throw Failure(description: "\(tool) \(arguments.joined(separator: " ")) exited \(output.status): \(output.stderr)")
        }
        return output
    }

    /// An executable product of this package (`callscope`, ...): SwiftPM builds it beside the
    /// test bundle when a test target depends on it.
    public static func builtExecutable(_ name: String) -> URL {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundleDirectory, bundleDirectory.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return TestPaths.root.appendingPathComponent(".build/debug/\(name)")
    }
}
