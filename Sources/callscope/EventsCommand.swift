import ArgumentParser
import CallMetrics
import Foundation
import Reports
import SiteConfiguration

/// `callscope events`: control events of calls and agent states under a rules file (README
/// "callscope events").
struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "List the control events of the inputs under a rules file: dropped calls, long waits, long or frequent breaks, ring-no-answers, unreturned lost calls, late logins, poor audio, talk share and overtalk.",
        discussion: """
            Each rule of --rules (YAML, see README "callscope events") is checked against the calls \
            and the queue_log agent states; every event is listed in time order, then (table) the \
            count per agent and rule. late_login, early_logoff and absent need --shifts. Days are \
            local days in --timezone.
            """
    )

    enum Formats: OutputFormats {
        static let command = "events"
        static let accepted: [OutputFormat] = [.table, .json, .ndjson, .csv]
        static let help = "Output format: table for people (local times, then the summary per agent and rule); json, ndjson or csv for machines (UTC)."
    }

    @OptionGroup var input: InputOptions
    @OptionGroup var period: PeriodOptions
    @OptionGroup var windows: HistoryWindowOptions
    @OptionGroup(title: "KPI thresholds (kpi rules)") var thresholds: KPIThresholdOptions
    @OptionGroup var agentStates: AgentStateOptionsGroup
    @OptionGroup(title: "Talk analysis (agent_share_above, overtalk_above)") var talk: TalkOptions

    @Option(help: ArgumentHelp("The rules: YAML list of name, when (rule kind) and its parameters, severity, queues, agents (see README). Default: the profile's events.rules.", valueName: "file"))
    var rules: String?

    @Option(help: ArgumentHelp("Agents' shifts, CSV lines agent,date or weekday,start,end in local time (for late_login, early_logoff, absent). Default: the profile's events.shifts.", valueName: "file"))
    var shifts: String?

    @OptionGroup var output: OutputFormatOptions<Formats>

    func validate() throws {
        try input.requireExistingDatabase()
        _ = try period.range(timeZone: input.siteTimeZone)
    }

    func run() throws {
        let site = try input.settings(talk: talk, windows: windows, thresholds: thresholds, agentStates: agentStates, rules: rules, shifts: shifts)
        guard let rules = site.rules.value else { throw ValidationError("Give the control rules: --rules FILE, or events.rules in the site profile.") }
        let (ruleList, shiftList) = try ControlRuleFiles.load(rules: rules, shifts: site.shifts.value, hasCampaigns: site.campaigns.value != nil)
        let options = try MetricsOptions(site: site, period: period, campaigns: site.loadCampaigns())
        // Audio is decoded only when a rule reads the talk figures (slower).
        let (collected, finish) = try input.collect(site: site, storedRange: options.storedRange,
                                                    talk: ruleList.contains { $0.kind.needsTalk } ? talk : nil)
        let timelines = AgentStateOptionsGroup.timelines(collected.agentEvents, input: input)
        let events = ControlEvents.evaluate(rules: ruleList, calls: collected.calls, timelines: timelines, shifts: shiftList,
                                            options: options, agentOptions: site.agentStateOptions)
        if let streamFormat = output.format.recordStream {
            var stream = RecordStream(format: streamFormat, header: ControlEventRendering.fields, write: Output.write)
            for event in events { stream.append(ControlEventRendering.record(event)) }
            stream.finish()
        } else {
            Output.write(DisplayOptions.periodHeader(collected.calls, options: options) + ControlEventRendering.table(events, zone: site.timeZone))
        }
        try finish()
    }
}
