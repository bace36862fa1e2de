import CallModel

/// ``MetricsEngine/outboundAnswerRates(calls:options:)`` fed one call at a time, in start order
/// (`report --view outbound` over a stream of calls): the tallies, and per number dialled
/// outbound whether it was dialled before (a cold call is the first), no call kept.
public struct OutboundRatesStream {
    public let options: MetricsOptions
    private var duplicates = StartRunDuplicates()
    private var ids = NumberIDs(capacity: 1024)
    /// Per number id: dialled by an outbound call already (history before the range included).
    private var seenOutbound: [Bool] = []
    private var all = OutboundStreamTally()
    private var agents: [String: OutboundStreamTally] = [:]
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
        let local = clock.local(call.start)
        // A call to a withheld or non-numeric destination is neither cold nor a follow-up.
        let numbered = !NumberKey.isWithheld(call.dialed)
        all.add(call, cold: cold, numbered: numbered, at: local)
        agents[call.agent ?? GroupKey.noneLabel, default: OutboundStreamTally()].update { $0.add(call, cold: cold, numbered: numbered, at: local) }
    }

    /// The rates of the calls added (the engine's result for the same calls).
    public func result() -> OutboundAnswerRates {
        let perAgent = agents.sorted { GroupKey.text($0.key) < GroupKey.text($1.key) }.map {
            AgentOutboundRates(agent: $0.key, cold: $0.value.cold, followUp: $0.value.followUp,
                               heatmap: $0.value.grid.heatmap(metric: .answerRate, direction: .outbound))
        }
        return OutboundAnswerRates(cold: all.cold, followUp: all.followUp,
                                   heatmap: all.grid.heatmap(metric: .answerRate, direction: .outbound), agents: perAgent)
    }
}

/// Cold and follow-up answer counts and the answer-rate grid of outbound calls.
struct OutboundStreamTally: InPlaceUpdatable {
    var cold = AnswerCount()
    var followUp = AnswerCount()
    var grid = HeatmapGrid()

    mutating func add(_ call: Call, cold isCold: Bool, numbered: Bool, at local: LocalClockReading) {
        let answered = call.outcome == .answered ? 1 : 0
        if numbered, isCold { cold.calls += 1; cold.answered += answered }
        else if numbered { followUp.calls += 1; followUp.answered += answered }
        grid.add(call, at: local)
    }
}
