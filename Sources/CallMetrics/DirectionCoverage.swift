import CallModel

/// How many of the calls in range have an unknown direction (README "Direction").
///
/// Why it matters: the inbound figures (lost calls, abandonment, ASA, service level, first-time
/// and repeat callers) count only calls known to be inbound. A call whose direction is unknown
/// (null: neither number is an extension or one of the site's own numbers, typically because
/// `--own-numbers` was not given) is left out of them without a sound, so a capture full of
/// inbound calls would report "0 lost calls". Whenever at least one call in range has an
/// unknown direction, `warning` says so, and `lost` and `report` print it.
public struct DirectionCoverage: Sendable, Hashable {
    /// Calls in range (duplicates left out) whose direction is unknown.
    public var unknown: Int
    /// Calls in range (duplicates left out).
    public var calls: Int

    public init(unknown: Int, calls: Int) { self.unknown = unknown; self.calls = calls }

    /// The warning `lost` and `report` print on stderr and in the report; nil when every call
    /// in range has a direction (and when there are no calls).
    public var warning: String? {
        guard unknown > 0 else { return nil }
        return "direction unknown for \(unknown) of \(calls) calls: give the site's numbers, see --own-numbers or the site profile"
    }
}

extension MetricsEngine {
    /// How many calls in `[options.from, options.to)` have an unknown direction, duplicates
    /// left out as in every other figure.
    public static func directionCoverage(calls: [Call], options: MetricsOptions) -> DirectionCoverage {
        let timeline = CallTimeline(calls: calls, options: options, withHistory: false)
        var coverage = DirectionCoverage(unknown: 0, calls: 0)
        for index in timeline.order where options.inRange(calls[index].start) {
            coverage.calls += 1
            if calls[index].direction == nil { coverage.unknown += 1 }
        }
        return coverage
    }
}
