/// A binary min-heap: the smallest element (by `<`) first.
///
/// Why one: the capture merge (several files by time), the decoding pool's merge and the
/// synthetic capture's packet schedule all need "the next event in time order" with memory
/// proportional to the sources, not the events. A heap is not stable: elements that compare
/// equal come out in no defined order, so every user breaks ties inside its `<` (the file
/// index, the call and stream), which makes the order total and the output deterministic.
///
/// ```swift
/// var heap = BinaryHeap<Pending>()
/// heap.push(Pending(time: 20, file: 1))
/// heap.push(Pending(time: 10, file: 0))
/// heap.popMin()   // time 10
/// ```
/// - Complexity: ``push(_:)``, ``popMin()`` and ``replaceMin(with:)`` are O(log n); ``min`` is O(1).
public struct BinaryHeap<Element: Comparable> {
    /// The elements in heap order: `elements[i] <= elements[2i+1], elements[2i+2]`.
    @usableFromInline var elements: [Element] = []

    @inlinable public init() {}

    @inlinable public var isEmpty: Bool { elements.isEmpty }
    @inlinable public var count: Int { elements.count }
    /// The smallest element, or nil when empty.
    @inlinable public var min: Element? { elements.first }

    @inlinable public mutating func reserveCapacity(_ capacity: Int) { elements.reserveCapacity(capacity) }

    /// Adds `element`.
    @inlinable
    public mutating func push(_ element: Element) {
        elements.append(element)
        var child = elements.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard elements[child] < elements[parent] else { break }
            elements.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the smallest element, or nil when empty.
    @inlinable
    @discardableResult
    public mutating func popMin() -> Element? {
        guard let last = elements.popLast() else { return nil }
        guard !elements.isEmpty else { return last }
        let top = elements[0]
        elements[0] = last
        siftDown()
        return top
    }

    /// Replaces the smallest element by `element` (one sift instead of a pop and a push);
    /// when empty, `element` is pushed.
    @inlinable
    public mutating func replaceMin(with element: Element) {
        guard !elements.isEmpty else { return push(element) }
        elements[0] = element
        siftDown()
    }

    /// Moves the root down to its place.
    @inlinable
    mutating func siftDown() {
        let count = elements.count
        let item = elements[0]
        var parent = 0
        while true {
            var child = 2 * parent + 1
            if child >= count { break }
            if child + 1 < count, elements[child + 1] < elements[child] { child += 1 }
            guard elements[child] < item else { break }
            elements[parent] = elements[child]
            parent = child
        }
        elements[parent] = item
    }
}

extension BinaryHeap: Sendable where Element: Sendable {}
