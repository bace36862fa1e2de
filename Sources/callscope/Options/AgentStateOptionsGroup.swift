import ArgumentParser
import CDRImport
import CallMetrics
import CallModel

/// The after-call-work options of `report --view agents` and `events` (docs/metrics.md "Agent
/// states"); nil when not given, so the site profile's `agent_states:` can apply (``SiteSettings``).
struct AgentStateOptionsGroup: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Pause reasons that are after-call work when the pause starts within 10 s of the end of a call, comma-separated, any case (default: \(AgentStateOptions.defaultACWReasons.joined(separator: ",")), or the profile's agent_states.acw_reasons).",
        valueName: "reasons"))
    var acwReasons: String?

    @Option(name: .customLong("wrapup-s"), help: ArgumentHelp(
        "The queue's wrap-up time: the first S seconds after each call are after-call work (default: none, or the profile's agent_states.wrapup_s).", valueName: "S"))
    var wrapUpSeconds: Double?

    func validate() throws {
        if let wrapUpSeconds, !(wrapUpSeconds >= 0 && wrapUpSeconds <= 86_400) {
            throw ValidationError("--wrapup-s must be from 0 to 86400 seconds.")
        }
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
