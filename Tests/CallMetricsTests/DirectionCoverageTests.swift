import CallModel
import Testing
@testable import CallMetrics

/// `DirectionCoverage`: the calls in range whose direction is unknown, which every inbound
/// figure leaves out (README "Direction").
@Suite struct DirectionCoverageTests {
    static let calls = [
        Fixture.call("before", Fixture.at(Fixture.monday, plus: -3600), .abandoned, wait: 10, direction: nil),
        Fixture.call("a", Fixture.monday, .answered, wait: 5, talk: 30, direction: .inbound),
        Fixture.call("b", Fixture.at(Fixture.monday, plus: 60), .abandoned, wait: 12, direction: nil),
        Fixture.call("b", Fixture.at(Fixture.monday, plus: 60), .abandoned, wait: 12, direction: nil),  // duplicate
        Fixture.call("c", Fixture.at(Fixture.monday, plus: 120), .noAnswer, wait: 30, direction: .outbound),
        Fixture.call("d", Fixture.at(Fixture.monday, plus: 180), .busy, wait: 1, direction: nil),
    ]

    @Test func countsUnknownCallsInRangeOnce() {
        let options = Fixture.options(from: Fixture.monday)
        let coverage = MetricsEngine.directionCoverage(calls: Self.calls, options: options)
        #expect(coverage == DirectionCoverage(unknown: 2, calls: 4))
        #expect(coverage.warning == "direction unknown for 2 of 4 calls: give the site's numbers, see --own-numbers or the site profile")
        #expect(MetricsEngine.report(calls: Self.calls, groupBy: nil, options: options).directionCoverage == coverage)
    }

    @Test func noWarningWhenEveryDirectionIsKnown() {
        let known = Self.calls.filter { $0.direction != nil }
        let coverage = MetricsEngine.directionCoverage(calls: known, options: Fixture.options())
        #expect(coverage == DirectionCoverage(unknown: 0, calls: 2))
        #expect(coverage.warning == nil)
        #expect(MetricsEngine.directionCoverage(calls: [], options: Fixture.options()).warning == nil)
    }
}
