import CallModel
import Foundation
import Testing
@testable import CallMetrics

@Suite struct LostCallTests {
    static let t = Fixture.monday
    static func at(_ s: Double) -> Timestamp { Fixture.at(t, plus: s) }
    static let day: Double = 86_400

    /// Five lost calls in the first hour; the range ends after an hour so the callbacks a day
    /// later are look-ahead only.
    static let calls: [Call] = [
        // L1: called back (answered) exactly 24 h later by agent 201
        Fixture.call("L1", at(0), .abandoned, wait: 30, caller: "+447700900001"),
        Fixture.call("cb1", at(day), .answered, wait: 5, talk: 60, caller: "201", dialed: "+447700900001", direction: .outbound, agent: "201"),
        // L2: called back 24 h + 1 s later: not returned
        Fixture.call("L2", at(1), .noAnswer, wait: 60, caller: "+447700900002"),
        Fixture.call("cb2", at(1 + day + 1), .answered, wait: 5, talk: 60, caller: "202", dialed: "+447700900002", direction: .outbound, agent: "202"),
        // L3: the caller called again 10 min later and was answered by 203
        Fixture.call("L3", at(2), .busy, caller: "+447700900003"),
        Fixture.call("re3", at(602), .answered, wait: 12, talk: 60, caller: "+447700900003", agent: "203"),
        // L4: one unanswered attempt after 60 s, then answered after 120 s
        Fixture.call("L4", at(3), .abandoned, wait: 2, caller: "+447700900004"),
        Fixture.call("try4", at(63), .noAnswer, wait: 30, caller: "201", dialed: "+447700900004", direction: .outbound, agent: "201"),
        Fixture.call("cb4", at(123), .answered, wait: 5, talk: 30, caller: "201", dialed: "+447700900004", direction: .outbound, agent: "201"),
        // L5: withheld
        Fixture.call("L5", at(4), .abandoned, wait: 40, caller: "anonymous"),
    ]

    static var options: MetricsOptions { Fixture.options(from: t, to: at(3600)) }

    @Test func everyLostCallAndWhatHappenedNext() {
        let lost = MetricsEngine.lostCalls(calls: Self.calls.reversed(), options: Self.options)
        #expect(lost.map(\.callID) == ["L1", "L2", "L3", "L4", "L5"])
        #expect(lost.map(\.returned) == [.callback, .none, .answeredRecall, .callback, .none])
        #expect(lost.map(\.by) == ["201", nil, "caller called again", "201", nil])
        #expect(lost.map(\.agent) == ["201", nil, "203", "201", nil])
        #expect(lost.map(\.delaySeconds) == [Self.day, nil, 600, 120, nil])
        #expect(lost.map(\.returnCallID) == ["cb1", nil, "re3", "cb4", nil])
        #expect(lost.map(\.callbackAttempts) == [0, 0, 0, 1, 0])
        #expect(lost.map(\.withheld) == [false, false, false, false, true])
        #expect(lost.map(\.waitSeconds) == [30, 60, 0, 2, 40])
        #expect(lost.map(\.outcome) == ["abandoned", "no_answer", "busy", "abandoned", "abandoned"])
    }

    @Test func callbackKPIs() {
        let k = MetricsEngine.report(calls: Self.calls, groupBy: nil, options: Self.options).overall.kpis
        // in range: L1-L5, re3, try4, cb4
        #expect(k.offered == 8)
        #expect(k.lostCalls == 5)
        // returned 3 of 4 lost calls that are not withheld
        #expect(k.callbackRate == 0.75)
        // delays 120, 600, 86400: nearest-rank median 600
        #expect(k.callbackMedianSeconds == 600)
    }

    @Test func unansweredRecallDoesNotReturnAndSeveralLostCallsShareOneCallback() {
        let calls = [
            Fixture.call("a", Self.at(0), .abandoned, wait: 20),
            Fixture.call("b", Self.at(100), .abandoned, wait: 20),  // calling again unanswered: both still lost
            Fixture.call("c", Self.at(400), .answered, wait: 3, talk: 40, caller: "201", dialed: "+447700900001", direction: .outbound, agent: "201"),
            Fixture.call("d", Self.at(500), .noAnswer, wait: 20),  // after the callback: not returned
        ]
        let lost = MetricsEngine.lostCalls(calls: calls, options: Fixture.options())
        #expect(lost.map(\.returned) == [.callback, .callback, .none])
        #expect(lost.map(\.delaySeconds) == [400, 300, nil])
        let k = MetricsEngine.report(calls: calls, groupBy: nil, options: Fixture.options()).overall.kpis
        #expect(k.callbackRate == 2.0 / 3.0)
        #expect(k.callbackMedianSeconds == 300)
        #expect(k.repeatCallers == 2)
    }

    @Test func noLostCallsMeansNullCallbackRate() {
        let calls = [Fixture.call("a", Self.at(0), .answered, wait: 3, talk: 40)]
        let k = MetricsEngine.report(calls: calls, groupBy: nil, options: Fixture.options()).overall.kpis
        #expect(k.lostCalls == 0 && k.callbackRate == nil && k.callbackMedianSeconds == nil)
    }

    @Test func lostCallsPerGroupFollowTheLostCall() {
        let t = Fixture.monday
        let calls = [
            Fixture.call("a", t, .abandoned, wait: 20, queue: "sales"),
            Fixture.call("b", Fixture.at(t, plus: 60), .answered, wait: 3, talk: 40, queue: "support"),
        ]
        let report = MetricsEngine.report(calls: calls, groupBy: .queue, options: Fixture.options())
        #expect(report.groups.map(\.key) == ["sales", "support"])
        #expect(report.groups[0].kpis.lostCalls == 1 && report.groups[0].kpis.callbackRate == 1)
        #expect(report.groups[0].kpis.callbackMedianSeconds == 60)
        #expect(report.groups[1].kpis.lostCalls == 0 && report.groups[1].kpis.callbackRate == nil)
        #expect(report.groups[1].kpis.repeatCallers == 1)
    }
}
