import ArgumentParser
import CallMetrics
import Reports

/// `callscope heatmap`: weekday x hour grid of volume, answer rate or ASA.
struct HeatmapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heatmap",
        abstract: "Print a weekday x hour grid of call volume, answer rate or ASA.",
        discussion: "With --direction outbound --metric answer-rate it shows the best time to call. Hours are in --timezone."
    )

    enum Formats: OutputFormats {
        static let command = "heatmap"
        static let accepted: [OutputFormat] = [.table, .json, .csv]
        static let help = "Output format: table (shaded grid) for people; json or csv (one row per cell) for machines."
    }

    @OptionGroup var input: InputOptions
    @OptionGroup var period: PeriodOptions

    @Option(help: "What each cell shows: volume (calls), answer-rate (answered / calls) or asa (mean wait of answered calls).")
    var metric: HeatmapMetric = .volume

    @Option(help: "Only inbound or only outbound calls (default: all).")
    var direction: CallDirectionFilter?

    @Option(help: ArgumentHelp("Only the calls of this agent (e.g. an agent's best time to call with --direction outbound --metric answer-rate).", valueName: "agent"))
    var agent: String?

    @OptionGroup var output: OutputFormatOptions<Formats>

    func validate() throws {
        try input.requireExistingDatabase()
        _ = try period.range(timeZone: input.siteTimeZone)
    }

    func run() throws {
        let site = try input.settings()
        let options = try MetricsOptions(site: site, period: period)
        // Captures, or one CDR file, are counted as they are read (README "Order and memory").
        var grid = HeatmapStream(metric: metric, direction: direction, options: options)
        let agent = agent
        if let finish = try input.stream(site: site, emit: { call in if agent == nil || call.agent == agent { grid.add(call) } }) {
            write(grid.heatmap(), header: DisplayOptions.periodHeader(starts: [grid.firstStart, grid.lastStart].compactMap { $0 }, options: options))
            return try finish()
        }
        let (collected, finish) = try input.collect(site: site, storedRange: options.storedRange)
        let calls = agent.map { name in collected.calls.filter { $0.agent == name } } ?? collected.calls
        let heatmap = MetricsEngine.heatmap(calls: calls, metric: metric, direction: direction, options: options)
        write(heatmap, header: DisplayOptions.periodHeader(calls, options: options))
        try finish()
    }

    /// Writes the grid in the output format (`header`: the table's `Period:` line).
    private func write(_ heatmap: Heatmap, header: @autoclosure () -> String) {
        if let streamFormat = output.format.recordStream {
            var stream = RecordStream(format: streamFormat, header: ["weekday", "hour", "value", "calls", "answered"], write: Output.write)
            for record in HeatmapRendering.records(heatmap) { stream.append(record) }
            stream.finish()
        } else {
            Output.write(header() + HeatmapRendering.table(heatmap))
        }
    }
}

extension HeatmapMetric: ExpressibleByArgument {}
extension CallDirectionFilter: ExpressibleByArgument {}
