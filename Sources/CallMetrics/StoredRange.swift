import CallModel

extension MetricsOptions {
    /// The start times of the calls the metrics need to count `[from, to)`: widened back by
    /// ``repeatWindow`` (repeat callers, cold calls look at earlier calls) and forward by
    /// ``callbackWindow`` (a lost call's callback comes after it). Nil ends stay open.
    ///
    /// Why: a store reads calls by an indexed start-time range; reading only `[from, to)` would
    /// make every caller of the first days look first-time and every late lost call unreturned.
    /// Negative windows count as 0; the result saturates at the ends of `Timestamp`.
    public var storedRange: (from: Timestamp?, to: Timestamp?) {
        let back = max(0, repeatWindow.nanoseconds)
        let ahead = max(0, callbackWindow.nanoseconds)
        func shifted(_ t: Timestamp, by delta: Int64) -> Timestamp {
            let (sum, overflow) = t.nanoseconds.addingReportingOverflow(delta)
            return Timestamp(nanoseconds: overflow ? (delta < 0 ? .min : .max) : sum)
        }
        return (from.map { shifted($0, by: -back) }, to.map { shifted($0, by: ahead) })
    }
}
