import CallModel
import Foundation

/// The agent-state control rules judged live (`callscope watch --follow queue_log --rules`):
/// `pause_longer_than`, `pauses_per_day` and `rona_per_day`, on the agents' state changes as
/// the queue_log is written (``AgentStateChange``), with the rules of `callscope events`
/// (``ControlEvents``, README "callscope events"):
///
/// - A pause episode is paused in at least one queue (PAUSE per queue, PAUSEALL or a PAUSE
///   with no queue) until no pause is left (UNPAUSE of each, UNPAUSEALL, REMOVEMEMBER of the
///   paused queues, AGENTLOGOFF); its reason is the first PAUSE's (a later one fills an empty
///   reason, as app_queue writes PAUSEALL then one PAUSE per queue with the reason).
/// - `pause_longer_than` raises its event the moment the pause passes the limit while it is
///   still going on (timed at the pause's start, as `events` times it; the value is the
///   minutes so far), or at the unpause when the clock jumped past the limit between two looks.
///   One event per episode.
/// - `pauses_per_day` and `rona_per_day` raise theirs on the pause (or ring) that is one too
///   many in the agent's local day, once a day.
///
/// Memory: one small state per agent seen, and the day's counts per rule and agent.
struct LiveAgentRules: Sendable {
    private let rules: [ControlRule]
    private let agentOptions: AgentStateOptions
    private var clock: LocalClock
    private struct Agent: Sendable {
        var pausedAll = false
        var pausedQueues: Set<String> = []
        var pauseStart: Timestamp?
        var reason = ""
        /// The `pause_longer_than` rules (by index) that already raised this episode's event.
        var reported: Set<Int> = []
        var paused: Bool { pausedAll || !pausedQueues.isEmpty }
    }
    private var agents: [String: Agent] = [:]
    /// Per rule index and agent: the local day counted and its count.
    private var counts: [Int: [String: (day: Int64, count: Int)]] = [:]

    /// The agent-state rules among `all` (none when there are none).
    init(rules all: [ControlRule], options: MetricsOptions, agentOptions: AgentStateOptions) {
        rules = all.filter { Self.judges($0.kind) }
        self.agentOptions = agentOptions
        clock = LocalClock(zone: options.timeZone)
    }

    /// Whether a live run judges `kind` from agent state changes.
    static func judges(_ kind: ControlRule.Kind) -> Bool {
        switch kind {
        case .pauseLongerThan, .pausesPerDay, .ronaPerDay: true
        default: false
        }
    }

    var isEmpty: Bool { rules.isEmpty }

    /// One state change; returns the events it raises.
    mutating func apply(_ change: AgentStateChange) -> [ControlEvent] {
        guard !rules.isEmpty else { return [] }
        var agent = agents[change.agent] ?? Agent()
        var events: [ControlEvent] = []
        switch change.kind {
        case .paused(let queue, let reason):
            let was = agent.paused
            if let queue, !queue.isEmpty { agent.pausedQueues.insert(queue) } else { agent.pausedAll = true }
            if !was {
                agent.pauseStart = change.time
                agent.reason = reason
                agent.reported = []
                events += counted(change, what: .pause(reason))
            } else if agent.reason.isEmpty, agent.pauseStart == change.time {
                agent.reason = reason
            }
        case .unpaused(let queue), .removed(let queue):
            guard agent.paused else { break }
            if let queue, !queue.isEmpty {
                agent.pausedQueues.remove(queue)
                if case .unpaused = change.kind, agent.pausedQueues.isEmpty { agent.pausedAll = false }
            } else if case .unpaused = change.kind {
                agent.pausedAll = false
                agent.pausedQueues.removeAll()
            }
            if !agent.paused { events += ended(&agent, name: change.agent, at: change.time) }
        case .loggedOff:
            agent.pausedAll = false
            agent.pausedQueues.removeAll()
            events += ended(&agent, name: change.agent, at: change.time)
        case .ringNoAnswer:
            events += counted(change, what: .ring)
        }
        agents[change.agent] = agent
        return events
    }

    /// The pauses still going on that passed a `pause_longer_than` limit by `now`.
    mutating func tick(now: Timestamp) -> [ControlEvent] {
        guard !rules.isEmpty else { return [] }
        var events: [ControlEvent] = []
        for name in agents.keys.sorted() {
            guard var agent = agents[name], agent.paused, agent.pauseStart != nil else { continue }
            events += overLimit(&agent, name: name, until: now, ended: false)
            agents[name] = agent
        }
        return events
    }

    private enum Counted { case pause(String), ring }

    private mutating func counted(_ change: AgentStateChange, what: Counted) -> [ControlEvent] {
        var events: [ControlEvent] = []
        let day = clock.local(change.time).days
        for (index, rule) in rules.enumerated() where rule.applies(agent: change.agent) {
            let limit: Int
            switch (rule.kind, what) {
            case (.pausesPerDay(let count, let pattern), .pause(let reason)):
                let counts = pattern.map { Glob.matches(reason, pattern: $0) } ?? !agentOptions.isACWReason(reason)
                guard counts else { continue }
                limit = count
            case (.ronaPerDay(let count), .ring):
                limit = count
            default:
                continue
            }
            var tally = counts[index]?[change.agent] ?? (day, 0)
            if tally.day != day { tally = (day, 0) }
            tally.count += 1
            counts[index, default: [:]][change.agent] = tally
            guard tally.count == limit + 1 else { continue }
            let noun = if case .ring = what { "rings not answered" } else { "pauses" }
            events.append(ControlEvent(time: change.time, rule: rule.name, severity: rule.severity, agent: change.agent, queue: nil, callID: nil,
                                       value: Double(tally.count), threshold: Double(limit),
                                       detail: "\(tally.count) \(noun) on \(CivilDate.label(days: day)) so far"))
        }
        return events
    }

    /// The episode is over at `time`: a limit passed and not yet reported is reported now.
    private mutating func ended(_ agent: inout Agent, name: String, at time: Timestamp) -> [ControlEvent] {
        guard agent.pauseStart != nil else { return [] }
        let events = overLimit(&agent, name: name, until: time, ended: true)
        agent.pauseStart = nil
        agent.reason = ""
        agent.reported = []
        return events
    }

    private func overLimit(_ agent: inout Agent, name: String, until now: Timestamp, ended: Bool) -> [ControlEvent] {
        guard let start = agent.pauseStart else { return [] }
        var events: [ControlEvent] = []
        let minutes = Double(start.distance(to: now)) / 60e9
        for (index, rule) in rules.enumerated() where !agent.reported.contains(index) && rule.applies(agent: name) {
            guard case .pauseLongerThan(let limit, let pattern) = rule.kind, minutes > limit,
                  pattern.map({ Glob.matches(agent.reason, pattern: $0) }) ?? true else { continue }
            agent.reported.insert(index)
            let why = agent.reason.isEmpty ? "no reason" : agent.reason
            let shown = ended ? minutes : max(minutes, limit)
            events.append(ControlEvent(time: start, rule: rule.name, severity: rule.severity, agent: name, queue: nil, callID: nil,
                                       value: (shown * 10).rounded() / 10, threshold: limit,
                                       detail: "pause (\(why)) of \(ControlEvents.duration(shown * 60))\(ended ? "" : " so far, still paused")"))
        }
        return events
    }
}
