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

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, ndjson, csv }

    @OptionGroup var input: InputOptions
    @OptionGroup var metrics: MetricsOptionsGroup

    @Flag(help: "Only the lost calls not returned yet.")
    var open = false

    @Option(name: .shortAndLong, help: "Output format: table for people; json, ndjson or csv for machines.")
    var format: Format = .table

    func validate() throws {
        try input.requireExistingDatabase()
        try metrics.validate(timeZone: input.siteTimeZone)
    }

    func run() throws {
        let options = try metrics.options(timeZone: input.siteTimeZone)
        let (collected, finish) = try input.collect(storedRange: MetricsOptionsGroup.storedRange(options))
        var lost = MetricsEngine.lostCalls(calls: collected.calls, options: options)
        if open { lost = lost.filter { $0.returned == .none && !$0.withheld } }
        switch format {
        case .table: Output.write(LostCallRendering.table(lost))
        case .json, .ndjson, .csv:
            let streamFormat: RecordStream.Format = format == .csv ? .csv : (format == .json ? .json : .ndjson)
            var stream = RecordStream(format: streamFormat, header: LostCallRendering.fields, write: Output.write)
            for call in lost { stream.append(LostCallRendering.record(call)) }
            stream.finish()
        }
        try finish()
    }
}
