import CPcap
import Decompression

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A pcap or pcapng file (or standard input) read record by record through libpcap.
///
/// A file (or standard input) compressed with gzip, xz or Zstandard, recognised by its magic
/// number whatever its name, is read through a ``DecompressingReader`` handed to libpcap as a
/// `FILE` (`pcap_fopen_offline`): streaming, so a multi-GB rotated `.pcap.gz` never sits in memory.
///
/// Owns the `pcap_t` and closes it in `deinit`. Timestamps are read with
/// `PCAP_TSTAMP_PRECISION_NANO` so nanosecond captures keep their resolution
/// (pcap_open_offline(3PCAP), pcap_next_ex(3PCAP)). Not thread-safe: use one
/// file from one task at a time.
///
/// ```swift
/// let file = try CaptureFile(path: "captures/call.pcap")
/// while let frame = try file.next() {
///     // frame.data is valid until the next call to next()
/// }
/// ```
public final class CaptureFile {
    /// The path given at creation; `-` means standard input.
    public let path: String
    /// The link-layer header type (`pcap_datalink`), a tcpdump.org `LINKTYPE_` value.
    public let linkType: Int32
    /// A number identifying the file in ``CapturedFrame/fileIndex``; ``MergedCapture``
    /// sets it to the file's position in its list.
    public internal(set) var fileIndex: Int
    /// How many frames have been returned so far.
    public private(set) var framesRead: Int = 0

    private let handle: OpaquePointer
    /// The decompressor behind libpcap's `FILE`, for compressed files and standard input.
    private let decompressor: DecompressingReader?
    private var failed = false
    /// The classic pcap format (`pcap_major_version` 2; pcapng files report 1), whose record
    /// seconds are unsigned 32-bit.
    private let classicFormat: Bool

    /// Opens `path` (pcap or pcapng); `-` reads standard input.
    /// - Throws: ``CaptureError`` naming the path when the file cannot be opened or read as a capture.
    public init(path: String, fileIndex: Int = 0) throws(CaptureError) {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        // Standard input always goes through the reader (it may be compressed and cannot be
        // peeked at twice); a regular file only when it starts with a compression magic number.
        // A FIFO is read once, so its peeked magic number stays in the reader too. A file the
        // reader cannot open goes to libpcap, whose message says why.
        var decompressor: DecompressingReader?
        if path == "-" {
            do { decompressor = try DecompressingReader(path: path) } catch {
                throw CaptureError.openFailed(path: path, message: error.reason)
            }
        } else if let reader = try? DecompressingReader(path: path), reader.format != nil || !reader.isRegularFile {
            decompressor = reader
        }
        let opened: OpaquePointer? = errorBuffer.withUnsafeMutableBufferPointer { buffer in
            let precision = UInt32(PCAP_TSTAMP_PRECISION_NANO)
            if let decompressor {
                guard let stream = decompressor.makeCFile() else { return nil }
                let pcap = pcap_fopen_offline_with_tstamp_precision(stream, precision, buffer.baseAddress)
                if pcap == nil { fclose(stream) }
                return pcap
            }
            return pcap_open_offline_with_tstamp_precision(path, precision, buffer.baseAddress)
        }
        guard let opened else {
            if let failure = decompressor?.failure {
                throw CaptureError.decompressionFailed(path: path, message: failure.reason)
            }
            let message = errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw CaptureError.openFailed(path: path, message: message.isEmpty ? "cannot open" : message)
        }
        self.decompressor = decompressor
        self.handle = opened
        self.path = path
        self.fileIndex = fileIndex
        self.linkType = pcap_datalink(opened)
        self.classicFormat = pcap_major_version(opened) == 2
    }

    deinit {
        pcap_close(handle)
    }

