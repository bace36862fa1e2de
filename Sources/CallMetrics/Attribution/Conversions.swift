import CallModel

extension MetricsEngine {
    /// The calls to send back to the ad platforms as offline conversions (`export conversions`,
    /// README "Visit attribution"): inbound calls of the period, in time order, attributed to a
    /// visit with a click id, answered with at least `options.qualifiedTalk` of talk and, with
    /// `firstTimeOnly`, from a first-time caller (no call from the number within the repeat window
    /// before). A call given twice (same Call-ID and start) is exported once.
    public static func conversions(calls: [Call], options: MetricsOptions, firstTimeOnly: Bool) -> [Call] {
        let timeline = CallTimeline(calls: calls, options: options)
        let qualified = options.qualifiedTalk.nanoseconds
        var result: [Call] = []
        for position in timeline.order.indices {
            let call = calls[timeline.order[position]]
            guard options.inRange(call.start), call.direction != .outbound, call.direction != .internal,
                  let clickID = call.attribution?.clickID, !clickID.isEmpty, call.outcome == .answered,
                  let answered = call.answeredAt, let ended = call.endedAt, answered.distance(to: ended) >= qualified else { continue }
            if firstTimeOnly, timeline.callerClass[position] != .firstTime { continue }
            result.append(call)
        }
        return result
    }
}
