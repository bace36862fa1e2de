import CDRImport
import CallModel

extension AgentStateChange {
    /// The state change a queue_log agent event makes (Asterisk queue_log docs, "Queue Logs"),
    /// as `AgentStateBuilder` reads the same events: PAUSE/PAUSEALL (reason in the first data
    /// field), UNPAUSE/UNPAUSEALL, REMOVEMEMBER, AGENTLOGOFF/AGENTCALLBACKLOGOFF, RINGNOANSWER.
    /// Nil for the others (logins, calls).
    init?(_ event: AgentEvent) {
        let queue = event.queue.flatMap { $0.isEmpty || $0 == "NONE" ? nil : $0 }
        let kind: Kind
        switch event.event {
        case "PAUSE": kind = .paused(queue: queue, reason: event.data.first ?? "")
        case "PAUSEALL": kind = .paused(queue: nil, reason: event.data.first ?? "")
        case "UNPAUSE": kind = .unpaused(queue: queue)
        case "UNPAUSEALL": kind = .unpaused(queue: nil)
        case "REMOVEMEMBER": kind = .removed(queue: queue)
        case "AGENTLOGOFF", "AGENTCALLBACKLOGOFF": kind = .loggedOff
        case "RINGNOANSWER": kind = .ringNoAnswer
        default: return nil
        }
        self.init(time: event.time, agent: event.agent, kind: kind)
    }
}
