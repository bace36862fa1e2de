import CallModel

/// ``MetricsEngine/heatmap(calls:metric:direction:options:)`` fed one call at a time, in start
/// order (`heatmap` over a stream of calls): a grid of counts, no call kept.
public struct HeatmapStream {
    public let metric: HeatmapMetric
    public let direction: CallDirectionFilter?
    public let options: MetricsOptions
    private var grid = HeatmapGrid()
    private var clock: LocalClock
    private var duplicates = StartRunDuplicates()
    /// Earliest and latest start of the calls in range (duplicates included), for the period line.
    public private(set) var firstStart: Timestamp?
    public private(set) var lastStart: Timestamp?

    public init(metric: HeatmapMetric, direction: CallDirectionFilter?, options: MetricsOptions) {
        self.metric = metric
        self.direction = direction
        self.options = options
        clock = LocalClock(zone: options.timeZone)
    }

    /// Adds the next call of the stream (start order, ties as the whole list has them).
    public mutating func add(_ call: Call) {
        guard options.inRange(call.start) else { return }
        if firstStart.map({ call.start < $0 }) ?? true { firstStart = call.start }
        if lastStart.map({ call.start > $0 }) ?? true { lastStart = call.start }
        guard !duplicates.isDuplicate(call) else { return }
        let inbound = call.direction == .inbound || (call.direction == nil && options.unknownDirectionIsInbound)
        switch direction {
        case .inbound?: guard inbound else { return }
        case .outbound?: guard call.direction == .outbound else { return }
        // ASA is defined on inbound calls (docs/metrics.md): an outbound ring is not a wait.
        case nil: if metric == .asa, !inbound { return }
        }
        grid.add(call, at: clock.local(call.start))
    }

    public func heatmap() -> Heatmap { grid.heatmap(metric: metric, direction: direction) }
}
