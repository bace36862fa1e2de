import CallModel
import Foundation
import Testing
@testable import CallMetrics

/// The stored calls the metrics need for a range: widened back by the repeat window and
/// forward by the callback window, so a database read gives the same answers as the files.
@Suite struct StoredRangeTests {
    @Test func widenedByTheWindows() {
        let from = Fixture.monday, to = Fixture.at(Fixture.monday, plus: 7 * 86_400)
        let options = MetricsOptions(from: from, to: to, repeatWindow: .seconds(30 * 86_400), callbackWindow: .seconds(24 * 3600))
        let range = options.storedRange
        #expect(range.from == Fixture.at(from, plus: -30 * 86_400))
        #expect(range.to == Fixture.at(to, plus: 86_400))
        #expect(MetricsOptions().storedRange.from == nil && MetricsOptions().storedRange.to == nil)
    }

    /// What the widening is for: the repeat caller and the callback found in a read of the
    /// stored range are exactly those found in all the calls.
    @Test func theStoredRangeKeepsRepeatCallersAndCallbacks() {
        let day: Double = 86_400
        let calls = [
            Fixture.call("history", Fixture.at(Fixture.monday, plus: -20 * day), .answered, caller: "+447700900001"),
            Fixture.call("too-old", Fixture.at(Fixture.monday, plus: -40 * day), .answered, caller: "+447700900002"),
            Fixture.call("repeat", Fixture.at(Fixture.monday, plus: 3600), .answered, caller: "+447700900001"),
            Fixture.call("lost", Fixture.at(Fixture.monday, plus: day - 600), .noAnswer, caller: "+447700900003"),
            Fixture.call("callback", Fixture.at(Fixture.monday, plus: day + 3600), .answered, caller: "+442079460100",
                         dialed: "+447700900003", direction: .outbound, agent: "201"),
        ]
        let options = MetricsOptions(timeZone: Fixture.london, from: Fixture.monday, to: Fixture.at(Fixture.monday, plus: day))
        let range = options.storedRange
        let stored = calls.filter { c in range.from.map { c.start >= $0 } ?? true && range.to.map { c.start < $0 } ?? true }
        #expect(stored.map(\.callID) == ["history", "repeat", "lost", "callback"])
        #expect(MetricsEngine.report(calls: stored, groupBy: nil, options: options).overall.kpis
                == MetricsEngine.report(calls: calls, groupBy: nil, options: options).overall.kpis)
        #expect(MetricsEngine.lostCalls(calls: stored, options: options) == MetricsEngine.lostCalls(calls: calls, options: options))
        #expect(MetricsEngine.lostCalls(calls: stored, options: options).first?.returned != LostCallReturn.none)
    }

    @Test func saturatesAtTheEndsOfTime() {
        let options = MetricsOptions(from: Timestamp(nanoseconds: .min + 5), to: Timestamp(nanoseconds: .max - 5),
                                     repeatWindow: .seconds(86_400), callbackWindow: .seconds(86_400))
        #expect(options.storedRange.from == Timestamp(nanoseconds: .min))
        #expect(options.storedRange.to == Timestamp(nanoseconds: .max))
    }
}
