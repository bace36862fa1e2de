import CallModel
import Foundation
import Testing
@testable import CallMetrics

/// `ner`, `longest_wait_s`, `mean_time_to_abandon_s` and `transfer_rate` (docs/metrics.md "The
/// KPIs"), on the mixed set of `KPITests` and on sets that take each one to its edge.
@Suite struct NetworkAndWaitKPITests {
    @Test func theMixedSet() {
        let k = MetricsEngine.report(calls: KPITests.mixed, groupBy: nil, options: Fixture.options()).overall.kpis
        // Effective: A B C J O answered, D E abandoned (rang, no answer), F busy, H no answer = 9;
        // G congestion is a network failure; I redirected is not a seizure: 9 / (11 - 1).
        #expect(k.ner == 9.0 / 10.0)
        // Inbound waits 10 30 20 3 40 0 0 60 1 5: the longest is H's 60 s.
        #expect(k.longestWaitSeconds == 60)
        // Abandons D (3 s, short, still counted) and E (40 s).
        #expect(k.meanTimeToAbandonSeconds == 21.5)
        // No call was transferred.
        #expect(k.transferRate == 0)
    }

    @Test func transferRateCountsAnsweredCallsWithATransfer() {
        let t = Fixture.monday
        var calls = [
            Fixture.call("A", t, .answered, wait: 4, talk: 60, agent: "201"),
            Fixture.call("B", Fixture.at(t, plus: 60), .answered, wait: 4, talk: 60, agent: "201"),
            Fixture.call("C", Fixture.at(t, plus: 120), .answered, wait: 4, talk: 60, agent: "202"),
            Fixture.call("D", Fixture.at(t, plus: 180), .abandoned, wait: 12),
        ]
        calls[0].transfers = 2  // two transfers of one call count once
        calls[3].transfers = 1  // not answered: never a transferred call
        let k = MetricsEngine.report(calls: calls, groupBy: nil, options: Fixture.options()).overall.kpis
        #expect(k.transferRate == 1.0 / 3.0)
        #expect(k.meanTimeToAbandonSeconds == 12)
        #expect(k.longestWaitSeconds == 12)
    }

    @Test func emptyAndUnknownSetsGiveNull() {
        let none = MetricsEngine.report(calls: [], groupBy: nil, options: Fixture.options()).overall.kpis
        #expect(none.ner == nil && none.longestWaitSeconds == nil && none.meanTimeToAbandonSeconds == nil && none.transferRate == nil)
        // One redirected call: no seizure, NER null; an IVR drop-off's IVR time is not a wait.
        let t = Fixture.monday
        let calls = [Fixture.call("R", t, .redirected, wait: 2), Fixture.call("V", Fixture.at(t, plus: 10), .ivrDropoff, wait: 45)]
        let k = MetricsEngine.report(calls: [calls[0]], groupBy: nil, options: Fixture.options()).overall.kpis
        #expect(k.ner == nil)
        let v = MetricsEngine.report(calls: calls, groupBy: nil, options: Fixture.options()).overall.kpis
        #expect(v.ner == 1.0)
        #expect(v.longestWaitSeconds == 2)
    }
}
