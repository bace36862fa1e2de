import CallModel
import Foundation
import Testing
@testable import CallMetrics

/// The sliding window of the `kpi` control rule: a removable `KPIAccumulator` taking calls in
/// and out must give, at every step, exactly the KPIs of a fresh accumulator over the same calls.
@Suite struct KPIWindowTests {
    /// 1,500 calls, one every 40 s, from 60 callers (so repeat callers and returned lost calls
    /// occur), with every outcome, withheld callers, PDDs, transfers, waits and talk of many sizes.
    static let calls: [Call] = {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let outcomes: [CallOutcome] = [.answered, .answered, .answered, .abandoned, .noAnswer, .busy, .congestion, .ivrDropoff, .rejected, .redirected]
        return (0..<1_500).map { i in
            let outcome = outcomes[next(outcomes.count)]
            let caller = next(9) == 0 ? nil : "+4477009\(String(format: "%05d", next(60)))"
            let direction: CallDirection = next(5) == 0 ? .outbound : .inbound
            var call = Fixture.call("c\(i)", Fixture.at(Fixture.monday, plus: Double(i * 40)), outcome,
                                    wait: next(7) == 0 ? nil : Double(next(120)), talk: next(11) == 0 ? nil : Double(next(900)),
                                    caller: direction == .inbound ? caller : "201", dialed: direction == .inbound ? "+442079460100" : caller,
                                    direction: direction, agent: "20\(next(5))", queue: "support",
                                    pdd: next(3) == 0 ? Int64(next(4000)) : nil)
            if outcome == .answered, next(6) == 0 { call.transfers = 1 }
            return call
        }
    }()

    @Test func removableAccumulatorEqualsAFreshOneAtEveryStep() {
        let options = Fixture.options()
        let timeline = CallTimeline(calls: Self.calls, options: options)
        let facts = timeline.order.indices.map { timeline.facts(at: $0) }
        #expect(facts.contains { $0.callerClass == .repeat } && facts.contains { $0.returned != .none } && facts.contains { $0.callerClass == .withheld })
        var sliding = KPIAccumulator(options: options, removable: true)
        var first = 0
        var compared = 0
        for position in timeline.order.indices {
            sliding.add(Self.calls[timeline.order[position]], facts: facts[position])
            // A window of 30 minutes: 45 calls.
            while position - first >= 45 {
                sliding.remove(Self.calls[timeline.order[first]], facts: facts[first])
                first += 1
            }
            var fresh = KPIAccumulator(options: options)
            for p in first...position { fresh.add(Self.calls[timeline.order[p]], facts: facts[p]) }
            let (slidingKPIs, slidingDetails) = sliding.result()
            let (freshKPIs, freshDetails) = fresh.result()
            #expect(slidingKPIs == freshKPIs, "at call \(position)")
            #expect(slidingDetails == freshDetails, "at call \(position)")
            if slidingKPIs != freshKPIs { break }
            compared += 1
        }
        #expect(compared == Self.calls.count)
    }

    /// The rule's events equal a brute-force evaluation that runs `KPIAccumulator` afresh over
    /// each window, for a rate, a mean, a percentile and the longest wait, overall and by agent.
    @Test func slidingEventsEqualAFreshWindowAtEachCall() {
        let options = Fixture.options()
        let timeline = CallTimeline(calls: Self.calls, options: options)
        for (metric, above) in [("abandonment_rate", 0.2), ("asa_s", 60), ("asa_p90_s", 100), ("longest_wait_s", 110), ("callback_rate", 0.5)] {
            for by in [KPIWindowRule.Grouping.none, .agent] {
                let rule = KPIWindowRule(metric: metric, above: above, windowSeconds: 1800, by: by, minCalls: 5)
                let events = rule.events(ControlRule(name: "r", kind: .kpi(rule)), calls: Self.calls, options: options)
                // Brute force: every group's windows built from scratch.
                var expected: [(String, Double)] = []
                var groups: [String: [Int]] = [:]
                for position in timeline.order.indices {
                    let call = Self.calls[timeline.order[position]]
                    groups[by == .agent ? call.agent ?? "" : "", default: []].append(position)
                }
                for positions in groups.values {
                    var breached = false
                    for (index, position) in positions.enumerated() {
                        let start = Self.calls[timeline.order[position]].start
                        let window = positions[...index].filter { Self.calls[timeline.order[$0]].start.distance(to: start) < 1_800_000_000_000 }
                        var fresh = KPIAccumulator(options: options)
                        for p in window { fresh.add(Self.calls[timeline.order[p]], facts: timeline.facts(at: p)) }
                        guard window.count >= 5, let kpi = KPIWindowRule.metrics[metric]?(fresh.kpis) else { continue }
                        guard (kpi > above) != breached else { continue }
                        breached.toggle()
                        expected.append((Self.calls[timeline.order[position]].callID, (kpi * 10_000).rounded() / 10_000))
                    }
                }
                let sortedExpected = expected.sorted { $0.0 < $1.0 }
                let sortedEvents = events.map { ($0.callID ?? "", $0.value ?? .nan) }.sorted { $0.0 < $1.0 }
                #expect(sortedEvents.map(\.0) == sortedExpected.map(\.0), "\(metric) by \(by)")
                #expect(sortedEvents.map(\.1) == sortedExpected.map(\.1), "\(metric) by \(by)")
                #expect(!events.isEmpty, "\(metric) by \(by) fires on this mix")
            }
        }
    }
}
