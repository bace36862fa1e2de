import Foundation

/// When a capture being written moves on to a new file: after a size (`100MB`) or a span of
/// capture time (`1h`), as `tcpdump -C` and `-G` do.
public enum CaptureRotation: Sendable, Hashable, CustomStringConvertible {
    case size(bytes: Int)
    case time(seconds: Int64)

    /// `500KB`, `100MB`, `2GB` (powers of 1000, as tcpdump's `-C`; at least 1KB), or `30s`, `15m`
    /// (minutes: sizes need the `B`), `1h`, `1d`.
    public init?(_ text: String) {
        let lowered = text.lowercased()
        guard let split = lowered.firstIndex(where: { !$0.isNumber }), let number = Int(lowered[..<split]), number > 0 else { return nil }
        let scaled = { (factor: Int) -> Int in number.multipliedReportingOverflow(by: factor).overflow ? Int.max : number * factor }
        switch lowered[split...] {
        case "b": self = .size(bytes: number)
        case "kb": self = .size(bytes: scaled(1_000))
        case "mb": self = .size(bytes: scaled(1_000_000))
        case "gb": self = .size(bytes: scaled(1_000_000_000))
        case "s": self = .time(seconds: Int64(number))
        case "m": self = .time(seconds: Int64(scaled(60)))
        case "h": self = .time(seconds: Int64(scaled(3_600)))
        case "d": self = .time(seconds: Int64(scaled(86_400)))
        default: return nil
        }
        if case .size(let bytes) = self, bytes < 1_000 { return nil }  // not even a file header and a frame
    }

    public var description: String {
        switch self {
        case .size(let bytes): "\(bytes) bytes"
        case .time(let seconds): "\(seconds) s"
        }
    }
}

/// Frames written to a series of pcap files in `directory`, a new file at each rotation:
/// `PREFIX-YYYYMMDD-HHMMSS-N.pcap` (UTC time of the file's first frame, N from 1), so an audit
/// keeps the evidence of what was analysed live. A file is never split inside a frame; one
/// frame larger than the size limit gets a file of its own.
public final class RotatingCaptureWriter {
    public let directory: String
    public let prefix: String
    public let linkType: Int32
    public let rotation: CaptureRotation
    /// The files written so far, in order.
    public private(set) var files: [String] = []
    private var current: CaptureWriter?
    private var currentStart: Int64 = 0

    /// `prefix` is used in file names with anything but letters, digits, `-`, `_` and `.` as `_`.
    public init(directory: String, prefix: String, linkType: Int32, rotation: CaptureRotation) {
        self.directory = directory
        self.prefix = String(prefix.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "_" })
        self.linkType = linkType
        self.rotation = rotation
    }

    /// Appends a frame, opening the next file first when the rotation says so.
    public func write(timestamp: Int64, frame: UnsafeRawBufferPointer) throws(CaptureWriteError) {
        if let writer = current {
            let rotate: Bool
            switch rotation {
            case .size(let bytes): rotate = writer.packetsWritten > 0 && writer.bytesWritten + 16 + min(frame.count, writer.snapshotLength) > bytes
            case .time(let seconds):
                let span = seconds.multipliedReportingOverflow(by: 1_000_000_000)
                let elapsed = timestamp.subtractingReportingOverflow(currentStart)
                rotate = !span.overflow && !elapsed.overflow && elapsed.partialValue >= span.partialValue
            }
            if rotate {
                try writer.flush()
                current = nil
            }
        }
        if current == nil {
            let path = (directory as NSString).appendingPathComponent("\(prefix)-\(Self.stamp(timestamp))-\(files.count + 1).pcap")
            current = try CaptureWriter(path: path, linkType: linkType)
            currentStart = timestamp
            files.append(path)
        }
        current?.write(timestamp: timestamp, frame: frame)
    }

    /// Pushes what is buffered to the current file (errors such as a full disk show here).
    public func flush() throws(CaptureWriteError) {
        try current?.flush()
    }

    /// `20261205-174530` for an instant in nanoseconds since the epoch (UTC).
    static func stamp(_ nanoseconds: Int64) -> String {
        var seconds = time_t(max(0, nanoseconds / 1_000_000_000))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : String(n) }
        return "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))-\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))"
    }
}
