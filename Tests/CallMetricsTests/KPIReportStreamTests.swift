import CallModel
import Foundation
import Testing
@testable import CallMetrics

/// `KPIReportStream` (the `report` of a stream of calls, issue 16 target 2) gives the report
/// `MetricsEngine.report` gives for the same calls, every group key, with the facts that need
/// other calls: repeat callers, lost calls returned by a later call (callback, answered recall),
/// returns past the window, withheld numbers, duplicates, history before the range and callbacks
/// after it; and holds the pending lost calls of one callback window only.
@Suite struct KPIReportStreamTests {
    static let t = Fixture.monday
    static func at(_ s: Double) -> Timestamp { Fixture.at(t, plus: s) }
    static let day: Double = 86_400

    static func transferred(_ id: String, _ start: Timestamp) -> Call {
        var call = Fixture.call(id, start, .answered, wait: 8, talk: 300, caller: "+447700900009", agent: "201", queue: "sales")
        var first = CallLeg(id: id + "-1", status: "ANSWERED", start: start, answered: true, destination: "SIP/201")
        first.agent = "201"; first.talkNanoseconds = 100_000_000_000
        var second = CallLeg(id: id + "-2", status: "ANSWERED", start: start, answered: true, destination: "SIP/202")
        second.agent = "202"; second.talkNanoseconds = 200_000_000_000
        call.legs = [first, second]
        call.transfers = 1
        return call
    }

    /// Calls over three days; the range is the second day, so the first is history and the
    /// third look-ahead.
    static let calls: [Call] = {
        var calls: [Call] = [
            // History: makes the second day's first call from 01 a repeat.
            Fixture.call("h1", at(-3600), .answered, wait: 4, talk: 60, caller: "+447700900001", agent: "201"),
            Fixture.call("h2", at(-1800), .abandoned, wait: 20, caller: "+447700900002"),
            // In range (day 2 from `t`).
            Fixture.call("r1", at(0), .answered, wait: 3, talk: 120, caller: "+447700900001", agent: "201", queue: "sales"),
            Fixture.call("L1", at(10), .abandoned, wait: 30, caller: "+447700900003", queue: "sales"),
            Fixture.call("L1b", at(20), .noAnswer, wait: 40, caller: "+447700900003", queue: "sales"),
            Fixture.call("L2", at(30), .busy, caller: "+447700900004"),
            Fixture.call("L3", at(40), .abandoned, wait: 3, caller: "anonymous", queue: "support"),
            Fixture.call("L4", at(50), .abandoned, wait: 50, caller: "+447700900005", queue: "support"),
            Fixture.call("ivr", at(55), .ivrDropoff, wait: 9, caller: "+447700900006"),
            // Same instant as L4's re-call below: not a return of a call of the same instant.
            Fixture.call("L5", at(600), .abandoned, wait: 5, caller: "+447700900007"),
            Fixture.call("re5", at(600), .answered, wait: 5, talk: 30, caller: "+447700900007", agent: "202"),
            // Answered recall of L1 and L1b 10 minutes later.
            Fixture.call("re1", at(620), .answered, wait: 6, talk: 45, caller: "+447700900003", agent: "203", queue: "sales"),
            // Outbound: an unanswered attempt, then the callback of L2.
            Fixture.call("try2", at(700), .noAnswer, wait: 25, caller: "201", dialed: "+447700900004", direction: .outbound, agent: "201"),
            Fixture.call("cb2", at(900), .answered, wait: 7, talk: 90, caller: "201", dialed: "+447700900004", direction: .outbound, agent: "201"),
            transferred("x1", at(1200)),
            Fixture.call("unknown", at(1300), .answered, wait: 2, talk: 10, caller: "+447700900010", direction: nil),
            Fixture.call("internal", at(1400), .answered, wait: 1, talk: 10, caller: "201", dialed: "202", direction: .internal, agent: "202"),
            // A duplicate of r1 (same Call-ID and start, as from a second input), left out.
            Fixture.call("r1", at(0), .answered, wait: 3, talk: 120, caller: "+447700900001", agent: "201", queue: "sales"),
            // Look-ahead: L4 called back just inside the window; a lost call of the range's
            // last hour called back a second too late.
            Fixture.call("L6", at(day - 100), .abandoned, wait: 15, caller: "+447700900008"),
            Fixture.call("cb4", at(50 + day), .answered, wait: 3, talk: 20, caller: "202", dialed: "+447700900005", direction: .outbound, agent: "202"),
            Fixture.call("cb6", at(2 * day - 100 + 1), .answered, wait: 3, talk: 20, caller: "202", dialed: "+447700900008", direction: .outbound, agent: "202"),
        ]
        // Many calls of one busy afternoon, a caller in three calling back often.
        for i in 0..<300 {
            let outcome: CallOutcome = [.answered, .abandoned, .noAnswer, .answered, .busy][i % 5]
            calls.append(Fixture.call(
                "m\(i)", at(3 * 3600 + Double(i) * 37), outcome, wait: Double(i % 40), talk: Double(30 + i % 200),
                caller: "+4477009100\(i % 97)", agent: outcome == .answered ? "20\(i % 4)" : nil, queue: i % 2 == 0 ? "sales" : "support"))
        }
        return calls
    }()

    static var options: MetricsOptions { Fixture.options(Fixture.london, from: t, to: at(day)) }

    /// The calls in the order a stream gives them: start, then Call-ID.
    static var streamOrder: [Call] { calls.enumerated().sorted { ($0.element.start, $0.element.callID, $0.offset) < ($1.element.start, $1.element.callID, $1.offset) }.map(\.element) }

    static let groupings: [GroupBy?] = [nil, .hour, .day, .weekday, .week, .agent, .queue, .dialed, .source, .direction, .campaign]

    @Test(arguments: groupings)
    func streamedReportIsTheEngineReport(_ groupBy: GroupBy?) {
        let options = Self.options
        var stream = KPIReportStream(groupBy: groupBy, options: options)
        for call in Self.streamOrder { stream.add(call) }
        let streamed = stream.report()
        #expect(streamed == MetricsEngine.report(calls: Self.calls, groupBy: groupBy, options: options))
        #expect(stream.outOfOrderCalls == 0)
        // The facts that need other calls are in it, not trivially zero.
        let overall = streamed.overall
        #expect(overall.details.lostReturned >= 4)
        #expect(overall.kpis.repeatCallers > 0)
        #expect(streamed.duplicatesExcluded == 1)
        #expect(streamed.historyOnlyCalls == 4)
        #expect(stream.firstStart == Self.at(0))
        #expect(stream.lastStart == Self.at(Self.day - 100))
    }

    /// A callback window of one day: the lost calls still pending are those of the last day,
    /// however many days the stream covers.
    @Test func pendingLostCallsFollowTheCallbackWindow() {
        var options = Fixture.options()
        options.callbackWindow = .seconds(86_400)
        var stream = KPIReportStream(groupBy: nil, options: options)
        var peak = 0
        var calls: [Call] = []
        for i in 0..<20 * 240 {  // 20 days, a lost call every 6 minutes, each from a new number
            let call = Fixture.call("c\(i)", Self.at(Double(i) * 360), .abandoned, wait: 10, caller: "+44770090\(String(100_000 + i))")
            calls.append(call)
            stream.add(call)
            peak = max(peak, stream.pendingLostCalls)
        }
        #expect(peak <= 241)
        #expect(peak >= 240)
        #expect(stream.report() == MetricsEngine.report(calls: calls, groupBy: nil, options: options))
    }
}
