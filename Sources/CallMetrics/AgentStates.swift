import CallscopeBase
import CallModel
import Foundation

/// One agent's state figures over one local day, or over the whole range (`day` nil):
/// docs/metrics.md "Agent states" defines each one.
public struct AgentStateFigures: Sendable, Hashable {
    public var agent: String
    /// The local day (`2024-03-31`), or nil for the agent's overall row.
    public var day: String?
    public var loggedInNanoseconds: Int64 = 0
    /// Not-ready pauses within sessions, after-call work and calls excluded.
    public var pausedNanoseconds: Int64 = 0
    /// Every pause within sessions (after-call work included, calls excluded), by reason, in
    /// reason order; `""` for a pause without a reason.
    public var pauseReasons: [PauseReasonTime] = []
    /// Not-ready pauses that began within a session.
    public var pauses = 0
    public var idleNanoseconds: Int64 = 0
    /// On a call (once per agent however many calls overlap), hold excluded.
    public var talkNanoseconds: Int64 = 0
    public var holdNanoseconds: Int64 = 0
    public var acwNanoseconds: Int64 = 0
    /// Calls answered (CONNECT).
    public var handled = 0
    /// RINGNOANSWER.
    public var ringNoAnswers = 0
    public var transfers = 0
    /// The first login of the day (nil: none that day), the last logoff (nil: none, or still open).
    public var firstLogin: Timestamp?
    public var lastLogoff: Timestamp?
    /// A session open at the end of the input ends in this row.
    public var sessionOpen = false

    public init(agent: String, day: String?) { self.agent = agent; self.day = day }

    /// Talk, hold and after-call work.
    public var workNanoseconds: Int64 { talkNanoseconds + holdNanoseconds + acwNanoseconds }
    /// (talk + hold + acw) / handled, seconds; nil without a handled call.
    public var ahtSeconds: Double? { handled > 0 ? Double(workNanoseconds) / 1e9 / Double(handled) : nil }
    /// (talk + hold + acw) / (logged in - paused); nil when that is 0.
    public var occupancy: Double? {
        let available = loggedInNanoseconds - pausedNanoseconds
        return available > 0 ? Double(workNanoseconds) / Double(available) : nil
    }
    /// (talk + hold + acw) / logged in; nil when not logged in.
    public var utilisation: Double? { loggedInNanoseconds > 0 ? Double(workNanoseconds) / Double(loggedInNanoseconds) : nil }
}

/// Time spent in pauses of one reason.
public struct PauseReasonTime: Sendable, Hashable {
    public var reason: String
    public var nanoseconds: Int64
}

extension MetricsEngine {
    /// Per agent: one row per local day with state time, then the agent's overall row; agents
    /// in name order (docs/metrics.md "Agent states").
    ///
    /// Time is split into states once per agent, by precedence: on a call (talk), else after-
    /// call work, else paused, else idle; paused, after-call work and idle only within a
    /// session. Each stretch is cut at local midnight (DST-correct) and at `--from`/`--to`.
    /// - Complexity: O(k log k) per agent with k sessions, pauses and calls.
    public static func agentStates(_ timelines: [AgentTimeline], options: MetricsOptions, agentOptions: AgentStateOptions = AgentStateOptions()) -> [AgentStateFigures] {
        var clock = DayClock(zone: options.timeZone)
        var out: [AgentStateFigures] = []
        for timeline in timelines.sorted(by: { $0.agent < $1.agent }) {
            var days = AgentDayTallies()
            accumulate(timeline, options: options, agentOptions: agentOptions, clock: &clock, into: &days)
            let keys = days.tallies.keys.sorted()
            guard !keys.isEmpty else { continue }
            var overall = AgentStateTally()
            for day in keys {
                guard let tally = days.tallies[day] else { continue }
                out.append(tally.figures(agent: timeline.agent, day: CivilDate.label(days: day), reasons: days.reasonNames))
                overall.merge(tally)
            }
            out.append(overall.figures(agent: timeline.agent, day: nil, reasons: days.reasonNames))
        }
        return out
    }

