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
