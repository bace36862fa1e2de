import CCompression

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension DecompressingReader {
    /// A C `FILE` whose reads return this reader's decompressed bytes, for libraries that read
    /// a `FILE *` (libpcap's `pcap_fopen_offline`), through glibc's `fopencookie(3)`: no thread,
    /// no pipe, no temporary file, and memory bounded as the reader's is.
    ///
    /// The stream keeps the reader alive until `fclose`. A decompression error reads as an I/O
    /// error (`ferror`, errno `EIO`); ``failure`` then says what it was.
    /// - Returns: nil where `fopencookie` does not exist (not glibc).
    public func makeCFile() -> UnsafeMutablePointer<FILE>? {
        #if os(Linux)
        var functions = callscope_cookie_io_functions()
        functions.read = { cookie, buffer, size in
            guard let cookie, let buffer else { return -1 }
            let reader = Unmanaged<DecompressingReader>.fromOpaque(cookie).takeUnretainedValue()
            do {
                return try reader.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: size))
            } catch {
                errno = EIO
                return -1
            }
        }
        functions.close = { cookie in
            if let cookie { Unmanaged<DecompressingReader>.fromOpaque(cookie).release() }
            return 0
        }
        let cookie = Unmanaged.passRetained(self).toOpaque()
        guard let file = callscope_fopencookie(cookie, "r", functions) else {
            Unmanaged<DecompressingReader>.fromOpaque(cookie).release()
            return nil
        }
        return file
        #else
        return nil
        #endif
    }
}
