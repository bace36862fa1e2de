import CallModel
import Foundation
import Testing
@testable import CallMetrics

@Suite struct KPITests {
    /// Ten inbound calls and one outbound call with every outcome; every KPI worked out by hand
    /// in the comments.
    static let mixed: [Call] = {
        let t = Fixture.monday
        func at(_ s: Double) -> Timestamp { Fixture.at(t, plus: s) }
        return [
            Fixture.call("A", at(0), .answered, wait: 10, talk: 120, caller: "+447700900001"),
            Fixture.call("B", at(60), .answered, wait: 30, talk: 30, caller: "+447700900002"),
            Fixture.call("C", at(120), .answered, wait: 20, talk: 0, caller: "+447700900003"),
            Fixture.call("D", at(180), .abandoned, wait: 3, caller: "+447700900004"),
            Fixture.call("E", at(240), .abandoned, wait: 40, caller: "+447700900005"),
            Fixture.call("F", at(300), .busy, wait: 0, caller: "+447700900006"),
            Fixture.call("G", at(360), .congestion, wait: 0, caller: "+447700900007"),
            Fixture.call("H", at(420), .noAnswer, wait: 60, caller: "+447700900008"),
            Fixture.call("I", at(480), .redirected, wait: 1, caller: "+447700900009"),
            Fixture.call("J", at(540), .answered, wait: 5, talk: 60.5, caller: "+447700900010", pdd: 200),
            Fixture.call("O", at(600), .answered, wait: 8, talk: 90, caller: "201", dialed: "+447700900999",
                         direction: .outbound, agent: "201", pdd: 300),
        ]
    }()

    @Test func everyKPIOfAMixedSet() {
        let report = MetricsEngine.report(calls: Self.mixed, groupBy: nil, options: Fixture.options())
        let k = report.overall.kpis
        #expect(k.offered == 11)
        #expect(k.answered == 5)
        #expect(k.asr == 5.0 / 11.0)
        // completed: A, B, J, O (C talked 0 s); attempted: 11 - 1 redirected
        #expect(k.completionRate == 4.0 / 10.0)
        // F busy + G congestion of 10 inbound
        #expect(k.blockedRate == 2.0 / 10.0)
        // (2 abandoned - 1 short) / (10 inbound - 1 short)
        #expect(k.abandonmentRate == 1.0 / 9.0)
        // waits of answered inbound: 10, 30, 20, 5
        #expect(k.asaSeconds == 16.25)
        #expect(k.asaP90Seconds == 30)
        // within 20 s: A (10), C (20, inclusive), J (5) / (10 - 1 short)
        #expect(k.serviceLevel == 3.0 / 9.0)
        #expect(k.pddMilliseconds == 250)
        // talk > 0: 120 + 30 + 60.5 + 90 over 4
        #expect(k.acdSeconds == 75.125)
        #expect(k.talkMinutes == 300.5 / 60)
        #expect(k.firstTimeCallers == 10)
        #expect(k.repeatCallers == 0)
        // D E F G H I
        #expect(k.lostCalls == 6)
        #expect(k.callbackRate == 0)
        #expect(k.callbackMedianSeconds == nil)
        // talk >= 60: A, J, O
        #expect(k.qualifiedCalls == 3)

        let d = report.overall.details
        #expect(d.inbound == 10)
        #expect(d.blocked == 2)
        #expect(d.abandoned == 2)
        #expect(d.shortAbandons == 1)
        #expect(d.redirected == 1)
        #expect(d.completed == 4 && d.attempted == 10)
        #expect(d.serviceLevelAnswered == 3 && d.serviceLevelBase == 9)
        #expect(d.asaP50Seconds == 10)
        #expect(d.abandonTimes.counts == [1, 0, 0, 0, 1, 0, 0, 0])
        #expect(d.abandonTimes.p50Seconds == 3)
        #expect(d.abandonTimes.p90Seconds == 40)
        #expect(d.firstTime == CallerGroupStats(calls: 10, answered: 4, answerRate: 0.4, asaSeconds: 16.25))
        #expect(d.talkedCalls == 4)
        #expect(report.blockedAboveTarget)
        #expect(report.duplicatesExcluded == 0)
    }

