import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs the built `callscope` with standard output on a pseudo-terminal of a given width, as in
/// a lead's terminal window: `isatty` is true and TIOCGWINSZ reports `columns` (Linux
/// `/dev/ptmx`, pty(7); the terminal turns `\n` into `\r\n`, turned back here).
public enum Terminal {
    /// `TIOCSPTLCK` and `TIOCGPTN` (asm-generic/ioctls.h): Glibc's Swift module hides
    /// `unlockpt`/`ptsname` behind _XOPEN_SOURCE, and the `_IOW` macros do not import.
    static let unlockRequest: UInt = 0x4004_5431
    static let numberRequest: UInt = 0x8004_5430

    /// A new pseudo-terminal of `columns` x `rows`: its master side, and its slave side as the
    /// child's standard output.
    public static func open(columns: Int, rows: Int = 50) throws -> (master: Int32, terminal: FileHandle) {
        let master = Glibc.open("/dev/ptmx", O_RDWR | O_NOCTTY)
        guard master >= 0 else { throw ProcessRunner.Failure(description: "no pseudo-terminal: errno \(errno)") }
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard ioctl(master, Self.unlockRequest, &unlock) == 0, ioctl(master, Self.numberRequest, &number) == 0 else {
            close(master)
            throw ProcessRunner.Failure(description: "cannot unlock the pseudo-terminal: errno \(errno)")
        }
        let name = "/dev/pts/\(number)"
        var size = winsize(ws_row: UInt16(clamping: rows), ws_col: UInt16(clamping: columns), ws_xpixel: 0, ws_ypixel: 0)
        guard ioctl(master, UInt(TIOCSWINSZ), &size) == 0 else {
            close(master)
            throw ProcessRunner.Failure(description: "TIOCSWINSZ failed: errno \(errno)")
        }
        let slave = Glibc.open(name, O_RDWR | O_NOCTTY)
        guard slave >= 0 else {
            close(master)
            throw ProcessRunner.Failure(description: "cannot open \(name)")
        }
        return (master, FileHandle(fileDescriptor: slave, closeOnDealloc: true))
    }

    public static func run(_ arguments: [String], columns: Int, environment: [String: String] = [:], in directory: URL = TestPaths.root) throws -> ProcessOutput {
        let (master, terminal) = try open(columns: columns)
        defer { close(master) }

        let process = Process()
        process.executableURL = ProcessRunner.builtExecutable("callscope")
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env["COLUMNS"] = nil
        env.merge(environment) { $1 }
        process.environment = env
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("callscope-stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errURL) }
        let err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = terminal
        process.standardError = err
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        try process.run()
        try terminal.close()  // the child holds its own copy; reads end (EIO) when it exits
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
            if count > 0 { output += buffer[0..<count] } else if count < 0, errno == EINTR { continue } else { break }
        }
        process.waitUntilExit()
        try err.close()
        let text = String(decoding: output, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        return ProcessOutput(status: process.terminationStatus, stdout: text, stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}
