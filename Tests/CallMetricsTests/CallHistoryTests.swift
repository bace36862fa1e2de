import CallMetrics
import CallModel
import CaptureSynthesis
import Foundation
import Testing

/// ``CallHistory`` (one history pass shared by several figures) gives exactly the figures of
/// the entry points that take the calls, for the range, its previous period, a sub-range,
/// other groupings, and options whose windows differ from the history's.
@Suite struct CallHistoryTests {
    /// The seeded call-centre mix with few customers, so that repeat callers, callbacks and
    /// answered recalls are common, and some withheld callers and unknown directions.
    static func calls() -> [Call] {
        var calls = SyntheticCallRecords.generate(count: 3_000, seed: 11)
        for i in calls.indices {
            let customer = "+44770092" + String(1_000 + i % 83)
            if calls[i].direction == .inbound { calls[i].caller = i % 31 == 0 ? "anonymous" : customer }
            if calls[i].direction == .outbound { calls[i].dialed = "+44770092" + String(1_000 + (i * 5) % 83) }
            if i % 13 == 0 { calls[i].direction = nil }
        }
        return calls
    }

    @Test func sharedHistoryGivesTheFiguresOfEachPass() throws {
        let calls = Self.calls()
        let zone = try #require(TimeZone(identifier: "Europe/London"))
        let day: Int64 = 86_400_000_000_000
        let first = SyntheticCallRecords.firstDay * 1_000_000_000
        let campaigns = [Campaign(name: "even", numbers: ["+44207946010*"])]
        let range = MetricsOptions(timeZone: zone, from: Timestamp(nanoseconds: first + 10 * day), to: Timestamp(nanoseconds: first + 17 * day), campaigns: campaigns)
        let history = CallHistory(calls: calls, options: range)
        var shortWindows = range
        shortWindows.repeatWindow = .seconds(3_600)
        shortWindows.callbackWindow = .seconds(600)
        var unknownInbound = range
        unknownInbound.unknownDirectionIsInbound = true
        var subRange = range
        subRange.to = Timestamp(nanoseconds: first + 12 * day)
        let optionSets = [range, try #require(range.previousPeriod), subRange, MetricsOptions(timeZone: zone, campaigns: campaigns), shortWindows, unknownInbound]
        var lostSeen = 0, returnedSeen = 0
        for options in optionSets {
            for groupBy in [nil, GroupBy.hour, .day, .agent, .campaign] {
                #expect(MetricsEngine.report(history, groupBy: groupBy, options: options) == MetricsEngine.report(calls: calls, groupBy: groupBy, options: options))
            }
            let lost = MetricsEngine.lostCalls(history, options: options)
            #expect(lost == MetricsEngine.lostCalls(calls: calls, options: options))
            lostSeen += lost.count
            returnedSeen += lost.filter { $0.returned != .none }.count
            #expect(MetricsEngine.heatmap(history, metric: .answerRate, direction: .inbound, options: options)
                == MetricsEngine.heatmap(calls: calls, metric: .answerRate, direction: .inbound, options: options))
            #expect(MetricsEngine.agentDaily(history, options: options, totals: true) == MetricsEngine.agentDaily(calls: calls, options: options, totals: true))
            #expect(MetricsEngine.outboundAnswerRates(history, options: options) == MetricsEngine.outboundAnswerRates(calls: calls, options: options))
            #expect(MetricsEngine.campaignReport(history, options: options) == MetricsEngine.campaignReport(calls: calls, options: options))
            try expectRangeFiguresEqualEachPass(history, calls, options)
        }
        // The mix has what the shared pass must get right: lost calls of every range, some returned.
        #expect(lostSeen > 100 && returnedSeen > 20, "lost \(lostSeen), returned \(returnedSeen)")
        let repeats = MetricsEngine.report(history, groupBy: nil, options: range).overall.kpis.repeatCallers
        #expect(repeats > 100, "repeat callers \(repeats)")
    }

    /// The one pass of ``MetricsEngine/rangeFigures(_:options:)`` gives each figure exactly as
    /// its own entry point over the calls does.
    func expectRangeFiguresEqualEachPass(_ history: CallHistory, _ calls: [Call], _ options: MetricsOptions) throws {
        let figures = MetricsEngine.rangeFigures(history, options: options)
        #expect(figures.report == MetricsEngine.report(calls: calls, groupBy: nil, options: options))
        #expect(figures.byHour == MetricsEngine.report(calls: calls, groupBy: .hour, options: options))
        #expect(figures.byDay == MetricsEngine.report(calls: calls, groupBy: .day, options: options))
        #expect(figures.volume == MetricsEngine.heatmap(calls: calls, metric: .volume, direction: nil, options: options))
        #expect(figures.inboundAnswerRate == MetricsEngine.heatmap(calls: calls, metric: .answerRate, direction: .inbound, options: options))
        #expect(figures.outbound == MetricsEngine.outboundAnswerRates(calls: calls, options: options))
        #expect(figures.agentDays == MetricsEngine.agentDaily(calls: calls, options: options, totals: true))
        #expect(figures.campaigns == (options.campaigns.isEmpty ? nil : MetricsEngine.campaignReport(calls: calls, options: options)))
        // Not vacuous: the range has calls of every kind the figures count.
        let overall = figures.report.overall.kpis
        #expect(overall.offered > 0 && figures.outbound.cold.calls > 0 && figures.agentDays.count > 1 && figures.byHour.groups.count > 1)
        // The calls outside the range are counted as history, as the report of the range counts them.
        let outside = Set(calls.filter { !options.inRange($0.start) }.map { "\($0.callID) \($0.start.nanoseconds)" }).count
        #expect(figures.report.historyOnlyCalls == outside, "history \(figures.report.historyOnlyCalls), outside \(outside)")
    }
}
