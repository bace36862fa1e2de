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
    /// - Complexity: O(n log n) for n events (one stable sort; skipped when in order). The
    ///   events are read in place and the replay keeps event indices, not copies of events.
    public static func build(_ events: [AgentEvent]) -> (timelines: [AgentTimeline], diagnostics: [Diagnostic]) {
        guard !events.isEmpty else { return ([], []) }
        return events.withUnsafeBufferPointer { build(in: $0) }
    }

    private static func build(in events: UnsafeBufferPointer<AgentEvent>) -> (timelines: [AgentTimeline], diagnostics: [Diagnostic]) {
        var inOrder = true
        for i in 1..<events.count where events[i].time < events[i - 1].time {
            inOrder = false
            break
        }
        var order: [Int] = []
        if !inOrder {
            order = Array(events.indices)
            order.sort { events[$0].time != events[$1].time ? events[$0].time < events[$1].time : $0 < $1 }
        }
        let endOfInput = events[inOrder ? events.count - 1 : order[order.count - 1]].time
        var diagnostics: [Diagnostic] = []
        /// The agents' states, and each agent's index in them.
        var states: [AgentState] = []
        var agentIndex: [String: Int] = [:]
        /// Open agent parts (CONNECT event indices) per callid as linked stacks: the latest
        /// per callid, and for each CONNECT the one opened before it (-1: none); no array per call.
        var openTop: [String: Int] = [:]
        var openBelow = [Int](repeating: -1, count: events.count)
        func warn(_ index: Int, _ message: String) {
            diagnostics.append(Diagnostic(.warning, input: events[index].input, line: events[index].line, message: message))
        }
        func state(of agent: String) -> Int {
            if let index = agentIndex[agent] { return index }
            states.append(AgentState(agent))
            agentIndex[agent] = states.count - 1
            return states.count - 1
        }
        for position in 0..<events.count {
            let index = inOrder ? position : order[position]
            // Names as app_queue writes them (upper case; the readers pass them as written).
            let name = events[index].event
            if let callID = events[index].callID {
                switch name {
                case "CONNECT":
                    guard !events[index].agent.isEmpty else { continue }
                    openBelow[index] = openTop.updateValue(index, forKey: callID) ?? -1
                case "COMPLETEAGENT", "COMPLETECALLER", "TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER":
                    guard let top = openTop.removeValue(forKey: callID) else {
                        warn(index, "\(name) of callid \(callID) with no CONNECT before it (the log starts mid-call): not counted as talk")
                        continue
                    }
                    if openBelow[top] >= 0 { openTop[callID] = openBelow[top] }
                    states[state(of: events[top].agent)].timeline.calls.append(AgentCall(
                        callID: callID, queue: events[top].queue, answeredAt: events[top].time, endedAt: events[index].time,
                        transferred: name.hasSuffix("TRANSFER")))
                case "RINGNOANSWER":
                    guard !events[index].agent.isEmpty else { continue }
                    states[state(of: events[index].agent)].timeline.ringNoAnswers.append(events[index].time)
                case "AGENTDUMP":
                    guard !events[index].agent.isEmpty else { continue }
                    states[state(of: events[index].agent)].timeline.dumps.append(events[index].time)
                default:
                    break  // RINGCANCELED
                }
                continue
            }
            guard !events[index].agent.isEmpty else { continue }
            states[state(of: events[index].agent)].apply(index, of: events, name: name, warn: warn)
        }
        var unended: [Int] = []
        for top in openTop.values {
            var i = top
            while i >= 0 { unended.append(i); i = openBelow[i] }
        }
        for part in unended.sorted() {
            warn(part, "CONNECT of callid \(events[part].callID ?? "") has no COMPLETEAGENT, COMPLETECALLER or transfer (the log ends mid-call): not counted as talk")
        }
        states.sort { $0.timeline.agent < $1.timeline.agent }
        var timelines: [AgentTimeline] = []
        timelines.reserveCapacity(states.count)
        for var state in states {
            state.close(at: endOfInput, events: events, warn: warn)
            state.timeline.calls.sort { $0.answeredAt < $1.answeredAt }
            timelines.append(state.timeline)
        }
        return (timelines, diagnostics)
    }
}

/// One agent's login, membership and pause state while the events are replayed. Events are
/// kept as their indices in the input.
private struct AgentState {
    var timeline: AgentTimeline
    /// The open AGENTLOGIN, if any.
    var login: Int?
    /// Queues the agent is a member of (ADDMEMBER), with the event that added them.
    var queues: [String: Int] = [:]
    var sessionStart: Timestamp?
    /// Queues paused (PAUSE), and a pause of all queues (PAUSEALL, or PAUSE with no queue).
    var pausedQueues: [String: Int] = [:]
    var pausedAll: Int?
    /// The open pause episode: the PAUSE that began it, and its reason.
    var pause: Int?
    var pauseReason = ""
    /// The time of the last UNPAUSEALL (the per-queue UNPAUSEs that follow it are expected).
    var unpausedAllAt: Timestamp?

