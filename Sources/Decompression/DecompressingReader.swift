#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file (or standard input) read as its decompressed bytes when it starts with a gzip, xz or
/// Zstandard magic number, and as it is otherwise.
///
/// Streaming, with bounded memory: one 64 KiB input buffer and the decompressor's own state
/// (zlib's 32 KiB window, xz's dictionary up to ``XZDecoder/memoryLimit``, zstd's window up to
/// 128 MiB), whatever the size of the file. A file that ends inside its compressed stream
/// throws ``DecompressionError`` naming the file once everything before the cut was returned.
/// Not thread-safe; a reference type because it owns the file descriptor.
///
/// ```swift
/// let reader = try DecompressingReader(path: "trace.pcap.gz")
/// var chunk = [UInt8](repeating: 0, count: 65_536)
/// while case let count = try chunk.withUnsafeMutableBytes({ try reader.read(into: $0) }), count > 0 { ... }
/// ```
public final class DecompressingReader {
    /// The path as given (`-` for standard input).
    public let path: String
    /// The compression found by magic number; nil when the bytes are read as they are.
    public let format: CompressionFormat?
    /// The first error, kept so a caller that only sees "end of data" (libpcap through a
    /// `FILE`) can report the real cause.
    public private(set) var failure: DecompressionError?

    /// Whether the input is a regular file (not a pipe, FIFO or terminal), which can be opened again.
    public let isRegularFile: Bool

    private let fd: Int32
    private let decoder: StreamDecoder
    private let buffer: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    private var inputEnded = false

    static let bufferSize = 1 << 16

    /// Opens `path` (`-`: standard input, which is not closed) and reads its magic number.
    public convenience init(path: String) throws(DecompressionError) {
        var fd: Int32 = -1
        if path == "-" {
            fd = dup(0)
        } else {
            repeat { fd = open(path, O_RDONLY | O_CLOEXEC) } while fd < 0 && errno == EINTR
        }
        guard fd >= 0 else { throw .cannotOpen(path, String(cString: strerror(errno))) }
        try self.init(fileDescriptor: fd, path: path)
    }

    /// Reads from `fd`, which this reader owns and closes.
    init(fileDescriptor fd: Int32, path: String) throws(DecompressionError) {
        self.fd = fd
        self.path = path
        var status = stat()
        isRegularFile = fstat(fd, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
        buffer = .allocate(byteCount: Self.bufferSize, alignment: 16)
        var filled = 0
        var ended = false
        // The magic number: read until it is complete (a pipe may give fewer bytes at a time).
        while filled < CompressionFormat.magicLength {
            let count = Self.readSome(fd, into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            if count < 0 {
                let message = String(cString: strerror(errno))
                buffer.deallocate()
                close(fd)
                throw .readFailed(path, message)
            }
            if count == 0 { ended = true; break }
            filled += count
        }
        end = filled
        inputEnded = ended
        let format = CompressionFormat.detect(UnsafeRawBufferPointer(rebasing: buffer[0..<filled]))
        self.format = format
        do {
            switch format {
            case nil: decoder = PassthroughDecoder()
            case .gzip: decoder = try GzipDecoder()
            case .xz: decoder = try XZDecoder()
            case .zstd: decoder = try ZstdDecoder()
            }
        } catch {
            buffer.deallocate()
            close(fd)
            throw .corrupt(path, format ?? .gzip, error.message)
        }
    }

    deinit {
        buffer.deallocate()
        close(fd)
    }

    /// Fills `output` with the next decompressed bytes.
    /// - Returns: how many bytes were written; 0 only at the end of the data.
    /// - Throws: ``DecompressionError`` when the file cannot be read, is corrupt, or ends inside
    ///   its compressed stream; again on every later call.
    public func read(into output: UnsafeMutableRawBufferPointer) throws(DecompressionError) -> Int {
        if let failure { throw failure }
        guard !output.isEmpty else { return 0 }
        do {
            return try decodeSome(into: output)
        } catch {
            failure = error
            throw error
        }
    }

    private func decodeSome(into output: UnsafeMutableRawBufferPointer) throws(DecompressionError) -> Int {
        while true {
            if start == end && !inputEnded {
                let count = Self.readSome(fd, into: buffer)
                if count < 0 { throw .readFailed(path, String(cString: strerror(errno))) }
                start = 0
                end = count
                inputEnded = count == 0
            }
            var input = UnsafeRawBufferPointer(rebasing: buffer[start..<end])
            let before = input.count
            let written: Int
            do {
                written = try decoder.decode(&input, into: output, inputEnded: inputEnded)
            } catch {
                throw .corrupt(path, format ?? .gzip, error.message)
            }
            start = end - input.count
            if written > 0 { return written }
            if start == end {
                guard inputEnded else { continue }
                if decoder.isAtStreamEnd { return 0 }
                throw .truncated(path, format ?? .gzip)
            }
            // The libraries take all the input they are given unless the output is full (and
            // then wrote something): input left with nothing done would loop forever.
            if input.count == before { throw .corrupt(path, format ?? .gzip, "the decoder makes no progress") }
        }
    }

    /// The rest of the decompressed data at once (CDR files, which their readers take whole).
    public func readAll() throws(DecompressionError) -> [UInt8] {
        var result: [UInt8] = []
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let count = try read(into: chunk)
            if count == 0 { return result }
            result.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[0..<count]))
        }
    }

    /// Up to `count` decompressed bytes from the start of `path`, for format detection; fewer
    /// when the data is shorter or cannot be decoded that far.
    public static func head(of path: String, count: Int) -> [UInt8] {
        guard let reader = try? DecompressingReader(path: path) else { return [] }
        var result = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = (try? result.withUnsafeMutableBytes { try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...])) }) ?? 0
            if got == 0 { break }
            filled += got
        }
        return Array(result[0..<filled])
    }

    /// `read(2)` retried on EINTR; -1 on error.
    static func readSome(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        while true {
            let count = systemRead(fd, buffer.baseAddress, buffer.count)
            if count >= 0 || errno != EINTR { return count }
        }
    }
}

/// `read(2)`, named apart from ``DecompressingReader/read(into:)``.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}
