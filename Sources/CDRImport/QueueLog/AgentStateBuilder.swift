import CallModel

/// Turns the agent events of one or more queue_logs into one `AgentTimeline` per agent
/// (docs/metrics.md "Agent states"; events as in Asterisk's queue_log docs, "Queue Logs").
///
/// The rules, applied to all events in time order (equal times keep input order):
/// - **Logged in** while an AGENTLOGIN (or AGENTCALLBACKLOGIN) is open or the agent is a
///   member of at least one queue (ADDMEMBER .. REMOVEMEMBER): several queues at once are one
///   session. A session still open at the end of the input (the last event of all inputs) is
///   closed there and marked `open`.
/// - **Paused** while a PAUSE (per queue, or with no queue) or a PAUSEALL is in effect; the
///   episode ends when no pause is left (UNPAUSE of each paused queue, or UNPAUSEALL), and
///   carries the reason of the PAUSE that began it. A pause not unpaused by the logoff ends
///   there (or at the end of the input), marked `unpaired` and reported.
/// - **Calls**: a CONNECT opens the agent's part of its callid; the next COMPLETEAGENT,
///   COMPLETECALLER or TRANSFER/BLINDTRANSFER/ATTENDEDTRANSFER of that callid ends the latest
///   open part (as `QueueCallAssembler` ends legs, so agent talk equals leg talk). A part still
///   open at the end of the input has no known talk: reported, not counted.
/// - RINGNOANSWER and AGENTDUMP are counted per agent; RINGCANCELED (the caller left or another
///   agent answered) is not the agent's.
/// Reported as warnings with file and line, and otherwise ignored: a logoff or REMOVEMEMBER
/// with no login before it (the log starts mid-session), a second login, an UNPAUSE with no
/// pause, an end of call with no CONNECT.
public enum AgentStateBuilder {
    /// The agents' timelines ordered by agent, and what was reported.
    /// - Complexity: O(n log n) for n events (one stable sort; skipped when in order).
    public static func build(_ events: [AgentEvent]) -> (timelines: [AgentTimeline], diagnostics: [Diagnostic]) {
        guard !events.isEmpty else { return ([], []) }
        var order = Array(events.indices)
        if !zip(events, events.dropFirst()).allSatisfy({ $0.time <= $1.time }) {
            order.sort { events[$0].time != events[$1].time ? events[$0].time < events[$1].time : $0 < $1 }
        }
        let endOfInput = events[order[order.count - 1]].time
        var diagnostics: [Diagnostic] = []
        var states: [String: AgentState] = [:]
        /// Open agent parts (CONNECT event indices) per callid as linked stacks: the latest
        /// per callid, and for each CONNECT the one opened before it (-1: none); no array per call.
        var openTop: [String: Int] = [:]
        var openBelow = [Int](repeating: -1, count: events.count)
        func warn(_ event: AgentEvent, _ message: String) {
            diagnostics.append(Diagnostic(.warning, input: event.input, line: event.line, message: message))
        }
        for index in order {
            let event = events[index]
            // Names as app_queue writes them (upper case; the readers pass them as written).
            let name = event.event
            if let callID = event.callID {
                switch name {
                case "CONNECT":
                    guard !event.agent.isEmpty else { continue }
                    openBelow[index] = openTop[callID] ?? -1
                    openTop[callID] = index
                case "COMPLETEAGENT", "COMPLETECALLER", "TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER":
                    guard let top = openTop[callID] else {
                        warn(event, "\(name) of callid \(callID) with no CONNECT before it (the log starts mid-call): not counted as talk")
                        continue
                    }
                    if openBelow[top] >= 0 { openTop[callID] = openBelow[top] } else { openTop[callID] = nil }
                    let connect = events[top]
                    states[connect.agent, default: AgentState(connect.agent)].timeline.calls.append(AgentCall(
                        callID: callID, queue: connect.queue, answeredAt: connect.time, endedAt: event.time,
                        transferred: name.hasSuffix("TRANSFER")))
                case "RINGNOANSWER":
                    guard !event.agent.isEmpty else { continue }
                    states[event.agent, default: AgentState(event.agent)].timeline.ringNoAnswers.append(event.time)
                case "AGENTDUMP":
                    guard !event.agent.isEmpty else { continue }
                    states[event.agent, default: AgentState(event.agent)].timeline.dumps.append(event.time)
                default:
                    break  // RINGCANCELED
                }
                continue
            }
            guard !event.agent.isEmpty else { continue }
            states[event.agent, default: AgentState(event.agent)].apply(event, name: name, warn: warn)
        }
        var unended: [Int] = []
        for top in openTop.values {
            var i = top
            while i >= 0 { unended.append(i); i = openBelow[i] }
        }
        for part in unended.sorted() {
            let connect = events[part]
            warn(connect, "CONNECT of callid \(connect.callID ?? "") has no COMPLETEAGENT, COMPLETECALLER or transfer (the log ends mid-call): not counted as talk")
        }
        var timelines: [AgentTimeline] = []
        timelines.reserveCapacity(states.count)
        for var state in states.values.sorted(by: { $0.timeline.agent < $1.timeline.agent }) {
            state.close(at: endOfInput, warn: warn)
            state.timeline.calls.sort { $0.answeredAt < $1.answeredAt }
            timelines.append(state.timeline)
        }
        timelines.sort { $0.agent < $1.agent }
        return (timelines, diagnostics)
    }
}

