/// A dictionary for the few entries one call keeps by tag (its legs, the answered dialog of
/// each hop, the first 2xx of each To tag): the first ``SmallSet/linearLimit`` entries are kept
/// in one array and found by comparison; past that an index by key takes over.
///
/// Why: a call has one or two legs and hops; a `Dictionary` per map cost an allocation each
/// and a SipHash per lookup (docs/performance.md "SIP steps (session 8)").
struct SmallMap<Value: Sendable>: Sendable {
    /// The entries in insertion order; mutate values in place by index.
    var entries: [(key: String, value: Value)] = []
    /// Key -> index into `entries`, built only past the linear limit.
    private var index: [String: Int] = [:]

    var isEmpty: Bool { entries.isEmpty }

    /// The index of `key`'s entry.
    func firstIndex(of key: String) -> Int? {
        index.isEmpty ? entries.firstIndex { $0.key == key } : index[key]
    }

    /// The value of `key`. Entries are only added or replaced (and all removed at once), so
    /// setting nil does nothing.
    subscript(key: String) -> Value? {
        get { firstIndex(of: key).map { entries[$0].value } }
        set {
            guard let newValue else { return }
            if let found = firstIndex(of: key) { entries[found].value = newValue } else { append(key, newValue) }
        }
    }

    /// Adds an entry for a key not yet present.
    mutating func append(_ key: String, _ value: Value) {
        entries.append((key, value))
        guard entries.count > SmallSet<String>.linearLimit else { return }
        if index.isEmpty {
            for (position, entry) in entries.enumerated() { index[entry.key] = position }
        } else {
            index[key] = entries.count - 1
        }
    }

    mutating func removeAll() {
        entries.removeAll()
        index.removeAll()
    }
}
