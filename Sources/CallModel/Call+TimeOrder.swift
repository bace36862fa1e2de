extension Call {
    /// What is out of order in the call's times: an answer before the start, an end before the
    /// start or before the answer; nil when they are in order.
    ///
    /// `ringTime` and `talkTime` are only meaningful when they are; a capture whose clock
    /// stepped back mid-call gives such times, and the reader reports them (README "Bad input")
    /// instead of letting `talk_s` silently clamp to 0.
    public var timeOrderProblem: String? {
        if let answeredAt, answeredAt < start {
            return "answered at \(answeredAt.iso8601), before it started at \(start.iso8601)"
        }
        if let endedAt, endedAt < start {
            return "ended at \(endedAt.iso8601), before it started at \(start.iso8601)"
        }
        if let answeredAt, let endedAt, endedAt < answeredAt {
            return "ended at \(endedAt.iso8601), before it was answered at \(answeredAt.iso8601)"
        }
        return nil
    }
}
