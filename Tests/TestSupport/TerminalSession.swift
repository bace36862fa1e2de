import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The built `callscope` running with standard output on a pseudo-terminal (``Terminal``) while
/// the test goes on: what it draws is read on a thread of its own and kept as the raw bytes the
/// terminal received (escape sequences included), for a long-running command such as `watch`.
public final class TerminalSession: @unchecked Sendable {
    private let process = Process()
    private let master: Int32
    private let lock = NSLock()
    private var received: [UInt8] = []
    private let errURL: URL
    private let reader = DispatchGroup()

    public init(_ arguments: [String], columns: Int, rows: Int, in directory: URL = TestPaths.root) throws {
        let (master, terminal) = try Terminal.open(columns: columns, rows: rows)
        self.master = master
        process.executableURL = ProcessRunner.builtExecutable("callscope")
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["COLUMNS"] = nil
        process.environment = environment
        errURL = FileManager.default.temporaryDirectory.appendingPathComponent("callscope-stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.standardOutput = terminal
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        try process.run()
        try terminal.close()  // the child holds its own copy; reads end (EIO) when it exits
        reader.enter()
        Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
                if count > 0 {
                    lock.lock(); received += buffer[0..<count]; lock.unlock()
                } else if count < 0, errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            reader.leave()
        }.start()
    }

    deinit {
        if process.isRunning { process.terminate() }
        close(master)
        try? FileManager.default.removeItem(at: errURL)
    }

    /// The bytes drawn so far.
    public var output: [UInt8] { lock.lock(); defer { lock.unlock() }; return received }

    public var stderr: String { (try? String(contentsOf: errURL, encoding: .utf8)) ?? "" }

    /// Waits until the output so far satisfies `condition` (at most `seconds`); whether it did.
    @discardableResult
    public func wait(seconds: Double, until condition: ([UInt8]) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition(output) { return true }
            usleep(50_000)
        }
        return condition(output)
    }

    /// Stops it with SIGTERM, waits for the exit and for the last bytes; returns the exit status.
    @discardableResult
    public func stop() -> Int32 {
        process.terminate()
        process.waitUntilExit()
        _ = reader.wait(timeout: .now() + 5)
        return process.terminationStatus
    }
}