    @Test func emptySetHasNullRatesAndZeroCounts() {
        let k = MetricsEngine.report(calls: [], groupBy: .hour, options: Fixture.options()).overall.kpis
        #expect(k == KPIs(offered: 0, answered: 0, talkMinutes: 0))
        for rate in [k.asr, k.completionRate, k.blockedRate, k.abandonmentRate, k.asaSeconds, k.asaP90Seconds,
                     k.serviceLevel, k.pddMilliseconds, k.acdSeconds, k.callbackRate, k.callbackMedianSeconds] {
            #expect(rate == nil)
        }
    }

    @Test func outboundOnlyHasNullInboundRates() {
        let t = Fixture.monday
        let calls = [
            Fixture.call("o1", t, .answered, wait: 5, talk: 0, caller: "201", dialed: "+447700900123", direction: .outbound),
            Fixture.call("o2", Fixture.at(t, plus: 10), .noAnswer, wait: 30, caller: "201", dialed: "+447700900124", direction: .outbound),
        ]
        let report = MetricsEngine.report(calls: calls, groupBy: nil, options: Fixture.options())
        let k = report.overall.kpis
        #expect(k.offered == 2 && k.answered == 1 && k.asr == 0.5)
        #expect(k.completionRate == 0)   // the answer talked 0 s
        #expect(k.acdSeconds == nil)     // 0-s answers excluded
        #expect(k.talkMinutes == 0)
        #expect(k.blockedRate == nil && k.abandonmentRate == nil && k.serviceLevel == nil)
        #expect(k.asaSeconds == nil && k.asaP90Seconds == nil)
        #expect(k.lostCalls == 0 && k.callbackRate == nil && k.callbackMedianSeconds == nil)
        #expect(!report.blockedAboveTarget)
    }

    @Test func onlyShortAbandonsLeaveAbandonmentAndServiceLevelNull() {
        let t = Fixture.monday
        let calls = [
            Fixture.call("s1", t, .abandoned, wait: 4.999, caller: "+447700900001"),
            Fixture.call("s2", Fixture.at(t, plus: 10), .abandoned, wait: 0, caller: "+447700900002"),
        ]
        let k = MetricsEngine.report(calls: calls, groupBy: nil, options: Fixture.options()).overall.kpis
        #expect(k.abandonmentRate == nil)
        #expect(k.serviceLevel == nil)
        #expect(k.blockedRate == 0)
        #expect(k.lostCalls == 2)
    }

    @Test func abandonAtExactlyTheThresholdIsNotShort() {
        let t = Fixture.monday
        let calls = [
            Fixture.call("a", t, .abandoned, wait: 5, caller: "+447700900001"),
            Fixture.call("b", Fixture.at(t, plus: 10), .answered, wait: 20.001, talk: 10, caller: "+447700900002"),
        ]
        let report = MetricsEngine.report(calls: calls, groupBy: nil, options: Fixture.options())
        #expect(report.overall.details.shortAbandons == 0)
        #expect(report.overall.kpis.abandonmentRate == 0.5)
        #expect(report.overall.kpis.serviceLevel == 0)  // 20.001 s is over the 20 s threshold
    }

    @Test func answeredCallWithoutEndIsLeftOutOfCompletionAndTalk() {
        let t = Fixture.monday
        let calls = [
            Fixture.call("open", t, .answered, wait: 2, talk: nil),
            Fixture.call("done", Fixture.at(t, plus: 5), .answered, wait: 2, talk: 1.25, caller: "+447700900002"),
            Fixture.call("short", Fixture.at(t, plus: 9), .answered, wait: 2, talk: 0.75, caller: "+447700900003"),
        ]
        let k = MetricsEngine.report(calls: calls, groupBy: nil, options: Fixture.options()).overall.kpis
        #expect(k.answered == 3)
        #expect(k.completionRate == 0.5)  // "done" of ("done", "short")
        #expect(k.acdSeconds == 1.0)   // (1.25 + 0.75) / 2
        #expect(k.talkMinutes == 2.0 / 60)
    }

