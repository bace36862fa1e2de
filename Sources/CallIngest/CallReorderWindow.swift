import CallModel
import CallscopeBase

/// Puts calls handed on out of order (as they complete) back in start order, then Call-ID (the
/// order of `calls`, README "Output order"), holding only the calls that may still be overtaken.
///
/// The source says how far the order is settled: ``release(before:to:)`` writes every held call
/// starting before that instant. A call added after a later one was released (a source that
/// broke its own bound) is written at the next release, out of order, rather than held forever.
public struct CallReorderWindow {
    /// A held call's place: the heap orders these, the calls stay put in `slots`.
    private struct Entry: Comparable {
        var start: Int64
        var callID: String
        var slot: Int
        static func < (a: Entry, b: Entry) -> Bool {
            a.start != b.start ? a.start < b.start : a.callID != b.callID ? a.callID < b.callID : a.slot < b.slot
        }
    }

    private var heap = BinaryHeap<Entry>()
    private var slots: [Call?] = []
    private var free: [Int] = []
    /// The most calls held at once.
    public private(set) var peak = 0
    /// Calls added after a call that comes after them was written (their source broke its
    /// bound): each was written out of order.
    public private(set) var lateCalls = 0
    /// The order of the last call written.
    private var lastReleased: (start: Int64, callID: String)?

    /// The calls held now.
    public var count: Int { heap.count }

    public init() {}

    /// Holds `call` until its turn.
    public mutating func add(_ call: consuming Call) {
        let slot: Int
        let entry = Entry(start: call.start.nanoseconds, callID: call.callID, slot: free.last ?? slots.count)
        if let reused = free.popLast() {
            slot = reused
            slots[slot] = call
        } else {
            slot = slots.count
            slots.append(call)
        }
        heap.push(entry)
        if let last = lastReleased, (entry.start, entry.callID) < last { lateCalls += 1 }
        peak = max(peak, heap.count)
    }

    /// Hands on, in order, every held call starting before `floor` (nanoseconds since the epoch);
    /// each call is moved out, not copied.
    public mutating func release(before floor: Int64, to emit: (consuming Call) -> Void) {
        while let first = heap.min, first.start < floor || floor == .max {
            heap.popMin()
            lastReleased = (first.start, first.callID)
            if let call = slots[first.slot].take() { emit(call) }
            free.append(first.slot)
        }
    }
}
