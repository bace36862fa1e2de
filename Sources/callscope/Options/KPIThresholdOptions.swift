import ArgumentParser

/// The thresholds of the KPIs (docs/metrics.md "Options"); only `report` computes KPIs.
struct KPIThresholdOptions: ParsableArguments {
    @Option(help: "Abandons shorter than this many seconds are short abandons, left out of abandonment and service level.")
    var shortAbandon: Double = 5

    @Option(name: .customLong("sl-threshold"), help: "Service level: answered within this many seconds.")
    var serviceLevelThreshold: Double = 20

    @Option(name: .customLong("qualified-s"), help: "A qualified call is answered with at least this many seconds of talk.")
    var qualifiedSeconds: Double = 60

    @Option(help: "Say so when the blocked-call rate is above this percentage.")
    var blockedTarget: Double = 5

    func validate() throws {
        try checkRange("--short-abandon", shortAbandon, maximum: 86_400)
        try checkRange("--sl-threshold", serviceLevelThreshold, maximum: 86_400)
        try checkRange("--qualified-s", qualifiedSeconds, maximum: 86_400)
        try checkRange("--blocked-target", blockedTarget, maximum: 100)
    }
}
