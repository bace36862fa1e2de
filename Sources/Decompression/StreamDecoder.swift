import CCompression

/// One step of a streaming decompressor: compressed bytes in, decompressed bytes out, with a
/// fixed amount of memory whatever the size of the file (the library's window and our buffers).
protocol StreamDecoder: AnyObject {
    /// Decodes what it can of `input` into `output`, advancing `input` past what it consumed.
    /// - Parameter inputEnded: no input follows `input` (the file ended).
    /// - Returns: how many bytes were written to `output`.
    func decode(_ input: inout UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, inputEnded: Bool) throws(DecoderFailure) -> Int
    /// Whether the data so far ends on the end of a compressed stream (so the input may end here).
    var isAtStreamEnd: Bool { get }
}

/// What a decoder says before the reader adds the path.
struct DecoderFailure: Error {
    var message: String
}

/// Bytes passed through unchanged: standard input that is not compressed.
final class PassthroughDecoder: StreamDecoder {
    func decode(_ input: inout UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, inputEnded: Bool) throws(DecoderFailure) -> Int {
        let count = min(input.count, output.count)
        guard count > 0, let source = input.baseAddress, let target = output.baseAddress else { return 0 }
        target.copyMemory(from: source, byteCount: count)
        input = UnsafeRawBufferPointer(rebasing: input[count...])
        return count
    }

    var isAtStreamEnd: Bool { true }
}

/// gzip through zlib's `inflate` (RFC 1952 members, zlib's automatic header detection).
final class GzipDecoder: StreamDecoder {
    private var stream = z_stream()
    private var ended = false

    init() throws(DecoderFailure) {
        // inflateInit2 is a macro; 15 + 32: the largest window, gzip or zlib header detected.
        let status = inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw DecoderFailure(message: "zlib initialisation failed (\(status))") }
    }

    deinit { inflateEnd(&stream) }

    var isAtStreamEnd: Bool { ended }

    func decode(_ input: inout UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, inputEnded: Bool) throws(DecoderFailure) -> Int {
        if ended {
            guard let first = input.first else { return 0 }
            guard first == 0x1F else {
                // Padding after the last member (tape blocks, zeros): ignored, as gzip -d does.
                input = UnsafeRawBufferPointer(rebasing: input[input.count...])
                return 0
            }
            inflateReset(&stream)  // the next member
            ended = false
        }
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = UInt32(clamping: input.count)
        stream.next_out = output.baseAddress?.assumingMemoryBound(to: Bytef.self)
        let space = UInt32(clamping: output.count)
        stream.avail_out = space
        let status = inflate(&stream, Z_NO_FLUSH)
        let consumed = min(input.count, input.count - Int(stream.avail_in))
        input = UnsafeRawBufferPointer(rebasing: input[consumed...])
        switch status {
        case Z_OK, Z_BUF_ERROR: break  // Z_BUF_ERROR: no progress possible yet, more input needed
        case Z_STREAM_END: ended = true
        default:
            let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
            throw DecoderFailure(message: message)
        }
        return Int(space - stream.avail_out)
    }
}

/// xz through liblzma's stream decoder, concatenated streams read as one.
final class XZDecoder: StreamDecoder {
    /// The largest dictionary accepted: xz -9 needs 64 MiB; a header asking more is refused
    /// rather than allowed to take the machine's memory.
    static let memoryLimit: UInt64 = 256 << 20
    private var stream = lzma_stream()
    private var ended = false

    init() throws(DecoderFailure) {
        // LZMA_CONCATENATED (0x08, lzma/container.h; a macro Swift does not import): streams
        // one after the other are one file, as `xz -d` reads them.
        let status = lzma_stream_decoder(&stream, Self.memoryLimit, 0x08)
        guard status == LZMA_OK else { throw DecoderFailure(message: "liblzma initialisation failed (\(status.rawValue))") }
    }

    deinit { lzma_end(&stream) }

    var isAtStreamEnd: Bool { ended }

    func decode(_ input: inout UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, inputEnded: Bool) throws(DecoderFailure) -> Int {
        if ended { return 0 }
        stream.next_in = input.baseAddress?.assumingMemoryBound(to: UInt8.self)
        stream.avail_in = input.count
        stream.next_out = output.baseAddress?.assumingMemoryBound(to: UInt8.self)
        stream.avail_out = output.count
        let status = lzma_code(&stream, inputEnded ? LZMA_FINISH : LZMA_RUN)
        let consumed = input.count - stream.avail_in
        input = UnsafeRawBufferPointer(rebasing: input[consumed...])
        let written = output.count - stream.avail_out
        switch status {
        case LZMA_OK: break
        case LZMA_STREAM_END: ended = true
        case LZMA_BUF_ERROR: break  // no progress yet; at the end of input, the reader reports it cut short
        case LZMA_MEMLIMIT_ERROR: throw DecoderFailure(message: "needs more than \(Self.memoryLimit >> 20) MiB to decode")
        case LZMA_FORMAT_ERROR: throw DecoderFailure(message: "not in the .xz format")
        case LZMA_DATA_ERROR: throw DecoderFailure(message: "compressed data is corrupt")
        default: throw DecoderFailure(message: "liblzma error \(status.rawValue)")
        }
        return written
    }
}

/// Zstandard through libzstd's streaming decoder (frames one after the other read as one; the
/// window is bounded by libzstd's default limit, 128 MiB).
final class ZstdDecoder: StreamDecoder {
    private let stream: OpaquePointer
    private var ended = true

    init() throws(DecoderFailure) {
        guard let stream = ZSTD_createDStream() else { throw DecoderFailure(message: "libzstd initialisation failed") }
        self.stream = stream
        ZSTD_initDStream(stream)
    }

    deinit { ZSTD_freeDStream(stream) }

    var isAtStreamEnd: Bool { ended }

    func decode(_ input: inout UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, inputEnded: Bool) throws(DecoderFailure) -> Int {
        guard !input.isEmpty || !ended else { return 0 }
        var source = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        var target = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
        let result = ZSTD_decompressStream(stream, &target, &source)
        if ZSTD_isError(result) != 0 {
            throw DecoderFailure(message: String(cString: ZSTD_getErrorName(result)))
        }
        input = UnsafeRawBufferPointer(rebasing: input[min(source.pos, input.count)...])
        // 0: a frame is complete and flushed; the next input, if any, starts another frame.
        ended = result == 0
        return target.pos
    }
}
