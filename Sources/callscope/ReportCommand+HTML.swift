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

    func runHTML(options: MetricsOptions, site: SiteSettings) throws {
        // The page's control events: --rules, else the profile's events.rules (and shifts).
        let rulesFile = html.rules ?? site.rules.value
        let shiftsFile = html.rules != nil ? html.shifts : html.shifts ?? site.shifts.value
        let rules = try rulesFile.map { try ControlRuleFiles.load(rules: $0, shifts: shiftsFile, hasCampaigns: site.campaigns.value != nil) }
        if let rule = rules?.rules.first(where: { $0.kind.needsTalk }) {
            throw ValidationError("Rule '\(rule.name)' (\(rule.kind.name)) needs talk analysis, which the report does not run: list its events with 'callscope events'.")
        }
        // The stored calls of the previous period too, for the tiles' comparison.
        let (collected, finish) = try input.collect(site: site, storedRange: options.storedRangeWithPreviousPeriod, talk: html.talk ? talkOptions : nil)
        let timelines = AgentStateOptionsGroup.timelines(collected.agentEvents, input: input)
        let states = MetricsEngine.agentStates(timelines, options: options, agentOptions: site.agentStateOptions)
        let events = rules.map { ControlEvents.evaluate(rules: $0.rules, calls: collected.calls, timelines: timelines, shifts: $0.shifts,
                                                        options: options, agentOptions: site.agentStateOptions) }
        var figures = HTMLReportFigures(calls: collected.calls, options: options, agentStates: states, events: events)
        if let attribution = try site.loadAttribution(report: { _ in }) {
            figures.attribution = MetricsEngine.attributionReport(
                calls: collected.calls, by: .utmSource, options: options, costs: attribution.costs,
                valuePerQualified: attribution.options.value, exhaustion: attribution.engine.exhaustion())
        }
        let context = HTMLReportContext(
            site: html.site ?? site.profile?.site?.value, inputs: input.inputs + (site.database.value.map { ["--db " + $0] } ?? []),
            generatedAt: Timestamp(nanoseconds: Int64(Date().timeIntervalSince1970 * 1e9)), options: options,
            targets: html.targets(blockedPercent: site.blockedTargetPercent.value))
        try html.write(HTMLReport.render(figures, context: context))
        warn(figures.report.directionCoverage)
        try finish()
    }
}
