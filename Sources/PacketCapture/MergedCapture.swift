import CallscopeBase

/// Several capture files read as one, frames in timestamp order.
///
/// A k-way merge holding one pending frame per file in a binary heap ordered by
/// (timestamp, fileIndex): equal timestamps come out in file order, and frames of
/// one file keep their file order. It is zero-copy: the frame returned by
/// ``next()`` still points into its file's libpcap buffer, and that file is only
/// advanced at the start of the following ``next()`` call.
///
/// Copies: a frame with the same timestamp and bytes as a frame another file delivered (the
/// same capture given twice, one audit taken on two interfaces) is read once
/// (``DuplicateFrameFilter``) and counted in ``duplicateFrames``; files that only share
/// Call-IDs (rotated captures) are merged as they are.
///
/// Errors: a file that fails while reading (truncated, corrupt) is dropped from the
/// merge and its ``CaptureError`` (path and frame number) is appended to
/// ``errors``; the merge goes on with the other files, so a bad file never loses
/// frames of good files. Frames the bad file delivered before the failure are kept.
///
/// ```swift
/// let merged = MergedCapture(files: try paths.map { try CaptureFile(path: $0) })
/// while let frame = merged.next() { ... }
/// for error in merged.errors { print(error) }
/// ```
public final class MergedCapture {
    /// The files being merged; each one's ``CaptureFile/fileIndex`` is its position here.
    public let files: [CaptureFile]
    /// Read errors met so far, in the order they happened. The file concerned was dropped from the merge.
    public private(set) var errors: [CaptureError] = []
    /// Frames skipped because another file delivered the same frame (same timestamp and bytes).
    public private(set) var duplicateFrames = 0

    private var duplicates = DuplicateFrameFilter()

    private var heap = BinaryHeap<Pending>()
    private var started = false
    /// The file whose frame was returned last; advanced lazily on the next call.
    private var lastReturned: Int?

    /// A file's next frame, ordered by (timestamp, file index).
    private struct Pending: Comparable {
        var frame: CapturedFrame
        var fileIndex: Int { frame.fileIndex }
        static func < (a: Pending, b: Pending) -> Bool {
            a.frame.timestamp != b.frame.timestamp ? a.frame.timestamp < b.frame.timestamp : a.fileIndex < b.fileIndex
        }
        /// One pending frame per file: the file identifies it.
        static func == (a: Pending, b: Pending) -> Bool { a.fileIndex == b.fileIndex }
    }

    /// Merges `files`, setting each file's ``CaptureFile/fileIndex`` to its position in the array.
    /// The files must not be read elsewhere while merged.
    public init(files: [CaptureFile]) {
        self.files = files
        for (index, file) in files.enumerated() { file.fileIndex = index }
        heap.reserveCapacity(files.count)
    }

    /// The next frame in time order, or `nil` when every file is exhausted or failed; a copy of
    /// a frame another file delivered is skipped.
    /// - Important: the frame's `data` is valid only until the next call to `next()`.
    /// - Complexity: O(log k) for k files; a frame is hashed only when another file has a frame
    ///   with the same timestamp.
    public func next() -> CapturedFrame? {
        if files.count == 1 { return nextOfOnlyFile() }
        if !started {
            started = true
            for index in files.indices { advance(index) }
        } else if let last = lastReturned {
            lastReturned = nil
            advance(last)
        }
        while let top = heap.popMin() {
            // The heap now holds the other files' next frames: a copy of this one would be among them.
            if duplicates.mustCheck(time: top.frame.timestamp, file: top.fileIndex, nextOfOtherFiles: heap.min?.frame.timestamp),
               duplicates.isDuplicate(fingerprint: DuplicateFrameFilter.fingerprint(of: top.frame), file: top.fileIndex) {
                duplicateFrames += 1
                advance(top.fileIndex)
                continue
            }
            lastReturned = top.fileIndex
            return top.frame
        }
        return nil
    }

    /// One file needs no heap: its frames are already in order.
    private func nextOfOnlyFile() -> CapturedFrame? {
        guard !started || lastReturned != nil else { return nil }  // the file failed or ended
        started = true
        do {
            if let frame = try files[0].next() {
                lastReturned = 0
                return frame
            }
        } catch {
            errors.append(error)
        }
        lastReturned = nil
        return nil
    }

    private func advance(_ index: Int) {
        do {
            if let frame = try files[index].next() { heap.push(Pending(frame: frame)) }
        } catch {
            errors.append(error)
        }
    }
}
