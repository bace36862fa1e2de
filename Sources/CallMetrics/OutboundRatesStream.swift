import CallModel

/// ``MetricsEngine/outboundAnswerRates(calls:options:)`` fed one call at a time, in start order
/// (`report --view outbound` over a stream of calls): the tallies, and per number dialled
/// outbound whether it was dialled before (a cold call is the first), no call kept.
public struct OutboundRatesStream {
    public let options: MetricsOptions
    private var duplicates = StartRunDuplicates<Call>()
    private var ids = NumberIDs(capacity: 1024)
    /// Per number id: dialled by an outbound call already (history before the range included).
    private var seenOutbound: [Bool] = []
    /// The engine's own tally (FigureTallies.swift), so the rates are computed once.
    private var tally = OutboundTally()
    private var clock: LocalClock

    public init(options: MetricsOptions) {
        self.options = options
        clock = LocalClock(zone: options.timeZone)
    }

    /// Adds the next call of the stream (start order, ties as the whole list has them).
    public mutating func add(_ call: Call) {
        guard !duplicates.isDuplicate(call) else { return }
        // Only outbound calls make a number dialled (an unknown direction counted as inbound
        // is not one), as ``CallTimeline`` decides.
        guard call.direction == .outbound else { return }
        var cold = false
        if let (id, isNew) = ids.id(of: call.dialed) {
            if isNew { seenOutbound.append(false) }
            cold = !seenOutbound[id]
            seenOutbound[id] = true
        }
        guard options.inRange(call.start) else { return }
        tally.add(call, cold: cold, at: clock.local(call.start))
    }

    /// The rates of the calls added (the engine's result for the same calls).
    public func result() -> OutboundAnswerRates { tally.result() }
}
