#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A regular file mapped read-only, whose pages already read are given back to the system as
/// reading moves on (``release(below:)``), so a streaming read of a file of any size keeps
/// only the part it still looks at in memory.
final class MappedFile {
    private let base: UnsafeMutableRawPointer
    let count: Int
    private var released = 0
    private let pageSize: Int

    /// Maps `path`; nil when it is not a regular, non-empty file that can be mapped.
    init?(path: String) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0, let size = Int(exactly: info.st_size) else { return nil }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != UnsafeMutableRawPointer(bitPattern: -1) else { return nil }
        base = mapped
        count = size
        pageSize = max(4096, Int(sysconf(Int32(_SC_PAGESIZE))))
        _ = madvise(base, count, MADV_SEQUENTIAL)
    }

    deinit { munmap(base, count) }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Gives back the whole pages before `offset` (they are read again from the file if touched).
    func release(below offset: Int) {
        let end = min(offset, count) / pageSize * pageSize
        guard end > released else { return }
        _ = madvise(base + released, end - released, MADV_DONTNEED)
        released = end
    }

    /// Starts another pass from the beginning: ``release(below:)`` gives pages back again from
    /// the first (a pass after the UTF-8 check touches the pages that check gave back).
    func rewind() { released = 0 }
}
