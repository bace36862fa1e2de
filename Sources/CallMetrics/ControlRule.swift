import CallModel

/// A control rule of `callscope events` (README "callscope events"): what to watch, how serious
/// it is, and which queues and agents it applies to.
public struct ControlRule: Sendable, Hashable {
    /// How serious an event of the rule is.
    public enum Severity: String, Sendable, Hashable, CaseIterable {
        case info, warning, critical
    }

    /// What the rule watches, with its parameters (the YAML `when` and its keys).
    public enum Kind: Sendable, Hashable {
        /// The agent hung up an answered call within `seconds` of answering (a dropped call).
        case agentEndedWithin(seconds: Double)
        /// A caller waited in a queue longer than `seconds`, answered or not.
        case waitLongerThan(seconds: Double)
        /// A pause longer than `minutes`, its reason matching the glob `reason` when given.
        case pauseLongerThan(minutes: Double, reason: String?)
        /// More than `count` pauses in a local day (after-call work left out unless `reason` names it).
        case pausesPerDay(count: Int, reason: String?)
        /// More than `count` ring-no-answers in a local day.
        case ronaPerDay(count: Int)
        /// A lost call not returned within `minutes` (docs/metrics.md "Lost calls").
        case lostNotReturned(minutes: Double)
        /// The first login of a shift day later than the shift start by more than `minutes`.
        case lateLogin(minutes: Double)
        /// The last logoff of a shift day earlier than the shift end by more than `minutes`.
        case earlyLogoff(minutes: Double)
        /// No session at all during a shift.
        case absent
        /// A call whose worse direction has a MOS under `mosBelow`.
        case poorAudio(mosBelow: Double)
        /// A call (with talk analysis) whose agent share of speech is above `share` (0-1).
        case agentShareAbove(share: Double)
        /// A call (with talk analysis) with more than `seconds` of overtalk.
        case overtalkAbove(seconds: Double)
        /// A KPI over a sliding window crossing a threshold, and recovering.
        case kpi(KPIWindowRule)

        /// The YAML name of the kind (`when:`).
        public var name: String {
            switch self {
            case .agentEndedWithin: "agent_ended_within"
            case .waitLongerThan: "wait_longer_than"
            case .pauseLongerThan: "pause_longer_than"
            case .pausesPerDay: "pauses_per_day"
            case .ronaPerDay: "rona_per_day"
            case .lostNotReturned: "lost_not_returned"
            case .lateLogin: "late_login"
            case .earlyLogoff: "early_logoff"
            case .absent: "absent"
            case .poorAudio: "poor_audio"
            case .agentShareAbove: "agent_share_above"
            case .overtalkAbove: "overtalk_above"
            case .kpi: "kpi"
            }
        }

        /// Rules about one call: `queues` selects them by the call's queue.
        public var isAboutCalls: Bool {
            switch self {
            case .agentEndedWithin, .waitLongerThan, .lostNotReturned, .poorAudio, .agentShareAbove, .overtalkAbove, .kpi: true
            default: false
            }
        }

        /// Rules decided by one call alone, so a live run can judge each call as it ends.
        public var judgesOneCall: Bool {
            switch self {
            case .agentEndedWithin, .waitLongerThan, .poorAudio, .agentShareAbove, .overtalkAbove: true
            default: false
            }
        }

        /// Rules that need the calls' audio decoded (talk analysis).
        public var needsTalk: Bool {
            switch self {
            case .agentShareAbove, .overtalkAbove: true
            default: false
            }
        }

        /// Rules that need `--shifts`.
        public var needsShifts: Bool {
            switch self {
            case .lateLogin, .earlyLogoff, .absent: true
            default: false
            }
        }
    }

    public var name: String
    public var kind: Kind
    public var severity: Severity
    /// Only calls of these queues (empty: every queue); call rules only.
    public var queues: [String]
    /// Only these agents (empty: every agent); a call without an agent then never matches.
    public var agents: [String]

    public init(name: String, kind: Kind, severity: Severity = .warning, queues: [String] = [], agents: [String] = []) {
        self.name = name; self.kind = kind; self.severity = severity; self.queues = queues; self.agents = agents
    }

    func applies(agent: String?) -> Bool { agents.isEmpty || agent.map(agents.contains) == true }
    func applies(queue: String?) -> Bool { queues.isEmpty || queue.map(queues.contains) == true }
}

/// One agent's planned working time on a date or on every such weekday, local wall clock
/// (`--shifts`, README "callscope events").
public struct Shift: Sendable, Hashable {
    public enum Day: Sendable, Hashable {
        /// Days since 1970-01-01 of a local calendar date.
        case date(days: Int64)
        /// 0 = Monday ... 6 = Sunday.
        case weekday(Int)
    }

    public var agent: String
    public var day: Day
    /// Seconds since local midnight.
    public var start: Int
    /// Seconds since local midnight, after `start`.
    public var end: Int

    public init(agent: String, day: Day, start: Int, end: Int) {
        self.agent = agent; self.day = day; self.start = start; self.end = end
    }
}

/// One event of a control rule (`callscope events`).
public struct ControlEvent: Sendable, Hashable {
    public var time: Timestamp
    public var rule: String
    public var severity: ControlRule.Severity
    public var agent: String?
    public var queue: String?
    public var callID: String?
    /// The measured figure, in the unit of the rule's parameter (seconds, minutes, a count, a MOS).
    public var value: Double?
    /// The rule's parameter.
    public var threshold: Double?
    public var detail: String

    public init(time: Timestamp, rule: String, severity: ControlRule.Severity, agent: String?, queue: String?,
                callID: String?, value: Double?, threshold: Double?, detail: String) {
        self.time = time; self.rule = rule; self.severity = severity; self.agent = agent; self.queue = queue
        self.callID = callID; self.value = value; self.threshold = threshold; self.detail = detail
    }
}
