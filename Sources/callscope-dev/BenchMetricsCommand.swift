import ArgumentParser
import CDRImport
import CallModel
import CallMetrics
import CaptureSynthesis
import Foundation

/// `callscope-dev bench metrics`: the metrics core over generated calls, no parsing.
struct BenchMetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Time report, lost calls, heatmap, agents, agent states and campaigns over N generated calls on one core.",
        discussion: "Each phase prints its wall-clock seconds and the CPU seconds of its thread (the figure to compare on a busy machine). The calls are a seeded call-centre mix made in memory (CaptureSynthesis' SyntheticCallRecords)."
    )

    @OptionGroup var generated: GeneratedCallsOptions

    func run() throws {
        let calls = SyntheticCallRecords.generate(count: generated.calls, seed: generated.seed)
        let campaigns = SyntheticCallRecords.trackingNumbers.enumerated().map { index, number in
            Campaign(name: "campaign \(index)", numbers: [number], cost: 1000, revenuePerQualified: 50)
        }
        let options = MetricsOptions(timeZone: TimeZone(identifier: "Europe/London") ?? .current, campaigns: campaigns)
        func time(_ label: String, _ body: () -> Int) {
            var result = 0
            let cpuBefore = threadCPUSeconds()
            let seconds = measureSeconds { result = body() }
            let cpu = threadCPUSeconds() - cpuBefore
            print("\(label.padding(toLength: 28, withPad: " ", startingAt: 0)) \(String(format: "%7.3f", seconds)) s  cpu \(String(format: "%7.3f", cpu)) s   (\(result) rows)")
        }
        print("\(calls.count) generated calls")
        time("report (overall)") { MetricsEngine.report(calls: calls, groupBy: nil, options: options).groups.count + 1 }
        time("report --by hour") { MetricsEngine.report(calls: calls, groupBy: .hour, options: options).groups.count }
        time("report --by agent") { MetricsEngine.report(calls: calls, groupBy: .agent, options: options).groups.count }
        time("lost calls") { MetricsEngine.lostCalls(calls: calls, options: options).count }
        time("heatmap") { MetricsEngine.heatmap(calls: calls, metric: .answerRate, direction: .inbound, options: options).cells.count }
        time("agents per day") { MetricsEngine.agentDaily(calls: calls, options: options).count }
        let events = SyntheticCallRecords.agentEvents(for: calls)
        print("\(events.count) queue_log agent events")
        var timelines: [AgentTimeline] = []
        time("agent events -> timelines") { timelines = AgentStateBuilder.build(events).timelines; return timelines.count }
        time("agents view (+ states)") {
            MetricsEngine.agentDaily(calls: calls, options: options, totals: true).count
                + MetricsEngine.agentStates(timelines, options: options).count
        }
        // The kpi control rule judges its sliding window at every call (about 670 calls in 30 minutes).
        let spike = ControlRule(name: "abandonment spike", kind: .kpi(KPIWindowRule(
            metric: "abandonment_rate", above: 0.15, windowSeconds: 1800, minCalls: 10)))
        time("events kpi 30m") { ControlEvents.evaluate(rules: [spike], calls: calls, timelines: [], options: options).count }
        time("campaigns") { MetricsEngine.campaignReport(calls: calls, options: options).campaigns.count }
    }
}
