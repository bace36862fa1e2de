import CallModel
import CallscopeBase
import Foundation

/// Evaluates control rules over calls and agent timelines (`callscope events`; README
/// "callscope events"). Pure: no I/O; days and shift times are local in `options.timeZone`.
public enum ControlEvents {
    /// Every event of every rule, sorted by time, then rule, agent and call id. Events outside
    /// `options.from`/`options.to` are left out.
    public static func evaluate(rules: [ControlRule], calls: [Call], timelines: [AgentTimeline], shifts: [Shift] = [],
                                options: MetricsOptions, agentOptions: AgentStateOptions = AgentStateOptions()) -> [ControlEvent] {
        var events: [ControlEvent] = []
        var lost: [LostCall]?
        for rule in rules {
            switch rule.kind {
            case .agentEndedWithin, .waitLongerThan, .poorAudio, .agentShareAbove, .overtalkAbove:
                for call in calls where rule.applies(queue: call.queue) && rule.applies(agent: call.agent) {
                    if let event = callEvent(rule, call) { events.append(event) }
                }
            case .lostNotReturned(let minutes):
                if lost == nil { lost = MetricsEngine.lostCalls(calls: calls, options: options) }
                for call in lost ?? [] where !call.withheld && rule.applies(queue: call.queue) && rule.applies(agent: call.agent) {
                    let limit = minutes * 60
                    if call.returned != .none, let delay = call.delaySeconds, delay <= limit { continue }
                    let detail = call.returned == .none
                        ? "lost call from \(call.caller ?? "?") not returned"
                        : "lost call from \(call.caller ?? "?") returned after \(duration(call.delaySeconds ?? 0))"
                    events.append(ControlEvent(time: call.start, rule: rule.name, severity: rule.severity, agent: call.agent,
                                               queue: call.queue, callID: call.callID,
                                               value: call.delaySeconds.map { ($0 / 60 * 10).rounded() / 10 },
                                               threshold: minutes, detail: detail))
                }
            case .pauseLongerThan, .pausesPerDay, .ronaPerDay:
                var clock = LocalClock(zone: options.timeZone)
                for timeline in timelines where rule.applies(agent: timeline.agent) {
                    events += agentEvents(rule, timeline, clock: &clock, agentOptions: agentOptions)
                }
            case .kpi(let window):
                let selected = calls.filter { rule.applies(queue: $0.queue) && rule.applies(agent: $0.agent) }
                events += window.events(rule, calls: selected, options: options)
            case .lateLogin, .earlyLogoff, .absent:
                events += ShiftCheck(timelines: timelines, shifts: shifts, zone: options.timeZone).events(rule)
            }
        }
        if let from = options.from { events.removeAll { $0.time < from } }
        if let to = options.to { events.removeAll { $0.time >= to } }
        return events.sorted { a, b in
            if a.time != b.time { return a.time < b.time }
            if a.rule != b.rule { return a.rule < b.rule }
            if a.agent != b.agent { return (a.agent ?? "") < (b.agent ?? "") }
            return (a.callID ?? "") < (b.callID ?? "")
        }
    }

    /// The events of one call under the rules that judge a call alone (`judgesOneCall`), in
    /// rule order: what `callscope watch` raises the moment a call ends. Other rules are skipped.
    public static func events(of call: Call, rules: [ControlRule]) -> [ControlEvent] {
        rules.compactMap { rule in
            guard rule.kind.judgesOneCall, rule.applies(queue: call.queue), rule.applies(agent: call.agent) else { return nil }
            return callEvent(rule, call)
        }
    }

