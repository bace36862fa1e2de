import CPcap

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A pcap file (or standard output) written record by record through libpcap's dump API.
///
/// Owns a "dead" `pcap_t` (`pcap_open_dead_with_tstamp_precision`, nanosecond
/// precision, so the file carries the nanosecond magic `0xa1b23c4d`) and the
/// `pcap_dumper_t` opened on it; `deinit` closes both (`pcap_dump_close`, then
/// `pcap_close`). Records go through `pcap_dump` (pcap_dump(3PCAP)), which buffers
/// with stdio: call ``flush()`` to push them out and learn about write errors
/// (a full disk shows up there, `pcap_dump` itself cannot report it).
/// Not thread-safe: write from one task at a time.
///
/// ```swift
/// let writer = try CaptureWriter(path: "/tmp/out.pcap")
/// frame.withUnsafeBytes { writer.write(timestamp: 1_736_154_000_000_000_000, frame: $0) }
/// try writer.flush()
/// ```
public final class CaptureWriter {
    /// The path given at creation; `-` means standard output.
    public let path: String
    /// The link-layer header type written in the file header (a tcpdump.org `LINKTYPE_` value).
    public let linkType: Int32
    /// The snapshot length written in the file header; longer frames are cut to it.
    public let snapshotLength: Int
    /// Records written so far.
    public private(set) var packetsWritten: Int = 0
    /// Bytes the file holds so far: the 24-byte file header plus 16 bytes and the captured bytes per record.
    public private(set) var bytesWritten: Int = 24

    private let pcap: OpaquePointer
    private let dumper: OpaquePointer
    private let user: UnsafeMutablePointer<UInt8>
    private var header = pcap_pkthdr()

    /// Creates (or truncates) `path` and writes the pcap file header; `-` writes to standard output.
    /// - Parameters:
    ///   - linkType: `LINKTYPE_ETHERNET` (1) unless told otherwise.
    ///   - snapshotLength: the snaplen recorded in the header, 65535 by default.
    /// - Throws: ``CaptureWriteError`` naming the path when the file cannot be created.
    public init(path: String, linkType: Int32 = 1, snapshotLength: Int = 65535) throws(CaptureWriteError) {
        guard snapshotLength > 0, snapshotLength <= Int(Int32.max) else {
            throw CaptureWriteError(path: path, reason: "snapshot length \(snapshotLength) out of range")
        }
        guard let dead = pcap_open_dead_with_tstamp_precision(
            linkType, Int32(snapshotLength), UInt32(PCAP_TSTAMP_PRECISION_NANO))
        else {
            throw CaptureWriteError(path: path, reason: "pcap_open_dead failed for link type \(linkType)")
        }
        let opened: OpaquePointer?
        if path == "-" {
            // fdopen on a duplicate so pcap_dump_close does not close the process's fd 1.
            let fd = dup(1)
            if fd >= 0, let stream = fdopen(fd, "wb") {
                opened = pcap_dump_fopen(dead, stream)
                if opened == nil { fclose(stream) }
            } else {
                if fd >= 0 { close(fd) }
                opened = nil
            }
        } else {
            opened = pcap_dump_open(dead, path)
        }
        guard let opened else {
            let message = pcap_geterr(dead).map { String(cString: $0) } ?? ""
            pcap_close(dead)
            throw CaptureWriteError(path: path, reason: message.isEmpty ? "cannot open for writing" : message)
        }
        self.pcap = dead
        self.dumper = opened
        self.user = UnsafeMutableRawPointer(opened).assumingMemoryBound(to: UInt8.self)
        self.path = path
        self.linkType = linkType
        self.snapshotLength = snapshotLength
        if let file = pcap_dump_file(opened) {
            // A larger stdio buffer: two fwrite calls per record otherwise hit a 4 KiB buffer.
            setvbuf(file, nil, _IOFBF, 1 << 20)
        }
    }

    deinit {
        pcap_dump_close(dumper)
        pcap_close(pcap)
    }

    /// Appends one record.
    /// - Parameters:
    ///   - ns: nanoseconds since the Unix epoch (UTC); negative values are written as 0.
    ///   - frame: the bytes from the link-layer header on; more than ``snapshotLength``
    ///     bytes are cut, the record keeping the full length as its original length.
    /// - Complexity: O(`frame.count`), no allocation.
    public func write(timestamp ns: Int64, frame: UnsafeRawBufferPointer) {
        guard let base = frame.baseAddress else { return }
        let stamp = max(ns, 0)
        header.ts.tv_sec = Int(stamp / 1_000_000_000)
        // With nanosecond precision the "microseconds" field carries nanoseconds.
        header.ts.tv_usec = Int(stamp % 1_000_000_000)
        let captured = min(frame.count, snapshotLength)
        header.caplen = UInt32(captured)
        header.len = UInt32(truncatingIfNeeded: frame.count)
        pcap_dump(user, &header, base.assumingMemoryBound(to: UInt8.self))
        packetsWritten += 1
        bytesWritten += 16 + captured
    }

    /// Pushes buffered records to the file.
    /// - Throws: ``CaptureWriteError`` when the stream reports an error (for example a full disk).
    public func flush() throws(CaptureWriteError) {
        let failed = pcap_dump_flush(dumper) != 0
        let streamError = pcap_dump_file(dumper).map { ferror($0) != 0 } ?? false
        if failed || streamError {
            throw CaptureWriteError(path: path, reason: String(cString: strerror(errno)))
        }
    }
}

/// An error creating or writing a capture file, naming the file and saying why.
///
/// A struct (not an enum) so that detail can be added later without breaking callers,
/// like ``CaptureError`` on the reading side.
public struct CaptureWriteError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The path as given to ``CaptureWriter/init(path:linkType:snapshotLength:)`` (`-` for standard output).
    public let path: String
    /// libpcap's or the C library's message.
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): cannot write capture (\(reason))" }
}
