import PacketDecoding

/// An open-addressing hash table with linear probing over a dense array of values: the RTP
/// streams of a run by (source, destination, SSRC) (``StreamTable``), the calls in progress by
/// Call-ID (``CallTracker``).
///
/// Why not `Dictionary`: the generic one hashes the key with SipHash through `Hasher`, five
/// `combine` calls for two endpoints and an SSRC, which was 13% of `calls` on a 2M-packet
/// capture (`perf`, docs/performance.md). Here the key is folded to 64 bits with a multiply-xor
/// mix; a full key comparison confirms every hit. The values stay in one array, updated in
/// place through ``states``; removal moves the last state into the hole (backward-shift
/// deletion keeps probe runs whole, Knuth vol. 3 §6.4 Algorithm R).
///
/// A lookup may give the hash and a comparison instead of a key (``index(hash:where:)``), so a
/// Call-ID read in place is found without building its `String`.
///
/// - Complexity: O(1) expected per lookup, insert and removal.
struct OpenHashTable<Key: TableKey, Value> {
    private(set) var keys: [Key] = []
    /// The values, in insertion order but for removals; mutate them in place by index.
    var states: [Value] = []
    /// Index into `keys`/`states` + 1 per slot, 0 for an empty slot.
    private var slots: [Int32]
    private var mask: Int

    init() {
        slots = Array(repeating: 0, count: 1024)
        mask = 1023
    }

    var count: Int { keys.count }

    /// The index of `key`'s value in ``states``.
    func index(of key: Key) -> Int? {
        index(hash: key.tableHash) { $0 == key }
    }

    /// The index in ``states`` of the key `matches` finds among those whose ``TableKey/tableHash``
    /// is `hash`.
    func index(hash: Int, where matches: (Key) -> Bool) -> Int? {
        var slot = hash & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { return nil }
            if matches(keys[entry - 1]) { return entry - 1 }
            slot = (slot + 1) & mask
        }
    }

    /// Adds a key that is not in the table; returns the index of its value.
    @discardableResult
    mutating func insert(_ key: Key, _ value: Value) -> Int {
        if (keys.count + 1) * 2 > slots.count { grow() }
        keys.append(key)
        states.append(value)
        place(keys.count - 1)
        return keys.count - 1
    }

    /// Removes `key` and returns its value.
    mutating func remove(_ key: Key) -> Value? {
        var slot = key.tableHash & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { return nil }
            if keys[entry - 1] == key { break }
            slot = (slot + 1) & mask
        }
        let index = Int(slots[slot]) - 1
        clear(slot)
        let last = keys.count - 1
        if index != last {  // move the last entry into the hole and point its slot at it
            let moved = keys[last]
            var probe = moved.tableHash & mask
            while Int(slots[probe]) != last + 1 { probe = (probe + 1) & mask }
            slots[probe] = Int32(index + 1)
            keys.swapAt(index, last)
            // Through the buffer: the two values are moved, not copied (`Array.swapAt` retained
            // and released every field of a ~1 KB call state, 6,000 instructions a removal).
            states.withUnsafeMutableBufferPointer { buffer in
                if let base = buffer.baseAddress { swap(&base[index], &base[last]) }
            }
        }
        keys.removeLast()
        return states.removeLast()
    }

    /// Empties the table, keeping its capacity.
    mutating func removeAll() {
        keys.removeAll(keepingCapacity: true)
        states.removeAll(keepingCapacity: true)
        for slot in slots.indices { slots[slot] = 0 }
    }

    private mutating func place(_ index: Int) {
        var slot = keys[index].tableHash & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(index + 1)
    }

    /// Empties `slot` and shifts back the entries of its probe run that can move closer.
    private mutating func clear(_ slot: Int) {
        var hole = slot
        var probe = (slot + 1) & mask
        while slots[probe] != 0 {
            let home = keys[Int(slots[probe]) - 1].tableHash & mask
            // The entry may move to the hole when the hole lies cyclically in [home, probe).
            let distanceToProbe = (probe - home) & mask
            let distanceToHole = (hole - home) & mask
            if distanceToHole < distanceToProbe {
                slots[hole] = slots[probe]
                hole = probe
            }
            probe = (probe + 1) & mask
        }
        slots[hole] = 0
    }

    private mutating func grow() {
        slots = Array(repeating: 0, count: slots.count * 2)
        mask = slots.count - 1
        for index in keys.indices { place(index) }
    }
}

/// A key of an ``OpenHashTable``: equal keys have the same `tableHash`.
protocol TableKey: Equatable {
    var tableHash: Int { get }
}

/// The RTP streams of a run by (source, destination, SSRC).
typealias StreamTable<Value> = OpenHashTable<MediaAssociation.StreamKey, Value>

extension MediaAssociation.StreamKey: TableKey {
    var tableHash: Int { foldEndpoints(source, destination, UInt64(ssrc)) }
}

extension FlowKey: TableKey {
    var tableHash: Int { foldEndpoints(source, destination, UInt64(transport.rawValue)) }
}

/// Two endpoints and a 32-bit value folded to 64 bits with a multiply-xor mix.
private func foldEndpoints(_ source: Endpoint, _ destination: Endpoint, _ value: UInt64) -> Int {
    func fold(_ address: IPAddress) -> UInt64 {
        switch address {
        case .v4(let value): UInt64(value)
        case .v6(let high, let low): high ^ (low &* 0x9E37_79B9_7F4A_7C15)
        }
    }
    var h = fold(source.address) &* 0xFF51_AFD7_ED55_8CCD
    h ^= fold(destination.address) &+ (UInt64(source.port) << 32 | UInt64(destination.port))
    h = (h ^ (h >> 33)) &* 0xC4CE_B9FE_1A85_EC53
    h ^= value &* 0x9E37_79B9_7F4A_7C15
    h ^= h >> 29
    return Int(truncatingIfNeeded: h)
}

extension OpenHashTable: Sendable where Key: Sendable, Value: Sendable {}
