import ArgumentParser
import CDRImport
import CallMetrics
import CallModel

/// The after-call-work options of `report --view agents` (docs/metrics.md "Agent states").
struct AgentStateOptionsGroup: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Pause reasons that are after-call work when the pause starts within 10 s of the end of a call, comma-separated, any case.",
        valueName: "reasons"))
    var acwReasons: String = AgentStateOptions.defaultACWReasons.joined(separator: ",")

    @Option(name: .customLong("wrapup-s"), help: ArgumentHelp(
        "The queue's wrap-up time: the first S seconds after each call are after-call work.", valueName: "S"))
    var wrapUpSeconds: Double?

    func validate() throws {
        if let wrapUpSeconds, !(wrapUpSeconds >= 0 && wrapUpSeconds <= 86_400) {
            throw ValidationError("--wrapup-s must be from 0 to 86400 seconds.")
        }
    }

    var options: AgentStateOptions {
        let reasons = acwReasons.split(separator: ",").map { String($0) }.filter { !$0.allSatisfy { $0 == " " } }
        return AgentStateOptions(acwReasons: reasons, wrapUp: wrapUpSeconds.map { .milliseconds(Int64(($0 * 1000).rounded())) })
    }

    /// Agent timelines of the run's queue_log agent events, their diagnostics printed on
    /// stderr (file:line) as the inputs' are.
    static func timelines(_ events: [AgentEvent], input: InputOptions) -> [AgentTimeline] {
        let (timelines, diagnostics) = AgentStateBuilder.build(events)
        let printer = DiagnosticPrinter(limit: input.maxDiagnostics, quiet: input.quiet)
        for diagnostic in diagnostics { printer.print(diagnostic) }
        printer.finish()
        return timelines
    }
}
