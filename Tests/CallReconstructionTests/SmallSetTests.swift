import Testing
@testable import CallReconstruction

@Suite("Small set")
struct SmallSetTests {
    /// Inserts and lookups agree with `Set` on both sides of the linear limit, duplicates
    /// included (a retransmission after the call's 16th transaction is still one).
    @Test(arguments: [0, 1, 16, 17, 40])
    func behavesLikeASet(count: Int) {
        var small = SmallSet<String>()
        var reference = Set<String>()
        #expect(small.isEmpty)
        for round in 0..<2 {
            for n in 0..<count {
                let key = "z9hG4bK-branch-\(n)"
                #expect(small.insert(key) == reference.insert(key).inserted, "round \(round), key \(n)")
            }
        }
        for n in 0..<(count + 5) {
            #expect(small.contains("z9hG4bK-branch-\(n)") == reference.contains("z9hG4bK-branch-\(n)"))
        }
        #expect(small.isEmpty == reference.isEmpty)
    }
}

extension SmallSetTests {
    /// The lookups by comparison (what the tracker does with a message's bytes) agree with
    /// `Set`, and build the element only when it is new or past the linear limit.
    @Test(arguments: [1, 16, 17, 40])
    func insertsByComparison(count: Int) {
        var small = SmallSet<String>()
        var reference = Set<String>()
        var built = 0
        for round in 0..<2 {
            for n in 0..<count {
                let key = "tag-\(n)"
                let inserted = small.insert(where: { $0 == key }, { built += 1; return key }())
                #expect(inserted == reference.insert(key).inserted, "round \(round), key \(n)")
                #expect(small.contains(where: { $0 == key }, key))
            }
        }
        #expect(!small.contains(where: { $0 == "absent" }, "absent"))
        // Below the limit, a known element is found without building it.
        if count <= SmallSet<String>.linearLimit { #expect(built == count) }
    }
}

@Suite("Small map")
struct SmallMapTests {
    /// Lookups, replacements and additions agree with `Dictionary` on both sides of the linear limit.
    @Test(arguments: [0, 1, 16, 17, 40])
    func behavesLikeADictionary(count: Int) {
        var small = SmallMap<Int>()
        var reference: [String: Int] = [:]
        for round in 0..<3 {
            for n in 0..<count {
                let key = "as\(n)"
                #expect(small[key] == reference[key], "round \(round), key \(n)")
                small[key] = n * 10 + round
                reference[key] = n * 10 + round
            }
        }
        #expect(small.entries.count == reference.count)
        for (key, value) in reference { #expect(small.firstIndex(of: key).map { small.entries[$0].value } == value) }
        #expect(small["absent"] == nil)
        small.removeAll()
        #expect(small.isEmpty && small["as0"] == nil)
    }
}
