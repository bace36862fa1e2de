import ArgumentParser

/// The thresholds of the KPIs (docs/metrics.md "Options"); only `report` computes KPIs. Each is
/// nil when not given, so the site profile's `thresholds:` can apply (``SiteSettings``).
struct KPIThresholdOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Abandons shorter than this many seconds are short abandons, left out of abandonment and service level (default: 5, or the profile's thresholds.short_abandon_s).", valueName: "s"))
    var shortAbandon: Double?

    @Option(name: .customLong("sl-threshold"), help: ArgumentHelp("Service level: answered within this many seconds (default: 20, or the profile's thresholds.service_level_s).", valueName: "s"))
    var serviceLevelThreshold: Double?

    @Option(name: .customLong("qualified-s"), help: ArgumentHelp("A qualified call is answered with at least this many seconds of talk (default: 60, or the profile's thresholds.qualified_s).", valueName: "s"))
    var qualifiedSeconds: Double?

    @Option(help: ArgumentHelp("Say so when the blocked-call rate is above this percentage (default: 5, or the profile's thresholds.blocked_target_percent).", valueName: "percent"))
    var blockedTarget: Double?

    func validate() throws {
        try checkRange("--short-abandon", shortAbandon, maximum: 86_400)
        try checkRange("--sl-threshold", serviceLevelThreshold, maximum: 86_400)
        try checkRange("--qualified-s", qualifiedSeconds, maximum: 86_400)
        try checkRange("--blocked-target", blockedTarget, maximum: 100)
    }
}
