import CallscopeBase

/// The synthetic capture's schedule: a ``CallscopeBase/BinaryHeap`` of "next packet" times, one
/// entry per live stream of each call in progress.
///
/// Why: packets of all concurrent calls must come out in timestamp order while memory
/// stays proportional to the calls in progress. Ties are broken by `tie` (call index and
/// stream kind), so the order, hence the file, is deterministic.
typealias EventQueue = BinaryHeap<ScheduledPacket>

/// The next packet of one stream of one call in progress.
struct ScheduledPacket: Comparable {
    var time: Int64
    /// Call index << 3 | stream kind: unique among the entries, so the order is total.
    var tie: UInt64
    var slot: Int32
    var stream: UInt8

    @inline(__always)
    static func < (a: ScheduledPacket, b: ScheduledPacket) -> Bool {
        a.time != b.time ? a.time < b.time : a.tie < b.tie
    }
}
