/// A set for the few elements one call collects (its transactions, its SDP bodies): the first
/// ``linearLimit`` are kept in an array and found by comparison, the rest in a `Set`.
///
/// Why: a call has about six transactions; hashing their keys (a Via branch and a tag, each a
/// `String`, through SipHash) on every message cost more than comparing them with the few
/// already seen (docs/performance.md "SIP steps (session 5)"). Past the limit (hostile or
/// very long calls) lookups stay O(1) expected.
struct SmallSet<Element: Hashable & Sendable>: Sendable {
    private var few: [Element] = []
    private var many: Set<Element> = []

    /// Elements kept in the array before the set takes over.
    static var linearLimit: Int { 16 }

    /// Inserts `element`; true when it was not there.
    mutating func insert(_ element: Element) -> Bool {
        if many.isEmpty {
            if few.contains(element) { return false }
            if few.count < Self.linearLimit {
                few.append(element)
                return true
            }
            many = Set(few)
            few = []
        }
        return many.insert(element).inserted
    }

    /// Inserts the element `matches` finds, unless one kept already matches; `make` builds it
    /// only then (or to hash it, past ``linearLimit``), so a lookup of a known element builds nothing.
    mutating func insert(where matches: (Element) -> Bool, _ make: @autoclosure () -> Element) -> Bool {
        if many.isEmpty {
            if few.contains(where: matches) { return false }
            if few.count < Self.linearLimit {
                few.append(make())
                return true
            }
            many = Set(few)
            few = []
        }
        return many.insert(make()).inserted
    }

    /// Whether an element `matches` finds is kept; `make` builds it only past ``linearLimit``.
    func contains(where matches: (Element) -> Bool, _ make: @autoclosure () -> Element) -> Bool {
        many.isEmpty ? few.contains(where: matches) : many.contains(make())
    }

    var isEmpty: Bool { few.isEmpty && many.isEmpty }

    func contains(_ element: Element) -> Bool {
        many.isEmpty ? few.contains(element) : many.contains(element)
    }
}
