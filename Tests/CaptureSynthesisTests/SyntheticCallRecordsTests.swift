import CallModel
import Testing

@testable import CaptureSynthesis

/// The call records `callscope-dev bench metrics|store` time: one seed, one list; the mix the
/// doc comment states.
@Suite struct SyntheticCallRecordsTests {
    @Test func oneSeedGivesOneList() {
        let a = SyntheticCallRecords.generate(count: 2000, seed: 42)
        #expect(a == SyntheticCallRecords.generate(count: 2000, seed: 42))
        #expect(a != SyntheticCallRecords.generate(count: 2000, seed: 43))
        #expect(SyntheticCallRecords.generate(count: 0, seed: 42).isEmpty)
    }

    /// Drawn from the capture generator's own random-number generator: the first call's start
    /// is the first draw of `Xoshiro256(seed:)` below 30 days.
    @Test func drawsFromTheGeneratorsRandomNumbers() {
        var random = Xoshiro256(seed: 7)
        let first = SyntheticCallRecords.generate(count: 1, seed: 7)
        #expect(first.first?.start == Timestamp(seconds: SyntheticCallRecords.firstDay + Int64(random.below(30 * 86_400))))
    }

    @Test func theMixIsTheDocumentedOne() {
        let calls = SyntheticCallRecords.generate(count: 20_000, seed: 42)
        #expect(zip(calls, calls.dropFirst()).allSatisfy { $0.start <= $1.start })
        let last = Timestamp(seconds: SyntheticCallRecords.firstDay + 30 * 86_400)
        #expect(calls.allSatisfy { $0.start.nanoseconds >= SyntheticCallRecords.firstDay * 1_000_000_000 && $0.start < last })
        let inbound = calls.filter { $0.direction == .inbound }
        #expect(abs(Double(inbound.count) / Double(calls.count) - 0.8) < 0.02)
        #expect(inbound.allSatisfy { SyntheticCallRecords.trackingNumbers.contains($0.dialed ?? "") && $0.queue == "support" })
        let answered = calls.filter { $0.outcome == .answered }
        #expect(abs(Double(answered.count) / Double(calls.count) - 0.6) < 0.02)
        #expect(answered.allSatisfy { $0.agent != nil && $0.answeredAt != nil })
        #expect(Set(calls.compactMap(\.agent)).count == 50)
        #expect(Set(calls.map(\.callID)).count == calls.count)
    }
}
