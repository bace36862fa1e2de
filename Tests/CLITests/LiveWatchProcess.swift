import Foundation
#if canImport(Glibc)
import Glibc
#endif
import TestSupport

/// A JSON value as text with its keys sorted, so records compare field by field.
func canonical(_ value: Any?) -> String {
    guard let value, !(value is NSNull) else { return "null" }
    guard let data = try? JSONSerialization.data(withJSONObject: [value], options: [.sortedKeys, .fragmentsAllowed]) else { return "\(value)" }
    return String(decoding: data, as: UTF8.self)
}

struct NotStarted: Error, CustomStringConvertible { var description: String }

/// A running `callscope watch` whose stdout lines are kept with the wall-clock time each one
/// arrived, so a test can tell how soon after its end a call came out.
final class LiveWatchProcess: @unchecked Sendable {
    private let process = Process()
    private let out = Pipe(), err = Pipe()
    private let lock = NSLock()
    private var pending = Data()
    private var received: [(line: String, at: Date)] = []
    private var errText = Data()

    /// Starts `callscope watch ARGUMENTS` and waits (at most 5 s) for its "watching" line.
    init(_ arguments: [String]) throws {
        process.executableURL = ProcessRunner.builtExecutable("callscope")
        process.arguments = ["watch"] + arguments
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        out.fileHandleForReading.readabilityHandler = { [weak self] in self?.take(stdout: $0.availableData) }
        err.fileHandleForReading.readabilityHandler = { [weak self] in self?.take(stderr: $0.availableData) }
        try process.run()
        for _ in 0..<100 where !stderr.contains("watching") { usleep(50_000) }
        guard stderr.contains("watching") else {
            process.terminate()
            throw NotStarted(description: "watch did not start: \(stderr)")
        }
    }

    deinit { if process.isRunning { process.terminate() } }

    private func take(stdout data: Data) {
        let now = Date()
        lock.lock(); defer { lock.unlock() }
        pending.append(data)
        while let newline = pending.firstIndex(of: 0x0A) {
            received.append((String(decoding: pending[pending.startIndex..<newline], as: UTF8.self), now))
            pending.removeSubrange(pending.startIndex...newline)
        }
    }

    private func take(stderr data: Data) { lock.lock(); errText.append(data); lock.unlock() }

    var stderr: String { lock.lock(); defer { lock.unlock() }; return String(decoding: errText, as: UTF8.self) }

    /// The stdout lines so far, each with its arrival time.
    var lines: [(line: String, at: Date)] { lock.lock(); defer { lock.unlock() }; return received }

    /// The ndjson records so far, each with its arrival time.
    func records() throws -> [(record: [String: Any], at: Date)] {
        try lines.map { (try CLI.ndjson($0.line).first ?? [:], $0.at) }
    }

    /// Waits until `count` lines are out (at most `seconds`).
    func waitForLines(_ count: Int, seconds: Double = 10) {
        let deadline = Date().addingTimeInterval(seconds)
        while lines.count < count, Date() < deadline { usleep(20_000) }
    }

    /// Stops it with SIGTERM and waits for the exit; returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        process.terminate()
        process.waitUntilExit()
        out.fileHandleForReading.readabilityHandler = nil
        err.fileHandleForReading.readabilityHandler = nil
        take(stdout: out.fileHandleForReading.readDataToEndOfFile())
        take(stderr: err.fileHandleForReading.readDataToEndOfFile())
        return process.terminationStatus
    }
}

/// Real SIP traffic on 127.0.0.1 for the live tests: SIPp UAC and UAS runs with the
/// scenarios of captures/scenarios/ (the ones captures/generate.sh records), and a tcpdump
/// of the same traffic as the independent capture `calls` reads.
enum LoopbackTraffic {
    /// Whether every program is on PATH.
    static func have(_ tools: [String]) -> Bool {
        tools.allSatisfy { tool in
            (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").contains {
                FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)")
            }
        }
    }

    static func scenario(_ name: String) -> String { TestPaths.captures.appendingPathComponent("scenarios/\(name)").path }

    /// Starts a program in the background with its output in `log`. The test's thread blocks
    /// signals (a Dispatch worker) and a child inherits that mask: `env --default-signal`
    /// unblocks them, so SIGINT and SIGTERM stop it.
    static func background(_ tool: String, _ arguments: [String], log: String, in directory: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["--default-signal", tool] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        try process.run()
        return process
    }

    /// Waits until something listens on UDP `port` of 127.0.0.1 (at most 5 s).
    static func waitForUDP(_ port: Int) {
        for _ in 0..<100 {
            if let listing = try? ProcessRunner.tool("ss", ["-Hlnu", "( sport = :\(port) )"]), !listing.stdout.isEmpty { return }
            usleep(50_000)
        }
    }

    /// One call through a SIPp UAS on `port` (scenario `uas`) from a SIPp UAC on `port + 1`
    /// (scenario `uac`, caller and dialled number from `line`) sent to `target` (default: the
    /// UAS; a proxy's port); media ports `port + 4` and `port + 8`. Returns when both ended.
    static func call(uas: String, uac: String, line: String, callID: String, port: Int, target: Int? = nil, directory: TemporaryDirectory) throws {
        let injection = try directory.write("\(callID).csv", "SEQUENTIAL\n\(line)\n")
        let server = try background("timeout", ["30", "sipp", "-i", "127.0.0.1", "-mi", "127.0.0.1", "-p", "\(port)", "-mp", "\(port + 8)",
                                                "-nostdin", "-sf", scenario(uas), "-m", "1"],
                                    log: directory.file("uas-\(callID).log"), in: directory.path)
        waitForUDP(port)
        try ProcessRunner.tool("timeout", ["30", "sipp", "127.0.0.1:\(target ?? port)", "-i", "127.0.0.1", "-mi", "127.0.0.1", "-p", "\(port + 1)",
                                           "-mp", "\(port + 4)", "-nostdin", "-sf", scenario(uac), "-inf", injection, "-m", "1",
                                           "-d", "1000", "-cid_str", "\(callID)-%u@%s"], in: directory.url)
        server.waitUntilExit()
    }

    /// tcpdump on `lo` writing `file` with `filter`, started (its "listening" line seen).
    static func startCapture(_ file: String, filter: String, log: String) throws -> Process {
        let tcpdump = try background("tcpdump", ["-i", "lo", "-U", "--immediate-mode", "-Z", "root", "-s", "0", "-w", file, filter],
                                     log: log, in: "/")
        for _ in 0..<100 {
            if let text = try? String(contentsOfFile: log, encoding: .utf8), text.contains("listening on") { break }
            usleep(50_000)
        }
        return tcpdump
    }

    static func stopCapture(_ tcpdump: Process) {
        usleep(300_000)
        kill(tcpdump.processIdentifier, SIGINT)
        tcpdump.waitUntilExit()
    }
}
