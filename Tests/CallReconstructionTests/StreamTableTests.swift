import CallscopeBase
import PacketDecoding
import Testing
@testable import CallReconstruction

@Suite("Stream table")
struct StreamTableTests {
    static func key(_ n: Int) -> MediaAssociation.StreamKey {
        // Few distinct addresses and ports, many SSRCs: long probe runs and collisions.
        MediaAssociation.StreamKey(
            source: Endpoint(address: .v4(0x0A00_0001 + UInt32(n % 3)), port: UInt16(16000 + n % 5)),
            destination: Endpoint(address: n % 7 == 0 ? .v6(0x2001_0DB8_0000_0000, UInt64(n % 2)) : .v4(0x0A00_0002), port: 16100),
            ssrc: UInt32(truncatingIfNeeded: n &* 2_654_435_761)
        )
    }

    /// Random inserts, lookups and removals agree with `Dictionary` at every step.
    @Test(arguments: [1, 2, 3])
    func behavesLikeADictionary(seed: UInt64) {
        var table = StreamTable<Int>()
        var model: [MediaAssociation.StreamKey: Int] = [:]
        var rng = Xoshiro256(seed: seed)
        func next() -> Int { Int(truncatingIfNeeded: rng.next() >> 33) }
        for step in 0..<20_000 {
            let key = Self.key(next() % 3000)
            switch next() % 3 {
            case 0, 1:
                if let index = table.index(of: key) {
                    #expect(table.states[index] == model[key], "step \(step)")
                    table.states[index] += 1
                    model[key, default: 0] += 1
                } else {
                    #expect(model[key] == nil, "step \(step)")
                    table.insert(key, step)
                    model[key] = step
                }
            default:
                #expect(table.remove(key) == model.removeValue(forKey: key), "step \(step)")
            }
        }
        #expect(table.count == model.count)
        for (key, value) in model {
            #expect(table.index(of: key).map { table.states[$0] } == value)
        }
    }
}
