/// What counts as after-call work in agent states (docs/metrics.md "Agent states").
///
/// A pause is after-call work when its reason is one of `acwReasons` (compared without case
/// and surrounding spaces) and it starts within `acwStartWithin` of the end of one of the
/// agent's calls (before or after it). With `wrapUp` (the queue's `wrapuptime`), the first
/// `wrapUp` after each call is after-call work too, pause or not.
public struct AgentStateOptions: Sendable {
    /// `--acw-reasons`, default `ACW,Wrap,Wrapup,After call work`.
    public var acwReasons: [String]
    /// How close to a call's end an after-call-work pause must start (10 s).
    public var acwStartWithin: Duration
    /// `--wrapup-s`: the queue's wrap-up time, or nil.
    public var wrapUp: Duration?

    public static let defaultACWReasons = ["ACW", "Wrap", "Wrapup", "After call work"]

    public init(acwReasons: [String] = defaultACWReasons, acwStartWithin: Duration = .seconds(10), wrapUp: Duration? = nil) {
        self.acwReasons = acwReasons; self.acwStartWithin = acwStartWithin; self.wrapUp = wrapUp
    }

    /// Whether `reason` names after-call work.
    func isACWReason(_ reason: String) -> Bool {
        let r = Self.key(reason)
        return !r.isEmpty && acwReasons.contains { Self.key($0) == r }
    }

    private static func key(_ s: String) -> String {
        var t = Substring(s)
        while let c = t.first, c == " " || c == "\t" { t = t.dropFirst() }
        while let c = t.last, c == " " || c == "\t" { t = t.dropLast() }
        return t.lowercased()
    }
}
