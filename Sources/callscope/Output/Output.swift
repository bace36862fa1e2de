import Foundation
#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
#endif

/// Standard output: what a command prints is written here as bytes, unchanged.
enum Output {
    /// Writes `bytes` whole to file descriptor 1 (no copy into `Data`: `calls` writes hundreds of
    /// megabytes). A write that fails (disk full, a closed pipe when SIGPIPE is ignored) ends the
    /// run with a message and exit status 74 (EX_IOERR): output cut short is never a success.
    static func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            guard var next = raw.baseAddress else { return }
            var left = raw.count
            while left > 0 {
                let written = systemWrite(1, next, left)
                if written < 0 {
                    if errno == EINTR { continue }
                    StandardError.line("callscope: cannot write the output: \(String(cString: strerror(errno)))")
                    exit(74)
                }
                next += written
                left -= written
            }
        }
    }

    static func write(_ text: String) { write(Array(text.utf8)) }
}