    @Test func blockedTargetIsStrictlyAbove() {
        let t = Fixture.monday
        var calls = (0..<19).map { Fixture.call("ok\($0)", Fixture.at(t, plus: Double($0)), .answered, wait: 1, talk: 5, caller: "+44770090\($0 + 1000)") }
        calls.append(Fixture.call("busy", Fixture.at(t, plus: 30), .busy, caller: "+447700909999"))
        let atTarget = MetricsEngine.report(calls: calls, groupBy: nil, options: Fixture.options())
        #expect(atTarget.overall.kpis.blockedRate == 0.05)
        #expect(!atTarget.blockedAboveTarget)
        var lower = Fixture.options()
        lower.blockedTarget = 0.049
        #expect(MetricsEngine.report(calls: calls, groupBy: nil, options: lower).blockedAboveTarget)
    }

    @Test func duplicatesAndUnsortedInput() {
        let t = Fixture.monday
        let a = Fixture.call("same", t, .answered, wait: 4, talk: 10)
        let b = Fixture.call("other", Fixture.at(t, plus: -60), .abandoned, wait: 9, caller: "+447700900002")
        let c = Fixture.call("twin", t, .busy, caller: "+447700900003")  // same start, other Call-ID: kept
        let report = MetricsEngine.report(calls: [a, b, a, c, a], groupBy: nil, options: Fixture.options())
        #expect(report.duplicatesExcluded == 2)
        #expect(report.overall.kpis.offered == 3)
        #expect(report.overall.kpis.answered == 1)
    }

    @Test func rangeCountsOnlyCallsInside() {
        let t = Fixture.monday
        let calls = [
            Fixture.call("before", Fixture.at(t, plus: -1), .answered, wait: 1, talk: 1),
            Fixture.call("first", t, .answered, wait: 1, talk: 1, caller: "+447700900002"),
            Fixture.call("last", Fixture.at(t, plus: 3599.999), .busy, caller: "+447700900003"),
            Fixture.call("after", Fixture.at(t, plus: 3600), .busy, caller: "+447700900004"),
        ]
        let report = MetricsEngine.report(calls: calls, groupBy: nil, options: Fixture.options(from: t, to: Fixture.at(t, plus: 3600)))
        #expect(report.overall.kpis.offered == 2)
        #expect(report.historyOnlyCalls == 2)
    }

    @Test func unknownDirectionCountsAsInboundOnlyWhenAsked() {
        let calls = [Fixture.call("x", Fixture.monday, .abandoned, wait: 30, direction: nil)]
        var options = Fixture.options()
        #expect(MetricsEngine.report(calls: calls, groupBy: nil, options: options).overall.kpis.abandonmentRate == nil)
        options.unknownDirectionIsInbound = true
        #expect(MetricsEngine.report(calls: calls, groupBy: nil, options: options).overall.kpis.abandonmentRate == 1)
    }

    @Test(arguments: [
        ([Int64](), 50, Int64?.none),
        ([7], 90, 7),
        ([1, 2, 3, 4], 50, 2),
        ([1, 2, 3, 4], 90, 4),
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90, 9),
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 91, 10),
        ([1, 2, 3], 50, 2),
    ] as [([Int64], Int, Int64?)])
    func nearestRankPercentile(values: [Int64], percent: Int, expected: Int64?) {
        #expect(nearestRank(values, percent: percent) == expected)
    }
}

/// The radix sort behind the exact percentiles orders as `sorted()` does: negative, equal,
/// large and small values, with digits that all values share and digits that differ.
@Suite struct SortedWaitsTests {
    @Test(arguments: [0, 1, 4_096, 4_097, 100_000])
    func ordersAsSorted(count: Int) {
        var generator = SystemRandomNumberGenerator()
        var values = (0..<count).map { i -> Int64 in
            switch i % 5 {
            case 0: return Int64.random(in: 0...300_000_000_000, using: &generator)
            case 1: return Int64.random(in: -5_000_000_000...5_000_000_000, using: &generator)
            case 2: return 42
            case 3: return Int64.random(in: Int64.min...Int64.max, using: &generator)
            default: return Int64(i) * 65_537
            }
        }
        #expect(CallMetrics.sortedWaits(values) == values.sorted())
        values = values.map { $0 & 0xFFFF }  // only the lowest digit differs
        #expect(CallMetrics.sortedWaits(values) == values.sorted())
    }
}