    private static func accumulate(_ t: AgentTimeline, options: MetricsOptions, agentOptions: AgentStateOptions, clock: inout DayClock, into days: inout AgentDayTallies) {
        let from = options.from?.nanoseconds ?? .min
        let to = options.to?.nanoseconds ?? .max
        func day(_ time: Timestamp) -> Int64? {
            options.inRange(time) ? clock.day(of: time.nanoseconds).day : nil
        }
        // After-call-work pauses: an ACW reason, starting within the window of a call's end.
        let ends = t.calls.map(\.endedAt.nanoseconds).sorted()
        let window = agentOptions.acwStartWithin.nanoseconds
        func nearCallEnd(_ time: Int64) -> Bool {
            var lo = 0, hi = ends.count
            while lo < hi { let mid = (lo + hi) / 2; if ends[mid] < time &- window { lo = mid + 1 } else { hi = mid } }
            return lo < ends.count && ends[lo] <= time &+ window
        }
        var reasonSlot: [Int] = []
        reasonSlot.reserveCapacity(t.pauses.count)
        for pause in t.pauses { reasonSlot.append(days.slot(of: pause.reason)) }

        var edges: [AgentEdge] = []
        edges.reserveCapacity(2 * (t.sessions.count + t.pauses.count + t.calls.count) + (agentOptions.wrapUp == nil ? 0 : 2 * t.calls.count))
        for s in t.sessions { edges.append(AgentEdge(s.start.nanoseconds, .session, 1, 0)); edges.append(AgentEdge(s.end.nanoseconds, .session, -1, 0)) }
        for (i, p) in t.pauses.enumerated() {
            let acw = agentOptions.isACWReason(p.reason) && nearCallEnd(p.start.nanoseconds)
            let kind: AgentEdge.Kind = acw ? .acwPause : .pause
            edges.append(AgentEdge(p.start.nanoseconds, kind, 1, Int32(i)))
            edges.append(AgentEdge(p.end.nanoseconds, kind, -1, Int32(i)))
        }
        let wrapUp = agentOptions.wrapUp?.nanoseconds
        for c in t.calls {
            edges.append(AgentEdge(c.answeredAt.nanoseconds, .call, 1, 0))
            edges.append(AgentEdge(c.endedAt.nanoseconds, .call, -1, 0))
            if let wrapUp, wrapUp > 0 {
                edges.append(AgentEdge(c.endedAt.nanoseconds, .wrapUp, 1, 0))
                edges.append(AgentEdge(c.endedAt.nanoseconds &+ wrapUp, .wrapUp, -1, 0))
            }
        }
        edges.sort { $0.time != $1.time ? $0.time < $1.time : $0.delta < $1.delta }

        var count = (session: 0, call: 0, pause: 0, acw: 0, wrapUp: 0)
        var currentPause = -1
        var previous = Int64.min
        var startedPauses: [Int] = []
        var index = 0
        while index < edges.count {
            let time = edges[index].time
            if previous != .min, previous < time, count.session > 0 || count.call > 0 {
                let state: AgentState
                if count.call > 0 { state = .talk } else if count.acw > 0 || count.wrapUp > 0 { state = .acw } else if count.pause > 0 { state = .paused } else { state = .idle }
                let reason = count.session > 0 && count.call == 0 && currentPause >= 0 ? reasonSlot[currentPause] : -1
                // Cut at the range and at local midnights.
                var a = max(previous, from), b = min(time, to)
                while a < b {
                    let (d, dayEnd) = clock.day(of: a)
                    let e = min(b, dayEnd)
                    days.add(day: d, state: state, inSession: count.session > 0, reason: reason, nanoseconds: e - a)
                    a = e
                }
            }
            startedPauses.removeAll(keepingCapacity: true)
            while index < edges.count, edges[index].time == time {
                let edge = edges[index]
                let d = Int(edge.delta)
                switch edge.kind {
                case .session: count.session += d
                case .call: count.call += d
                case .pause:
                    count.pause += d
                    if d > 0 { currentPause = Int(edge.payload); startedPauses.append(Int(edge.payload)) } else if currentPause == Int(edge.payload) { currentPause = -1 }
                case .acwPause:
                    count.acw += d
                    if d > 0 { currentPause = Int(edge.payload) } else if currentPause == Int(edge.payload) { currentPause = -1 }
                case .wrapUp: count.wrapUp += d
                }
                index += 1
            }
            if count.session > 0, !startedPauses.isEmpty, let d = day(Timestamp(nanoseconds: time)) {
                days.update(d) { $0.pauses += startedPauses.count }
            }
            previous = time
        }

        for c in t.calls {
            if let d = day(c.answeredAt) {
                days.update(d) { $0.handled += 1; $0.hold += c.holdNanoseconds; $0.talk -= c.holdNanoseconds }
            }
            if c.transferred, let d = day(c.endedAt) { days.update(d) { $0.transfers += 1 } }
        }
        for r in t.ringNoAnswers { if let d = day(r) { days.update(d) { $0.rona += 1 } } }
        for s in t.sessions {
            if let d = day(s.start) { days.update(d) { $0.firstLogin = min($0.firstLogin ?? s.start, s.start) } }
            if let d = day(s.end) {
                if s.open { days.update(d) { $0.sessionOpen = true } } else { days.update(d) { $0.lastLogoff = max($0.lastLogoff ?? s.end, s.end) } }
            }
        }
    }
}

/// A boundary of a state stretch.
private struct AgentEdge {
    enum Kind: UInt8 { case session, call, pause, acwPause, wrapUp }
    var time: Int64
    var kind: Kind
    /// +1 begins, -1 ends (ends sort first at equal times: back-to-back stretches do not overlap).
    var delta: Int8
    /// The pause index, for pauses.
    var payload: Int32

    init(_ time: Int64, _ kind: Kind, _ delta: Int8, _ payload: Int32) {
        self.time = time; self.kind = kind; self.delta = delta; self.payload = payload
    }
}

private enum AgentState { case talk, acw, paused, idle }

