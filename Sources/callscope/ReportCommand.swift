import ArgumentParser
import CallMetrics
import Foundation
import Reports

/// `callscope report`: the call-centre KPIs, overall and per group.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print the call-centre KPIs of the inputs, overall and per group.",
        discussion: """
            Offered calls, ASR, completion, blocked-call rate, abandonment, ASA with p90, service \
            level, PDD, average call duration, talk minutes, first-time and repeat callers, lost \
            calls and callbacks, qualified calls. Definitions: README "Metrics" and docs/metrics.md. \
            Buckets (hour, day, weekday, week) are in --timezone, DST-correct; a call belongs to the \
            bucket of its start. Calls before --from still count as history for repeat callers and \
            cold calls; calls after --to are searched for callbacks of lost calls.
            """
    )

    enum Formats: OutputFormats {
        static let command = "report"
        static let accepted: [OutputFormat] = [.table, .json, .csv, .html]
        static let help = "Output format: table for people; json or csv for machines (rates as fractions 0-1); html: one self-contained page of every view, with charts (README \"HTML report\")."
    }
    enum View: String, ExpressibleByArgument, CaseIterable { case kpis, agents, outbound, campaigns, attribution }

    @OptionGroup var input: InputOptions
    @OptionGroup var period: PeriodOptions
    @OptionGroup var windows: HistoryWindowOptions
    @OptionGroup var thresholds: KPIThresholdOptions
    @OptionGroup var agentStates: AgentStateOptionsGroup

    @Option(help: ArgumentHelp("Group by: hour (of day), day, weekday, week, campaign, dialed, agent, queue, source, direction, or a visit field: utm_source, utm_medium, utm_campaign, keyword, landing_page, attribution (with --visits or --pool).", valueName: "key"))
    var by: GroupBy?

    @Option(help: ArgumentHelp(
        "What to report: kpis (default, per --by group), agents (per agent per day and overall, with queue_log agent states), outbound (cold vs follow-up answer rates), campaigns (calls, conversion, cost, ROI; needs --campaigns), attribution (the same per --by visit field, default utm_source, with share attributed and pool exhaustion; needs --visits or --pool).",
        valueName: "view"))
    var view: View = .kpis

    @OptionGroup var output: OutputFormatOptions<Formats>
    @OptionGroup var html: HTMLReportOptions
    @OptionGroup(title: "Talk analysis (--format html --talk)") var talkOptions: TalkOptions

    func validate() throws {
        try input.requireExistingDatabase()
        _ = try period.range(timeZone: input.siteTimeZone)
        let noCampaigns = input.campaigns.campaigns == nil && (try? input.settings())?.campaigns.value == nil
        if view == .campaigns, noCampaigns { throw ValidationError("--view campaigns needs --campaigns FILE (or campaigns in the site profile).") }
        if by == .campaign, noCampaigns { throw ValidationError("--by campaign needs --campaigns FILE (or campaigns in the site profile).") }
        if view == .attribution, let by, !Self.visitFields.contains(by) {
            throw ValidationError("--view attribution groups by a visit field: \(Self.visitFields.map(\.rawValue).joined(separator: ", ")).")
        }
        if view != .kpis, view != .attribution, by != nil { throw ValidationError("--by groups the kpis and attribution views only.") }
        try validateHTML()
    }

    func run() throws {
        let site = try input.settings(windows: windows, thresholds: thresholds, agentStates: agentStates)
        let options = try MetricsOptions(site: site, period: period, campaigns: site.loadCampaigns())
        if output.format == .html { return try runHTML(options: options, site: site) }
        if view == .kpis, let (computed, finish) = try input.storeReport(site: site, options: options, groupBy: by) {
            write(computed.report, header: DisplayOptions.periodHeader(computed, options: options))
            return try finish()
        }
        if view == .kpis || view == .outbound, try streamReport(site: site, options: options) { return }
        let (collected, finish) = try input.collect(site: site, storedRange: options.storedRange)
        if view == .attribution { return try runAttribution(collected: collected, finish: finish, site: site, options: options) }
        if view != .kpis {
            let records: [Record]
            switch view {
            case .agents:
                let timelines = AgentStateOptionsGroup.timelines(collected.agentEvents, input: input)
                records = AgentStateRendering.records(
                    MetricsEngine.agentDaily(calls: collected.calls, options: options, totals: true),
                    states: MetricsEngine.agentStates(timelines, options: options, agentOptions: site.agentStateOptions))
            case .outbound: records = ViewRendering.outboundRecords(MetricsEngine.outboundAnswerRates(calls: collected.calls, options: options))
            case .campaigns, .kpis, .attribution: records = ViewRendering.campaignRecords(MetricsEngine.campaignReport(calls: collected.calls, options: options))
            }
            write(records, header: DisplayOptions.periodHeader(collected.calls, options: options))
            warn(MetricsEngine.directionCoverage(calls: collected.calls, options: options))
            return try finish()
        }
        let report = MetricsEngine.report(calls: collected.calls, groupBy: by, options: options)
        write(report, header: DisplayOptions.periodHeader(collected.calls, options: options))
        try finish()
    }

    /// The KPI view (and the outbound view) over captures, or one CDR file, consumed as they are read
    /// (``InputOptions/stream(site:talk:emit:)``, ``KPIReportStream``): memory follows the calls
    /// in progress and the figures' state, not the calls. False, having read nothing, when the
    /// run needs all its calls at once (a database, several CDR files, visit attribution).
    private func streamReport(site: SiteSettings, options: MetricsOptions) throws -> Bool {
        var stream = KPIReportStream(groupBy: view == .kpis ? by : nil, options: options)
        var outbound = view == .outbound ? OutboundRatesStream(options: options) : nil
        guard let finish = try input.stream(site: site, emit: { call in
            stream.add(call)
            outbound?.add(call)
        }) else { return false }
        let header = DisplayOptions.periodHeader(starts: [stream.firstStart, stream.lastStart].compactMap { $0 }, options: options)
        let report = stream.report()
        if let outbound {
            write(ViewRendering.outboundRecords(outbound.result()), header: header)
            warn(report.directionCoverage)
        } else {
            write(report, header: header)
        }
        try finish()
        return true
    }

    /// Writes the records of a view other than kpis in the output format (`header`: the table's `Period:` line).
    func write(_ records: [Record], header: @autoclosure () -> String) {
        if let streamFormat = output.format.recordStream {
            var stream = RecordStream(format: streamFormat, header: records.first?.map(\.name) ?? [], write: Output.write)
            for record in records { stream.append(record) }
            stream.finish()
        } else {
            Output.write(header() + ViewRendering.table(records, empty: "no \(view.rawValue) figures: no calls in range"))
        }
    }

    /// Writes the KPI table in the output format (`header`: the table's `Period:` line), then the direction warning.
    func write(_ report: MetricsReport, header: @autoclosure () -> String) {
        switch output.format {
        case .table, .ndjson, .svg, .html:  // ndjson and svg: refused by OutputFormatOptions.validate(); html: runHTML
            Output.write(header() + KPIRendering.table(report))
        case .json:
            var bytes: [UInt8] = []
            JSONWriter.append(KPIRendering.json(report), to: &bytes)
            bytes.append(0x0A)
            Output.write(bytes)
        case .csv:
            var stream = RecordStream(format: .csv, header: ["key"] + KPIRendering.keys, write: Output.write)
            stream.append(KPIRendering.record(key: "all", report.overall.kpis))
            for group in report.groups { stream.append(KPIRendering.record(key: group.key, group.kpis)) }
            stream.finish()
        }
        warn(report.directionCoverage)
    }

    /// Says on stderr when inbound figures leave out calls of unknown direction (README "Direction").
    func warn(_ coverage: DirectionCoverage) {
        if !input.quiet, let warning = coverage.warning { StandardError.line("callscope: warning: \(warning)") }
    }
}

extension GroupBy: ExpressibleByArgument {}
