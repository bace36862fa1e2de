#if canImport(Glibc)
import Glibc
#endif

/// A text file that keeps growing, read as `tail -F` does: the complete lines written since
/// the last read, a half-written last line held back until its newline arrives.
///
/// Rotation is seen by name: when the path names another file (a new inode: the log was moved
/// away and a new one created), the old file is read to its end first, then the new one from
/// its start; when the file shrinks (truncated in place, logrotate's `copytruncate`), it is
/// read again from its start. So no line is lost or read twice across a rotation, except
/// lines written between the last read and a truncation, which no reader can see.
final class FollowedFile {
    let path: String
    private var fd: Int32 = -1
    private var device: UInt64 = 0
    private var inode: UInt64 = 0
    private var offset: Int64 = 0
    /// Bytes of the line being written (no newline yet).
    private var partial: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: 65_536)
    /// The file line number of the next complete line (1-based, of the file now open).
    private(set) var nextLine = 1
    /// What happened to the file (rotations, a line too long), for the diagnostics.
    private(set) var notes: [String] = []
    /// A half-written line longer than this is dropped (hostile or not a line-based file).
    static let maxLineBytes = 1 << 20

    /// Opens `path` and starts after its last complete line (`fromStart`: at its start).
    /// A file that does not exist yet is opened when it appears.
    init(path: String, fromStart: Bool) {
        self.path = path
        guard open() else { return }
        if !fromStart {
            var info = stat()
            if fstat(fd, &info) == 0 { skipToLastLine(size: Int64(info.st_size)) }
        }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// The first `limit` bytes of the file now open, for telling its format.
    func head(_ limit: Int = 65_536) -> [UInt8] {
        guard fd >= 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: limit)
        let count = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, limit, 0) }
        return count > 0 ? Array(bytes.prefix(count)) : []
    }

    /// Takes the notes made since the last call.
    func takeNotes() -> [String] {
        defer { notes.removeAll() }
        return notes
    }

    /// Complete lines of one file, with the file line number of the first.
    struct Lines {
        var bytes: [UInt8] = []
        var firstLine: Int
    }

    /// The complete lines written since the last call (each with its newline; CR LF kept):
    /// one piece, or two across a rotation (the old file's end, then the new file's start).
    func readLines() -> [Lines] {
        if fd < 0, !open() { return [] }
        var pieces: [Lines] = []
        var named = stat()
        if stat(path, &named) == 0, UInt64(named.st_dev) != device || UInt64(named.st_ino) != inode {
            // Rotated: what the old file still holds comes first, then the new file from its start.
            var old = Lines(firstLine: nextLine)
            readToEnd(into: &old.bytes)
            if !old.bytes.isEmpty { pieces.append(old) }
            if !partial.isEmpty {
                notes.append("\(path): \(partial.count) bytes without a newline at the end of the rotated file, dropped")
            }
            close(fd)
            fd = -1
            notes.append("\(path): rotated (a new file), read from its start")
            guard open() else { return pieces }
        } else {
            var info = stat()
            if fstat(fd, &info) == 0, Int64(info.st_size) < offset {
                notes.append("\(path): truncated (\(info.st_size) bytes, \(offset) read), read again from its start")
                offset = 0
                partial.removeAll()
                nextLine = 1
            }
        }
        var current = Lines(firstLine: nextLine)
        readToEnd(into: &current.bytes)
        if !current.bytes.isEmpty { pieces.append(current) }
        return pieces
    }

    /// Reads from `offset` to the end of the open file, appending complete lines to `out`.
    private func readToEnd(into out: inout [UInt8]) {
        while true {
            let count = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset)) }
            guard count > 0 else { return }
            offset += Int64(count)
            guard let lastNewline = chunk[0..<count].lastIndex(of: 0x0A) else {
                partial.append(contentsOf: chunk[0..<count])
                if partial.count > Self.maxLineBytes {
                    notes.append("\(path): a line of more than \(Self.maxLineBytes) bytes, dropped")
                    partial.removeAll()
                }
                continue
            }
            out.append(contentsOf: partial)
            partial.removeAll(keepingCapacity: true)
            out.append(contentsOf: chunk[0...lastNewline])
            partial.append(contentsOf: chunk[(lastNewline + 1)..<count])
            nextLine += chunk[0...lastNewline].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        }
    }

    /// Skips what the file holds now, up to its last newline: the lines before `watch` started.
    private func skipToLastLine(size: Int64) {
        var position = size
        var lines = 0
        var found = false
        while position > 0, !found {
            let start = max(0, position - Int64(chunk.count))
            let count = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, Int(position - start), off_t(start)) }
            guard count > 0 else { break }
            if let last = chunk[0..<count].lastIndex(of: 0x0A) {
                offset = start + Int64(last) + 1
                found = true
            }
            position = start
        }
        guard found else { return }  // no complete line: everything is the first, half-written, line
        // Line numbers: count the newlines skipped.
        var read: Int64 = 0
        while read < offset {
            let count = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, Int(min(Int64($0.count), offset - read)), off_t(read)) }
            guard count > 0 else { break }
            lines += chunk[0..<count].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            read += Int64(count)
        }
        nextLine = lines + 1
    }

    private func open() -> Bool {
        let opened = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard opened >= 0 else { return false }
        var info = stat()
        guard fstat(opened, &info) == 0 else { close(opened); return false }
        fd = opened
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        offset = 0
        nextLine = 1
        partial.removeAll()
        return true
    }
}