    /// Reads the next record.
    ///
    /// - Returns: the frame, or `nil` at the end of the file (and after an error was thrown).
    /// - Throws: ``CaptureError`` with the frame number when the record cannot be read,
    ///   for example a file cut in the middle of a record. Frames before it were delivered.
    /// - Important: the returned frame's `data` is valid only until the next call.
    public func next() throws(CaptureError) -> CapturedFrame? {
        if failed { return nil }
        var header: UnsafeMutablePointer<pcap_pkthdr>?
        var bytes: UnsafePointer<UInt8>?
        let status = pcap_next_ex(handle, &header, &bytes)
        switch status {
        case 1:
            guard let header else { return nil }
            framesRead += 1
            let pkthdr = header.pointee
            let captured = Int(pkthdr.caplen)
            let data = UnsafeRawBufferPointer(start: bytes.map(UnsafeRawPointer.init), count: bytes == nil ? 0 : captured)
            return CapturedFrame(
                data: data,
                timestamp: Self.nanoseconds(seconds: classicFormat ? Self.unsignedSeconds(Int64(pkthdr.ts.tv_sec)) : Int64(pkthdr.ts.tv_sec), fraction: Int64(pkthdr.ts.tv_usec)),
                capturedLength: data.count,
                originalLength: Int(pkthdr.len),
                linkType: linkType,
                fileIndex: fileIndex,
                frameNumber: framesRead
            )
        case -2:
            // A decompression error reads as an I/O error, but a cut on a record boundary could
            // look like the end of the file: the reader knows.
            if let failure = decompressor?.failure {
                failed = true
                throw CaptureError.readFailed(path: path, frameNumber: framesRead + 1, message: failure.reason)
            }
            return nil
        default:
            // -1 is an error (never the end of file); 0 (timeout) cannot happen on files.
            failed = true
            let message = decompressor?.failure?.reason ?? pcap_geterr(handle).map { String(cString: $0) } ?? "read error \(status)"
            throw CaptureError.readFailed(path: path, frameNumber: framesRead + 1, message: message)
        }
    }

    /// The seconds of a classic pcap record as the format defines them: unsigned 32-bit
    /// (pcap file format, draft-ietf-opsawg-pcap §5: "Timestamp (Seconds)", 32 bits, unsigned;
    /// good until 2106). libpcap's reader passes them through a signed 32-bit field
    /// (`struct pcap_sf_pkthdr`), so a record from 2038-01-19T03:14:08Z on comes out negative
    /// (1901); tshark reads them unsigned, and so do we. pcapng timestamps are 64-bit and left alone.
    static func unsignedSeconds(_ seconds: Int64) -> Int64 {
        Int64(UInt32(truncatingIfNeeded: seconds))
    }

    /// Seconds and nanoseconds to nanoseconds since the epoch, saturating instead of trapping on absurd values.
    static func nanoseconds(seconds: Int64, fraction: Int64) -> Int64 {
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, overflow2) = scaled.addingReportingOverflow(fraction)
        if overflow2 { return scaled < 0 ? .min : .max }
        return sum
    }
}

extension CaptureFile {
    /// Reads every record of `path` with nothing but `pcap_next_ex`, touching one byte of each:
    /// the floor any analysis of the file stands on (`callscope bench read`).
    /// - Returns: records and captured bytes read.
    public static func readFloor(path: String) throws(CaptureError) -> (frames: Int, bytes: Int, checksum: UInt8) {
        let file = try CaptureFile(path: path)
        var header: UnsafeMutablePointer<pcap_pkthdr>?
        var bytes: UnsafePointer<UInt8>?
        var frames = 0
        var total = 0
        var checksum: UInt8 = 0
        while true {
            let status = pcap_next_ex(file.handle, &header, &bytes)
            guard status == 1 else {
                if status == -2 { break }
                let message = pcap_geterr(file.handle).map { String(cString: $0) } ?? "read error \(status)"
                throw CaptureError.readFailed(path: path, frameNumber: frames + 1, message: message)
            }
            frames += 1
            if let header, let bytes {
                total += Int(header.pointee.caplen)
                checksum &+= bytes[0]
            }
        }
        return (frames, total, checksum)
    }
}