    init(_ agent: String) { timeline = AgentTimeline(agent: agent) }

    var loggedIn: Bool { login != nil || !queues.isEmpty }
    var paused: Bool { pausedAll != nil || !pausedQueues.isEmpty }

    mutating func apply(_ index: Int, of events: UnsafeBufferPointer<AgentEvent>, name: String, warn: (Int, String) -> Void) {
        let wasLoggedIn = loggedIn
        let time = events[index].time
        let queue = events[index].queue.flatMap { $0.isEmpty ? nil : $0 }
        switch name {
        case "AGENTLOGIN", "AGENTCALLBACKLOGIN":
            if let login {
                warn(index, "\(name) of \(timeline.agent) while logged in since \(Self.place(events[login])): ignored")
            } else {
                login = index
            }
        case "AGENTLOGOFF", "AGENTCALLBACKLOGOFF":
            if login == nil {
                warn(index, "\(name) of \(timeline.agent) with no login before it (the log starts mid-session): ignored")
            }
            login = nil
        case "ADDMEMBER":
            let key = queue ?? ""
            if queues[key] == nil { queues[key] = index }
        case "REMOVEMEMBER":
            let key = queue ?? ""
            if queues.removeValue(forKey: key) == nil {
                warn(index, "REMOVEMEMBER of \(timeline.agent) from \(queue ?? "(no queue)") with no ADDMEMBER before it (the log starts mid-session): ignored")
            }
            pausedQueues[key] = nil
        case "PAUSE", "PAUSEALL":
            let wasPaused = paused
            if name == "PAUSEALL" || queue == nil { pausedAll = index } else if let queue { pausedQueues[queue] = index }
            let reason = events[index].data.first ?? ""
            if !wasPaused {
                pause = index
                pauseReason = reason
            } else if pauseReason.isEmpty, let begin = pause, events[begin].time == time {
                // app_queue writes PAUSEALL (no reason) then one PAUSE per queue with the reason.
                pauseReason = reason
            }
        case "UNPAUSE", "UNPAUSEALL":
            guard paused else {
                // app_queue writes UNPAUSEALL then one UNPAUSE per queue: those are expected.
                if unpausedAllAt != time {
                    warn(index, "\(name) of \(timeline.agent) with no PAUSE before it: ignored")
                }
                return
            }
            if name == "UNPAUSEALL" || queue == nil {
                pausedAll = nil
                pausedQueues.removeAll()
                unpausedAllAt = time
            } else if let queue {
                pausedQueues[queue] = nil
                // After PAUSEALL and one PAUSE per queue, the per-queue UNPAUSEs end it too.
                if pausedQueues.isEmpty, let all = pausedAll, events[all].event == "PAUSEALL" { pausedAll = nil }
            }
            if !paused { endPause(at: time, events: events, unpaired: false) }
        default:
            return
        }
        if !wasLoggedIn, loggedIn { sessionStart = time }
        if wasLoggedIn, !loggedIn { endSession(at: time, open: false, by: index, events: events, warn: warn) }
    }

    /// Closes the pause episode (if any) at `time`.
    mutating func endPause(at time: Timestamp, events: UnsafeBufferPointer<AgentEvent>, unpaired: Bool) {
        guard let begin = pause else { return }
        let start = events[begin].time
        timeline.pauses.append(AgentPause(start: start, end: max(start, time), reason: pauseReason, unpaired: unpaired))
        pause = nil
    }

    mutating func endSession(at time: Timestamp, open: Bool, by index: Int?, events: UnsafeBufferPointer<AgentEvent>, warn: (Int, String) -> Void) {
        if let begin = pause {
            let end = index.map { "the logoff at \(Self.place(events[$0]))" } ?? "the end of the input"
            warn(begin, "\(events[begin].event) of \(timeline.agent) is not unpaused before \(end): the pause ends there")
            endPause(at: time, events: events, unpaired: true)
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
    mutating func close(at end: Timestamp, events: UnsafeBufferPointer<AgentEvent>, warn: (Int, String) -> Void) {
        if loggedIn {
            endSession(at: end, open: true, by: nil, events: events, warn: warn)
        } else if let begin = pause {
            warn(begin, "\(events[begin].event) of \(timeline.agent) while not logged in: not counted")
            pause = nil
        }
    }

    static func place(_ event: AgentEvent) -> String {
        event.line.map { "line \($0)" } ?? event.time.iso8601
    }
}
