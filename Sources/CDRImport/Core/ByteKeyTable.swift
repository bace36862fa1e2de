/// Numbers (a group, a call) found by the UTF-8 bytes of their key: open addressing with linear
/// probing on a 64-bit FNV-1a hash of the bytes.
///
/// Why not `[String: Int32]`: a CDR reader looks a key up for every row (a linkedid), and a
/// `String` key means building the string and hashing it with SipHash each time; here a row's
/// key is hashed straight from the file's bytes and compared with `memcmp`, and a `String` is
/// made only for a new key. Keys are equal when their bytes are (not by Unicode canonical
/// equivalence, as `String` compares): ids are compared as the PBX wrote them.
///
/// The table keeps only numbers and hashes; the caller keeps the keys and says whether number
/// `n`'s key is the bytes looked up (`matches`). No removal: a reader that forgets keys makes the
/// table again from those it keeps (``removeAll()`` then ``insert(_:hash:)``).
struct ByteKeyTable {
    /// Per slot: the number stored there, -1 when empty.
    private var numbers: [Int32]
    /// Per slot: the hash of the key stored there.
    private var hashes: [UInt64]
    private var mask: Int
    private(set) var count = 0

    /// Room for `capacity` keys before the first growth.
    init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        numbers = [Int32](repeating: -1, count: size)
        hashes = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    /// FNV-1a (64 bits) of `bytes`.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }

    /// The number whose key has `hash` and for which `matches` is true; nil when none.
    @inline(__always)
    func find(hash: UInt64, matches: (Int32) -> Bool) -> Int32? {
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let number = numbers[slot]
            if number < 0 { return nil }
            if hashes[slot] == hash, matches(number) { return number }
            slot = (slot + 1) & mask
        }
    }

    /// Stores `number` under a key of `hash` (not already in the table).
    mutating func insert(_ number: Int32, hash: UInt64) {
        if (count + 1) * 2 > numbers.count { grow() }
        var slot = Int(truncatingIfNeeded: hash) & mask
        while numbers[slot] >= 0 { slot = (slot + 1) & mask }
        numbers[slot] = number
        hashes[slot] = hash
        count += 1
    }

    /// Forgets every key, keeping the room.
    mutating func removeAll() {
        for i in numbers.indices { numbers[i] = -1 }
        count = 0
    }

    private mutating func grow() {
        let oldNumbers = numbers, oldHashes = hashes
        numbers = [Int32](repeating: -1, count: oldNumbers.count * 2)
        hashes = [UInt64](repeating: 0, count: oldNumbers.count * 2)
        mask = numbers.count - 1
        count = 0
        for i in oldNumbers.indices where oldNumbers[i] >= 0 { insert(oldNumbers[i], hash: oldHashes[i]) }
    }
}
