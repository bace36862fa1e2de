import CallModel

/// ``MetricsEngine/heatmap(calls:metric:direction:options:)`` fed one call at a time, in start
/// order (`heatmap` over a stream of calls): a grid of counts, no call kept.
public struct HeatmapStream {
    public let metric: HeatmapMetric
    public let direction: CallDirectionFilter?
    public let options: MetricsOptions
    /// The engine's own tally (FigureTallies.swift): the direction and ASA rules are written once.
    private var tally: HeatmapTally
    private var clock: LocalClock
    private var duplicates = StartRunDuplicates<Call>()
    /// Earliest and latest start of the calls in range (duplicates included), for the period line.
    public private(set) var firstStart: Timestamp?
    public private(set) var lastStart: Timestamp?

    public init(metric: HeatmapMetric, direction: CallDirectionFilter?, options: MetricsOptions) {
        self.metric = metric
        self.direction = direction
        self.options = options
        tally = HeatmapTally(metric: metric, direction: direction)
        clock = LocalClock(zone: options.timeZone)
    }

    /// Adds the next call of the stream (start order, ties as the whole list has them).
    public mutating func add(_ call: Call) {
        guard options.inRange(call.start) else { return }
        if firstStart.map({ call.start < $0 }) ?? true { firstStart = call.start }
        if lastStart.map({ call.start > $0 }) ?? true { lastStart = call.start }
        guard !duplicates.isDuplicate(call) else { return }
        let inbound = options.countsAsInbound(call.direction)
        tally.add(call, inbound: inbound, at: clock.local(call.start))
    }

    public func heatmap() -> Heatmap { tally.heatmap() }
}
