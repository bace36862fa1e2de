/// An open-addressing hash table with linear probing over a dense array of values: the RTP
/// streams of a run by (source, destination, SSRC) and the calls in progress by Call-ID (module
/// CallReconstruction), the rows of a call by linkedid (the Asterisk reader of CDRImport).
///
/// Why not `Dictionary`: the generic one hashes the key with SipHash through `Hasher`, five
/// `combine` calls for two endpoints and an SSRC, which was 13% of `calls` on a 2M-packet
/// capture (`perf`, docs/performance.md). Here the key is folded to 64 bits with a multiply-xor
/// mix; a full key comparison confirms every hit. The values stay in one array, updated in
/// place through ``states``; removal moves the last state into the hole (backward-shift
/// deletion keeps probe runs whole, Knuth vol. 3 §6.4 Algorithm R).
///
/// A lookup may give the hash and a comparison instead of a key (``index(hash:where:)``), so a
/// Call-ID or linkedid read in place is found without building its `String`. Inlinable, so each
/// module's use is specialised for its key and value types.
///
/// - Complexity: O(1) expected per lookup, insert and removal.
public struct OpenHashTable<Key: TableKey, Value> {
    @usableFromInline var storedKeys: [Key] = []
    /// The keys, in the order of ``states``.
    @inlinable public var keys: [Key] { storedKeys }
    /// The values, in insertion order but for removals; mutate them in place by index.
    public var states: [Value] = []
    /// Index into `keys`/`states` + 1 per slot, 0 for an empty slot.
    @usableFromInline var slots: [Int32]
    @usableFromInline var mask: Int

    @inlinable public init() {
        slots = Array(repeating: 0, count: 1024)
        mask = 1023
    }

    @inlinable public var count: Int { storedKeys.count }

    /// The index of `key`'s value in ``states``.
    @inlinable public func index(of key: Key) -> Int? {
        index(hash: key.tableHash) { $0 == key }
    }

    /// The index in ``states`` of the key `matches` finds among those whose ``TableKey/tableHash``
    /// is `hash`.
    @inlinable public func index(hash: Int, where matches: (Key) -> Bool) -> Int? {
        var slot = hash & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { return nil }
            if matches(storedKeys[entry - 1]) { return entry - 1 }
            slot = (slot + 1) & mask
        }
    }

    /// Adds a key that is not in the table; returns the index of its value.
    @inlinable @discardableResult
    public mutating func insert(_ key: Key, _ value: Value) -> Int {
        if (storedKeys.count + 1) * 2 > slots.count { grow() }
        storedKeys.append(key)
        states.append(value)
        place(storedKeys.count - 1)
        return storedKeys.count - 1
    }

    /// Removes `key` and returns its value.
    @inlinable public mutating func remove(_ key: Key) -> Value? {
        var slot = key.tableHash & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { return nil }
            if storedKeys[entry - 1] == key { break }
            slot = (slot + 1) & mask
        }
        let index = Int(slots[slot]) - 1
        clear(slot)
        let last = storedKeys.count - 1
        if index != last {  // move the last entry into the hole and point its slot at it
            let moved = storedKeys[last]
            var probe = moved.tableHash & mask
            while Int(slots[probe]) != last + 1 { probe = (probe + 1) & mask }
            slots[probe] = Int32(index + 1)
            storedKeys.swapAt(index, last)
            // Through the buffer: the two values are moved, not copied (`Array.swapAt` retained
            // and released every field of a ~1 KB call state, 6,000 instructions a removal).
            states.withUnsafeMutableBufferPointer { buffer in
                if let base = buffer.baseAddress { swap(&base[index], &base[last]) }
            }
        }
        storedKeys.removeLast()
        return states.removeLast()
    }

    /// Empties the table, keeping its capacity.
    @inlinable public mutating func removeAll() {
        storedKeys.removeAll(keepingCapacity: true)
        states.removeAll(keepingCapacity: true)
        for slot in slots.indices { slots[slot] = 0 }
    }

    @inlinable mutating func place(_ index: Int) {
        var slot = storedKeys[index].tableHash & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(index + 1)
    }

    /// Empties `slot` and shifts back the entries of its probe run that can move closer.
    @inlinable mutating func clear(_ slot: Int) {
        var hole = slot
        var probe = (slot + 1) & mask
        while slots[probe] != 0 {
            let home = storedKeys[Int(slots[probe]) - 1].tableHash & mask
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

    @inlinable mutating func grow() {
        slots = Array(repeating: 0, count: slots.count * 2)
        mask = slots.count - 1
        for index in storedKeys.indices { place(index) }
    }
}

/// A key of an ``OpenHashTable``: equal keys have the same `tableHash`.
public protocol TableKey: Equatable {
    var tableHash: Int { get }
}

extension OpenHashTable: Sendable where Key: Sendable, Value: Sendable {}

/// A multiply-xor fold of bytes to 64 bits, eight bytes at a time: the ``TableKey/tableHash`` of
/// keys read as bytes (a SIP Call-ID, an Asterisk linkedid), so a key in a packet or a mapped
/// file is hashed where it lies, without a `String` or `Hasher`.
///
/// Seeded per process (``seed``), as `Hasher` is: the keys come from whoever places a call, and
/// with a fixed fold a crafted capture or CDR file could put every key in one probe run and make
/// each lookup walk all of them. Nothing callscope writes depends on the hashes (the tables keep
/// their values in insertion order), so the output stays the same from run to run.
public enum ByteHash {
    /// A random value chosen once per process, mixed into every hash.
    public static let seed = UInt64.random(in: .min ... .max)

    /// The hash of `bytes`.
    @inlinable public static func fold(_ bytes: UnsafeRawBufferPointer) -> Int {
        var h = (UInt64(truncatingIfNeeded: bytes.count) ^ seed) &* 0x9E37_79B9_7F4A_7C15
        var i = 0
        while i + 8 <= bytes.count {
            h = (h ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < bytes.count {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 29
        return Int(truncatingIfNeeded: h)
    }
}
