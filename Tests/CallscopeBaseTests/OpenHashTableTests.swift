import CallscopeBase
import Testing

/// The shared table's lookup by hash and comparison (how the SIP tracker finds a Call-ID and the
/// Asterisk reader a linkedid from bytes in place); `StreamTableTests` checks it against
/// `Dictionary` with removals.
@Suite("Open hash table")
struct OpenHashTableTests {
    /// A key whose hash is chosen, so that keys can collide on purpose.
    struct Key: TableKey {
        var text: String
        var tableHash: Int
    }

    @Test func keysWithOneHashAreToldApartByTheComparison() {
        var table = OpenHashTable<Key, Int>()
        // 5,000 keys on 50 hashes: long probe runs, and growth past the first 1,024 slots.
        let keys = (0..<5000).map { Key(text: "k\($0)", tableHash: $0 % 50) }
        for (i, key) in keys.enumerated() { table.insert(key, i) }
        #expect(table.count == 5000)
        for (i, key) in keys.enumerated() {
            #expect(table.index(hash: key.tableHash) { $0.text == key.text }.map { table.states[$0] } == i)
        }
        #expect(table.index(hash: 3) { $0.text == "absent" } == nil)
        table.removeAll()
        #expect(table.count == 0)
        #expect(table.index(of: keys[7]) == nil)
        table.insert(keys[7], 7)
        #expect(table.index(of: keys[7]).map { table.states[$0] } == 7)
    }

    /// The fold reads every byte: keys one byte apart (in the eight-byte words and in the tail)
    /// hash apart, and the same bytes hash alike wherever they lie.
    @Test func byteHashDependsOnEveryByte() {
        func fold(_ text: String) -> Int { Array(text.utf8).withUnsafeBytes { ByteHash.fold($0) } }
        let base = "1767225632.1000"
        var seen: Set<Int> = [fold(base)]
        for i in base.utf8.indices {
            var bytes = Array(base.utf8)
            bytes[base.utf8.distance(from: base.utf8.startIndex, to: i)] ^= 1
            seen.insert(bytes.withUnsafeBytes { ByteHash.fold($0) })
        }
        #expect(seen.count == base.utf8.count + 1)
        #expect(fold("") != fold("\0"))
        let padded = Array(("xx" + base).utf8)
        #expect(padded.withUnsafeBytes { ByteHash.fold(UnsafeRawBufferPointer(rebasing: $0[2...])) } == fold(base))
    }
}