/// One agent's login, membership and pause state while the events are replayed.
private struct AgentState {
    var timeline: AgentTimeline
    /// The open AGENTLOGIN, if any.
    var login: AgentEvent?
    /// Queues the agent is a member of (ADDMEMBER), with the event that added them.
    var queues: [String: AgentEvent] = [:]
    var sessionStart: Timestamp?
    /// Queues paused (PAUSE), and a pause of all queues (PAUSEALL, or PAUSE with no queue).
    var pausedQueues: [String: AgentEvent] = [:]
    var pausedAll: AgentEvent?
    /// The open pause episode: the PAUSE that began it, and its reason.
    var pause: AgentEvent?
    var pauseReason = ""
    /// The time of the last UNPAUSEALL (the per-queue UNPAUSEs that follow it are expected).
    var unpausedAllAt: Timestamp?

    init(_ agent: String) { timeline = AgentTimeline(agent: agent) }

    var loggedIn: Bool { login != nil || !queues.isEmpty }
    var paused: Bool { pausedAll != nil || !pausedQueues.isEmpty }

    mutating func apply(_ event: AgentEvent, name: String, warn: (AgentEvent, String) -> Void) {
        let wasLoggedIn = loggedIn
        let queue = event.queue.flatMap { $0.isEmpty ? nil : $0 }
        switch name {
        case "AGENTLOGIN", "AGENTCALLBACKLOGIN":
            if let login {
                warn(event, "\(name) of \(timeline.agent) while logged in since \(Self.place(login)): ignored")
            } else {
                login = event
            }
        case "AGENTLOGOFF", "AGENTCALLBACKLOGOFF":
            if login == nil {
                warn(event, "\(name) of \(timeline.agent) with no login before it (the log starts mid-session): ignored")
            }
            login = nil
        case "ADDMEMBER":
            let key = queue ?? ""
            if queues[key] == nil { queues[key] = event }
        case "REMOVEMEMBER":
            let key = queue ?? ""
            if queues.removeValue(forKey: key) == nil {
                warn(event, "REMOVEMEMBER of \(timeline.agent) from \(queue ?? "(no queue)") with no ADDMEMBER before it (the log starts mid-session): ignored")
            }
            pausedQueues[key] = nil
        case "PAUSE", "PAUSEALL":
            let wasPaused = paused
            if name == "PAUSEALL" || queue == nil { pausedAll = event } else if let queue { pausedQueues[queue] = event }
            let reason = event.data.first ?? ""
            if !wasPaused {
                pause = event
                pauseReason = reason
            } else if pauseReason.isEmpty, let begin = pause, begin.time == event.time {
                // app_queue writes PAUSEALL (no reason) then one PAUSE per queue with the reason.
                pauseReason = reason
            }
        case "UNPAUSE", "UNPAUSEALL":
            guard paused else {
                // app_queue writes UNPAUSEALL then one UNPAUSE per queue: those are expected.
                if unpausedAllAt != event.time {
                    warn(event, "\(name) of \(timeline.agent) with no PAUSE before it: ignored")
                }
                return
            }
            if name == "UNPAUSEALL" || queue == nil {
                pausedAll = nil
                pausedQueues.removeAll()
                unpausedAllAt = event.time
            } else if let queue {
                pausedQueues[queue] = nil
                // After PAUSEALL and one PAUSE per queue, the per-queue UNPAUSEs end it too.
                if pausedQueues.isEmpty, pausedAll?.event == "PAUSEALL" { pausedAll = nil }
            }
            if !paused { endPause(at: event.time, unpaired: false) }
        default:
            return
        }
        if !wasLoggedIn, loggedIn { sessionStart = event.time }
        if wasLoggedIn, !loggedIn { endSession(at: event.time, open: false, by: event, warn: warn) }
    }

    /// Closes the pause episode (if any) at `time`.
    mutating func endPause(at time: Timestamp, unpaired: Bool) {
        guard let begin = pause else { return }
        timeline.pauses.append(AgentPause(start: begin.time, end: max(begin.time, time), reason: pauseReason, unpaired: unpaired))
        pause = nil
    }

    mutating func endSession(at time: Timestamp, open: Bool, by event: AgentEvent?, warn: (AgentEvent, String) -> Void) {
        if let begin = pause {
            let end = event.map { "the logoff at \(Self.place($0))" } ?? "the end of the input"
            warn(begin, "\(begin.event) of \(timeline.agent) is not unpaused before \(end): the pause ends there")
            endPause(at: time, unpaired: true)
        }
        pausedAll = nil
        pausedQueues.removeAll()
        if let start = sessionStart {
            timeline.sessions.append(AgentSession(start: start, end: max(start, time), open: open))
        }
        sessionStart = nil
    }

    /// At the end of the input: an open session is closed there and marked open; a pause
    /// outside any session (the log starts mid-session) is dropped.
    mutating func close(at end: Timestamp, warn: (AgentEvent, String) -> Void) {
        if loggedIn {
            endSession(at: end, open: true, by: nil, warn: warn)
        } else if let begin = pause {
            warn(begin, "\(begin.event) of \(timeline.agent) while not logged in: not counted")
            pause = nil
        }
    }

    static func place(_ event: AgentEvent) -> String {
        event.line.map { "line \($0)" } ?? event.time.iso8601
    }
}
