/// Recognises a frame that another input file already delivered: the same timestamp and the
/// same bytes (a capture copied twice into one folder, one audit taken on two interfaces of the
/// same host), so it is read once.
///
/// Why only equal timestamps: frames come out of the merge in timestamp order, so a copy from
/// another file arrives next to its original. Only frames whose timestamp another file also
/// delivers are fingerprinted (a hash of their bytes), and only the frames of the current
/// timestamp are remembered: nothing is hashed or kept for inputs that merely share Call-IDs
/// (rotated captures). Copies are counted per file: when file A holds a frame twice and file B
/// once, A's second copy is kept. At most `maxFramesPerTimestamp` frames of one timestamp are
/// remembered (a capture whose clock never moves would otherwise be held whole): beyond, frames
/// of that timestamp are kept as they are.
///
/// ```swift
/// var filter = DuplicateFrameFilter()
/// if filter.mustCheck(time: t, file: f, nextOfOtherFiles: nextTime),
///    filter.isDuplicate(fingerprint: DuplicateFrameFilter.fingerprint(of: frame), file: f) { skip }
/// ```
public struct DuplicateFrameFilter: Sendable {
    private struct Key: Hashable { var fingerprint: Int; var file: Int }
    private var time: Int64 = .min
    /// How many times each file delivered each fingerprint at `time` (one flat table, cleared
    /// in place: no allocation per frame once warm).
    private var seen: [Key: Int] = [:]
    /// Files that delivered a fingerprinted frame at `time` (as many as the inputs at most).
    private var files: [Int] = []
    static let maxFramesPerTimestamp = 65_536

    public init() {}

    /// Whether a frame of `file` at `time` can be a copy, so must be fingerprinted: another file
    /// delivered a frame at this time, or another file's next frame (`nextOfOtherFiles`, the
    /// earliest pending frame of the other files) has this time.
    /// - Complexity: O(1) unless several files share the timestamp.
    public mutating func mustCheck(time: Int64, file: Int, nextOfOtherFiles: Int64?) -> Bool {
        if time != self.time {
            self.time = time
            if !files.isEmpty {
                seen.removeAll(keepingCapacity: true)
                files.removeAll(keepingCapacity: true)
            }
        }
        guard seen.count < Self.maxFramesPerTimestamp else { return false }
        return nextOfOtherFiles == time || files.contains { $0 != file }
    }

    /// Records a frame of `file` (at the time given to the last ``mustCheck(time:file:nextOfOtherFiles:)``)
    /// and says whether it repeats a frame another file delivered more often than this one did.
    /// - Complexity: O(f) dictionary lookups for f files with frames at this time.
    public mutating func isDuplicate(fingerprint: Int, file: Int) -> Bool {
        if !files.contains(file) { files.append(file) }
        let key = Key(fingerprint: fingerprint, file: file)
        let here = seen[key] ?? 0
        var elsewhere = 0
        for other in files where other != file {
            elsewhere = max(elsewhere, seen[Key(fingerprint: fingerprint, file: other)] ?? 0)
        }
        seen[key] = here + 1
        return here < elsewhere
    }

    /// How many leading bytes ``headerFingerprint(of:)`` covers: every link, IP and transport
    /// header short of deep tunnel stacks.
    public static let headerBytes = 256

    /// A hash of a frame's lengths, link type and first ``headerBytes`` bytes: with the payload
    /// the frame decoded to, what tells copies apart when the frame's bytes are gone (`--jobs`).
    /// Constant cost per frame, so decoding threads can compute it for every frame.
    ///
    /// A multiply-xor mix over 8-byte words rather than `Hasher` (SipHash): it runs for every frame
    /// of every file with `--jobs`, where SipHash over 256 bytes cost about half the pool's time
    /// again on the capture benchmark (0.87 s -> 1.39 s for 2M packets in two files). It only needs
    /// to tell apart frames of one timestamp, and the merge hashes the payload with `Hasher` on top.
    public static func headerFingerprint(of frame: CapturedFrame) -> Int {
        let bytes = UnsafeRawBufferPointer(rebasing: frame.data.prefix(headerBytes))
        var state = UInt64(truncatingIfNeeded: frame.linkType) &* 0x9E37_79B9_7F4A_7C15
            ^ UInt64(truncatingIfNeeded: frame.originalLength) << 32 ^ UInt64(truncatingIfNeeded: frame.capturedLength)
        var offset = 0
        while offset + 8 <= bytes.count {
            state = (state ^ bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            state ^= state >> 29
            offset += 8
        }
        while offset < bytes.count {
            state = (state ^ UInt64(bytes[offset])) &* 0xC4CE_B9FE_1A85_EC53
            offset += 1
        }
        state ^= state >> 32
        return Int(truncatingIfNeeded: state)
    }

    /// A hash of a frame's bytes, lengths and link type (consistent within one run).
    public static func fingerprint(of frame: CapturedFrame) -> Int {
        var hasher = Hasher()
        hasher.combine(frame.linkType)
        hasher.combine(frame.originalLength)
        hasher.combine(frame.capturedLength)
        hasher.combine(bytes: frame.data)
        return hasher.finalize()
    }
}
