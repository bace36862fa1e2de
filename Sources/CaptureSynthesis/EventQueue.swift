/// A binary min-heap of "next packet" times, one entry per live stream of each call in progress.
///
/// Why: packets of all concurrent calls must come out in timestamp order while memory
/// stays proportional to the calls in progress. Ties are broken by `tie` (call index and
/// stream kind), so the order, hence the file, is deterministic.
/// - Complexity: push, ``replaceTop(time:)`` and ``removeTop()`` are O(log n).
struct EventQueue {
    struct Entry {
        var time: Int64
        var tie: UInt64
        var slot: Int32
        var stream: UInt8
    }

    private(set) var entries: [Entry] = []

    var isEmpty: Bool { entries.isEmpty }
    var count: Int { entries.count }
    /// The earliest entry; only valid when not empty.
    var top: Entry { entries[0] }

    @inline(__always)
    private static func precedes(_ a: Entry, _ b: Entry) -> Bool {
        a.time != b.time ? a.time < b.time : a.tie < b.tie
    }

    mutating func push(_ entry: Entry) {
        entries.append(entry)
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.precedes(entries[child], entries[parent]) else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    /// Gives the top entry a later time and restores the heap.
    mutating func replaceTop(time: Int64) {
        entries[0].time = time
        siftDown(0)
    }

    mutating func removeTop() {
        let last = entries.removeLast()
        if !entries.isEmpty {
            entries[0] = last
            siftDown(0)
        }
    }

    private mutating func siftDown(_ start: Int) {
        let n = entries.count
        var parent = start
        let item = entries[parent]
        while true {
            var child = 2 * parent + 1
            if child >= n { break }
            if child + 1 < n, Self.precedes(entries[child + 1], entries[child]) { child += 1 }
            guard Self.precedes(entries[child], item) else { break }
            entries[parent] = entries[child]
            parent = child
        }
        entries[parent] = item
    }
}
