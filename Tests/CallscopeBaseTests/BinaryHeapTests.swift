import CallscopeBase
import Testing

@Suite("Binary heap")
struct BinaryHeapTests {
    /// An element ordered by time then by a tie-breaking index, as every user of the heap orders.
    struct Event: Comparable {
        var time: Int64
        var tie: Int
        static func < (a: Event, b: Event) -> Bool { a.time != b.time ? a.time < b.time : a.tie < b.tie }
    }

    /// Pushes in a seeded random order come out sorted, equal times in tie order, whatever the
    /// size (the sift paths of one, two and many levels).
    @Test(arguments: [0, 1, 2, 3, 7, 100, 1000])
    func popsInOrder(count: Int) {
        var rng = Xoshiro256(seed: UInt64(count))
        var events: [Event] = []
        for tie in 0..<count { events.append(Event(time: Int64(rng.below(count / 4 + 1)), tie: tie)) }
        var heap = BinaryHeap<Event>()
        for event in events.shuffled(using: &rng) { heap.push(event) }
        #expect(heap.count == count)
        var popped: [Event] = []
        while let event = heap.popMin() { popped.append(event) }
        #expect(popped == events.sorted())
        #expect(heap.isEmpty && heap.min == nil)
    }

    /// A k-way merge with `replaceMin` (the capture merge's pattern): each source's next element
    /// replaces the one taken; the output is the sorted union, ties in source order.
    @Test func mergesSortedSources() {
        let sources: [[Int64]] = [[1, 4, 4, 9], [2, 4, 10], [], [4, 4, 5]]
        var heap = BinaryHeap<Event>()
        var next = [Int](repeating: 0, count: sources.count)
        for (index, source) in sources.enumerated() where !source.isEmpty {
            heap.push(Event(time: source[0], tie: index))
            next[index] = 1
        }
        var merged: [Event] = []
        while let top = heap.min {
            merged.append(top)
            let source = top.tie
            if next[source] < sources[source].count {
                heap.replaceMin(with: Event(time: sources[source][next[source]], tie: source))
                next[source] += 1
            } else {
                heap.popMin()
            }
        }
        #expect(merged.map(\.time) == [1, 2, 4, 4, 4, 4, 4, 5, 9, 10])
        // Equal times come out in source order, and one source's equal times in its order.
        #expect(merged.filter { $0.time == 4 }.map(\.tie) == [0, 0, 1, 3, 3])
    }

    @Test func replaceMinOnEmptyPushes() {
        var heap = BinaryHeap<Event>()
        heap.replaceMin(with: Event(time: 5, tie: 0))
        #expect(heap.min == Event(time: 5, tie: 0))
        heap.replaceMin(with: Event(time: 7, tie: 1))
        #expect(heap.count == 1 && heap.min == Event(time: 7, tie: 1))
    }
}
