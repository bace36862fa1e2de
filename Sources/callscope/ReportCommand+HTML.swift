import ArgumentParser
import CallMetrics
import CallModel
import Foundation
import Reports

/// `report --format html`: every view of the report on one self-contained page (README "HTML report").
extension ReportCommand {
    func validateHTML() throws {
        if output.format == .html {
            if view != .kpis || by != nil { throw ValidationError("--format html shows every view on one page: give no --view or --by.") }
        } else if html.anyGiven {
            throw ValidationError("--output, --site, --target-*, --rules, --shifts and --talk are for --format html.")
        }
    }

    func runHTML(options: MetricsOptions) throws {
        let rules = try html.rules.map { try ControlRuleFiles.load(rules: $0, shifts: html.shifts, hasCampaigns: campaigns.campaigns != nil) }
        if let rule = rules?.rules.first(where: { $0.kind.needsTalk }) {
            throw ValidationError("Rule '\(rule.name)' (\(rule.kind.name)) needs talk analysis, which the report does not run: list its events with 'callscope events'.")
        }
        // The stored calls of the previous period too, for the tiles' comparison.
        let (collected, finish) = try input.collect(storedRange: options.storedRangeWithPreviousPeriod, talk: html.talk ? talkOptions : nil)
        let timelines = AgentStateOptionsGroup.timelines(collected.agentEvents, input: input)
        let states = MetricsEngine.agentStates(timelines, options: options, agentOptions: agentStates.options)
        let events = rules.map { ControlEvents.evaluate(rules: $0.rules, calls: collected.calls, timelines: timelines, shifts: $0.shifts,
                                                        options: options, agentOptions: agentStates.options) }
        let figures = HTMLReportFigures(calls: collected.calls, options: options, agentStates: states, events: events)
        let context = HTMLReportContext(
            site: html.site, inputs: input.inputs + (input.db.map { ["--db " + $0] } ?? []),
            generatedAt: Timestamp(nanoseconds: Int64(Date().timeIntervalSince1970 * 1e9)), options: options,
            targets: html.targets(blockedPercent: thresholds.blockedTarget))
        try html.write(HTMLReport.render(figures, context: context))
        warn(figures.report.directionCoverage)
        try finish()
    }
}
