import ArgumentParser
import CallMetrics
import Reports

/// `callscope lost`: every unanswered inbound call and what happened next.
struct LostCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lost",
        abstract: "List every unanswered inbound call and whether it was called back or answered again.",
        discussion: "A lost call is returned when an outbound call to the number was answered, or the caller called again and was answered, within --callback-window hours."
    )

    enum Formats: OutputFormats {
        static let command = "lost"
        static let accepted: [OutputFormat] = [.table, .json, .ndjson, .csv]
        static let help = "Output format: table for people; json, ndjson or csv for machines."
    }

    @OptionGroup var input: InputOptions
    @OptionGroup var period: PeriodOptions
    @OptionGroup var windows: HistoryWindowOptions

    @Flag(help: "Only the lost calls not returned yet.")
    var open = false

    @OptionGroup(title: "Finding calls") var selection: CallSelectionOptions
    @OptionGroup var output: OutputFormatOptions<Formats>
    @OptionGroup var display: DisplayOptions

    func validate() throws {
        try input.requireExistingDatabase()
        _ = try period.range(timeZone: input.siteTimeZone)
        _ = try selection.query(fields: LostCallRendering.fields(time: SiteTime(zone: input.siteTimeZone)), timeZone: input.siteTimeZone)
    }

    func run() throws {
        let site = try input.settings(windows: windows)
        let options = try MetricsOptions(site: site, period: period)
        let (collected, finish) = try input.collect(site: site, storedRange: options.storedRange)
        var lost = MetricsEngine.lostCalls(calls: collected.calls, options: options)
        let coverage = MetricsEngine.directionCoverage(calls: collected.calls, options: options)
        if open { lost = lost.filter { $0.returned == .none && !$0.withheld } }
        var time = SiteTime(zone: input.siteTimeZone)
        lost = try selection.select(lost, fields: LostCallRendering.fields(time: time), timeZone: input.siteTimeZone, ids: { [$0.callID] },
                                    record: { LostCallRendering.record($0, time: &time) }, failing: finish)
        if let streamFormat = output.format.recordStream {
            var stream = RecordStream(format: streamFormat, header: LostCallRendering.fields(time: time, lost: lost), write: Output.write)
            for call in lost { stream.append(LostCallRendering.record(call, time: &time)) }
            stream.finish()
        } else {
            let starts = DisplayOptions.startsInRange(collected.calls, options: options)
            Output.write(LostCallRendering.table(lost, coverage: coverage, time: time, starts: starts, requested: (options.from, options.to), width: display.tableWidth))
        }
        if !input.quiet, let warning = coverage.warning { StandardError.line("callscope: warning: \(warning)") }
        try finish()
    }
}