/// Sums of one agent over one day.
private struct AgentStateTally: InPlaceUpdatable {
    var loggedIn: Int64 = 0, paused: Int64 = 0, idle: Int64 = 0, talk: Int64 = 0, hold: Int64 = 0, acw: Int64 = 0
    var reasons: [Int64] = []
    var pauses = 0, handled = 0, rona = 0, transfers = 0
    var firstLogin: Timestamp?
    var lastLogoff: Timestamp?
    var sessionOpen = false

    mutating func merge(_ o: AgentStateTally) {
        loggedIn += o.loggedIn; paused += o.paused; idle += o.idle; talk += o.talk; hold += o.hold; acw += o.acw
        if reasons.count < o.reasons.count { reasons += Array(repeating: 0, count: o.reasons.count - reasons.count) }
        for (i, r) in o.reasons.enumerated() { reasons[i] += r }
        pauses += o.pauses; handled += o.handled; rona += o.rona; transfers += o.transfers
        if let f = o.firstLogin { firstLogin = min(firstLogin ?? f, f) }
        if let l = o.lastLogoff { lastLogoff = max(lastLogoff ?? l, l) }
        sessionOpen = sessionOpen || o.sessionOpen
    }

    func figures(agent: String, day: String?, reasons names: [String]) -> AgentStateFigures {
        var f = AgentStateFigures(agent: agent, day: day)
        f.loggedInNanoseconds = loggedIn; f.pausedNanoseconds = paused; f.idleNanoseconds = idle
        f.talkNanoseconds = talk; f.holdNanoseconds = hold; f.acwNanoseconds = acw
        f.pauseReasons = reasons.enumerated().filter { $0.element > 0 }.map { PauseReasonTime(reason: names[$0.offset], nanoseconds: $0.element) }
            .sorted { $0.reason < $1.reason }
        f.pauses = pauses; f.handled = handled; f.ringNoAnswers = rona; f.transfers = transfers
        f.firstLogin = firstLogin; f.lastLogoff = lastLogoff; f.sessionOpen = sessionOpen
        return f
    }
}

/// One agent's tallies by local day, with pause reasons numbered.
private struct AgentDayTallies {
    var tallies: [Int64: AgentStateTally] = [:]
    var reasonNames: [String] = []
    private var reasonIndex: [String: Int] = [:]

    mutating func slot(of reason: String) -> Int {
        if let i = reasonIndex[reason] { return i }
        reasonIndex[reason] = reasonNames.count
        reasonNames.append(reason)
        return reasonNames.count - 1
    }

    mutating func update(_ day: Int64, _ body: (inout AgentStateTally) -> Void) {
        tallies[day, default: AgentStateTally()].update(body)
    }

    mutating func add(day: Int64, state: AgentState, inSession: Bool, reason: Int, nanoseconds n: Int64) {
        update(day) { t in
            if inSession { t.loggedIn += n }
            switch state {
            case .talk: t.talk += n
            case .acw: t.acw += n
            case .paused: t.paused += n
            case .idle: t.idle += n
            }
            if reason >= 0 {
                if t.reasons.count <= reason { t.reasons += Array(repeating: 0, count: reason + 1 - t.reasons.count) }
                t.reasons[reason] += n
            }
        }
    }
}

/// The local day of an instant and the instant the next local day begins, DST-correct,
/// remembered for the day last asked about.
private struct DayClock {
    private var clock: LocalClock
    private var cachedStart = Int64.max
    private var cachedEnd = Int64.min
    private var cachedDay: Int64 = 0

    init(zone: TimeZone) { clock = LocalClock(zone: zone) }

    mutating func day(of nanoseconds: Int64) -> (day: Int64, end: Int64) {
        if nanoseconds >= cachedStart, nanoseconds < cachedEnd { return (cachedDay, cachedEnd) }
        let local = clock.local(Timestamp(nanoseconds: nanoseconds))
        let second = floorDivide(nanoseconds, 1_000_000_000)
        var start = firstSecond(ofDay: local.days, near: second - Int64(local.secondOfDay))
        var end = firstSecond(ofDay: local.days + 1, near: start + 86_400)
        // A zone whose day begins in a gap: remember this second only (never a wrong day).
        if start > second || clock.local(Timestamp(seconds: start)).days != local.days { start = second }
        if end <= second || clock.local(Timestamp(seconds: end)).days <= local.days || clock.local(Timestamp(seconds: end - 1)).days != local.days { end = second + 1 }
        cachedDay = local.days
        cachedStart = start * 1_000_000_000
        cachedEnd = end * 1_000_000_000
        return (cachedDay, cachedEnd)
    }

    /// The first second of local day `d`: the instant whose wall clock is `d` 00:00 with the
    /// offset in force there (a fixed point reached in one or two steps).
    private mutating func firstSecond(ofDay d: Int64, near guess: Int64) -> Int64 {
        var g = guess
        for _ in 0..<4 {
            let l = clock.local(Timestamp(seconds: g))
            let offset = l.days * 86_400 + Int64(l.secondOfDay) - g
            let next = d * 86_400 - offset
            if next == g { break }
            g = next
        }
        return g
    }
}
