import CallModel
import Foundation
import Testing
@testable import CallMetrics

@Suite struct CallerTests {
    static let day: Double = 86_400

    @Test func repeatWindowEdgeIsInclusive() {
        let t = Fixture.monday
        let calls = [
            Fixture.call("x1", t, .answered, wait: 10, talk: 5, caller: "+447700900001"),
            Fixture.call("y1", Fixture.at(t, plus: 1), .answered, wait: 10, talk: 5, caller: "+447700900002"),
            // exactly 30 days after x1: repeat
            Fixture.call("x2", Fixture.at(t, plus: 30 * Self.day), .answered, wait: 20, talk: 5, caller: "+44 7700 900001"),
            // 30 days and 1 s after y1: first-time again
            Fixture.call("y2", Fixture.at(t, plus: 30 * Self.day + 2), .noAnswer, wait: 60, caller: "+447700900002"),
        ]
        let report = MetricsEngine.report(calls: calls, groupBy: nil, options: Fixture.options())
        #expect(report.overall.kpis.firstTimeCallers == 3)
        #expect(report.overall.kpis.repeatCallers == 1)
        let d = report.overall.details
        #expect(d.firstTime == CallerGroupStats(calls: 3, answered: 2, answerRate: 2.0 / 3.0, asaSeconds: 10))
        #expect(d.repeatCalls == CallerGroupStats(calls: 1, answered: 1, answerRate: 1, asaSeconds: 20))
        #expect(d.withheld == CallerGroupStats())
    }

    @Test func lookBackBeforeTheRangeIsUsedButNotCounted() {
        let t = Fixture.monday
        let from = Fixture.at(t, plus: 3600)
        let calls = [
            Fixture.call("old", t, .answered, wait: 1, talk: 1, caller: "+447700900001"),
            Fixture.call("new", from, .answered, wait: 1, talk: 1, caller: "+447700900001"),
            Fixture.call("again", Fixture.at(from, plus: 60), .abandoned, wait: 9, caller: "+447700900001"),
            Fixture.call("fresh", Fixture.at(from, plus: 120), .answered, wait: 1, talk: 1, caller: "+447700900002"),
        ]
        let k = MetricsEngine.report(calls: calls, groupBy: nil, options: Fixture.options(from: from)).overall.kpis
        #expect(k.offered == 3)
        #expect(k.repeatCallers == 2)
        #expect(k.firstTimeCallers == 1)
    }

    @Test func withheldNumbersAreNeverRepeatAndCountedApart() {
        let t = Fixture.monday
        let withheld: [String?] = [nil, "", "anonymous", "Restricted", "anonymous", "unavailable"]
        let calls = withheld.enumerated().map { i, caller in
            Fixture.call("w\(i)", Fixture.at(t, plus: Double(i) * 10), i < 2 ? .answered : .abandoned, wait: 8, talk: 3, caller: caller)
        } + [Fixture.call("n", Fixture.at(t, plus: 100), .answered, wait: 2, talk: 3, caller: "+447700900001")]
        let report = MetricsEngine.report(calls: calls, groupBy: nil, options: Fixture.options())
        let k = report.overall.kpis
        #expect(k.firstTimeCallers == 1)
        #expect(k.repeatCallers == 0)
        #expect(report.overall.details.withheld == CallerGroupStats(calls: 6, answered: 2, answerRate: 2.0 / 6.0, asaSeconds: 8))
        // four lost, all withheld: no callback rate
        #expect(k.lostCalls == 4)
        #expect(report.overall.details.lostWithheld == 4)
        #expect(k.callbackRate == nil)
    }

    @Test(arguments: [
        ("+44 (20) 7946-0100", "+442079460100"), ("0207.946.0100", "02079460100"), ("+442079460100", "+442079460100"),
        ("*31#", "*31#"),
    ])
    func numbersAreComparedNormalised(raw: String, normalized: String) {
        #expect(NumberKey.normalized(raw) == normalized)
        if let packed = NumberKey.packed(raw) { #expect(NumberKey.packed(normalized) == packed) }
    }

    @Test(arguments: [String?.none, "", "anonymous", "Anonymous", "+", "private", "unknown", "-"])
    func withheldForms(raw: String?) {
        #expect(NumberKey.isWithheld(raw))
        #expect(NumberKey.packed(raw) == nil)
    }

    @Test func packedKeysKeepLeadingZerosAndPlus() {
        #expect(NumberKey.packed("0123") != NumberKey.packed("123"))
        #expect(NumberKey.packed("+123") != NumberKey.packed("123"))
        #expect(NumberKey.packed("1234567890123456789") == nil)  // 19 digits: string key instead
    }
}