    /// The event of a rule about one call, or nil when the call does not break it.
    static func callEvent(_ rule: ControlRule, _ call: Call) -> ControlEvent? {
        func event(_ time: Timestamp, _ value: Double, _ threshold: Double, _ detail: String) -> ControlEvent {
            ControlEvent(time: time, rule: rule.name, severity: rule.severity, agent: call.agent, queue: call.queue,
                         callID: call.callID, value: value, threshold: threshold, detail: detail)
        }
        switch rule.kind {
        case .agentEndedWithin(let seconds):
            // The agent is the callee of a queue or inbound call and the caller of an outbound one.
            let agentParty: CallParty = call.direction == .outbound ? .caller : .callee
            guard call.agent != nil, call.endedBy == agentParty, let answered = call.answeredAt, let ended = call.endedAt else { return nil }
            let talk = Double(answered.distance(to: ended)) / 1e9
            guard talk >= 0, talk <= seconds else { return nil }
            return event(answered, talk, seconds, "agent hung up \(duration(talk)) after answering")
        case .waitLongerThan(let seconds):
            guard let wait = call.waitNanoseconds.map({ Double($0) / 1e9 }), wait > seconds else { return nil }
            let fate = call.answeredAt == nil ? "not answered" : "answered"
            return event(call.start, wait, seconds, "caller \(call.caller ?? "?") waited \(duration(wait)), \(fate)")
        case .poorAudio(let mosBelow):
            let worst = [CallParty.caller, .callee].compactMap { call.rtpQuality(sentBy: $0)?.mos }.min()
            guard let worst, worst < mosBelow else { return nil }
            return event(call.answeredAt ?? call.start, (worst * 100).rounded() / 100, mosBelow, "worse direction MOS \(String(format: "%.2f", worst))")
        case .agentShareAbove(let share):
            guard let talk = call.talk, let agentShare = talk.agentShare, agentShare > share else { return nil }
            return event(call.answeredAt ?? call.start, (agentShare * 1000).rounded() / 1000, share,
                         "agent spoke \(Int((agentShare * 100).rounded()))% of the speech")
        case .overtalkAbove(let seconds):
            guard let talk = call.talk else { return nil }
            let overtalk = Double(talk.overtalk) / 1e9
            guard overtalk > seconds else { return nil }
            return event(call.answeredAt ?? call.start, (overtalk * 10).rounded() / 10, seconds,
                         "both spoke at once for \(duration(overtalk))")
        default: return nil
        }
    }

    /// Pause and ring-no-answer rules over one agent's timeline.
    static func agentEvents(_ rule: ControlRule, _ timeline: AgentTimeline, clock: inout LocalClock,
                            agentOptions: AgentStateOptions) -> [ControlEvent] {
        func event(_ time: Timestamp, _ value: Double, _ threshold: Double, _ detail: String) -> ControlEvent {
            ControlEvent(time: time, rule: rule.name, severity: rule.severity, agent: timeline.agent, queue: nil,
                         callID: nil, value: value, threshold: threshold, detail: detail)
        }
        /// Times grouped by local day: one event per day over `count`, at the time of the first one too many.
        func perDay(_ times: [Timestamp], count: Int, what: String) -> [ControlEvent] {
            var days: [(day: Int64, times: [Timestamp])] = []
            for time in times.sorted() {
                let day = clock.local(time).days
                if days.last?.day == day { days[days.count - 1].times.append(time) } else { days.append((day, [time])) }
            }
            return days.compactMap { day in
                guard day.times.count > count else { return nil }
                return event(day.times[count], Double(day.times.count), Double(count),
                             "\(day.times.count) \(what) on \(CivilDate.label(days: day.day))")
            }
        }
        switch rule.kind {
        case .pauseLongerThan(let minutes, let reason):
            return timeline.pauses.compactMap { pause in
                guard reason.map({ Glob.matches(pause.reason, pattern: $0) }) ?? true else { return nil }
                let length = Double(pause.start.distance(to: pause.end)) / 60e9
                guard length > minutes else { return nil }
                let why = pause.reason.isEmpty ? "no reason" : pause.reason
                return event(pause.start, (length * 10).rounded() / 10, minutes,
                             "pause (\(why)) of \(duration(length * 60))\(pause.unpaired ? ", never unpaused" : "")")
            }
        case .pausesPerDay(let count, let reason):
            let counted = timeline.pauses.filter { pause in
                if let reason { return Glob.matches(pause.reason, pattern: reason) }
                return !agentOptions.isACWReason(pause.reason)
            }
            return perDay(counted.map(\.start), count: count, what: "pauses")
        case .ronaPerDay(let count):
            return perDay(timeline.ringNoAnswers, count: count, what: "rings not answered")
        default: return []
        }
    }
}

extension ControlEvents {
    /// `3s`, `12m 30s`, `1h 05m` (rounded to the second) for the events' details.
    static func duration(_ seconds: Double) -> String {
        let s = seconds.isFinite ? Int(max(0, min(seconds, 1e12)).rounded()) : 0
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
        if s >= 3600 { return "\(s / 3600)h \(two(s % 3600 / 60))m" }
        if s >= 60 { return "\(s / 60)m \(two(s % 60))s" }
        return "\(s)s"
    }
}
