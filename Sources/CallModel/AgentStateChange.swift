/// One change of an agent's state as a live queue_log writes it (`watch --follow`): what the
/// live agent rules need from the events `AgentTimeline` is built from (Asterisk queue_log
/// docs, "Queue Logs": PAUSE, PAUSEALL, UNPAUSE, UNPAUSEALL, RINGNOANSWER, AGENTLOGOFF,
/// REMOVEMEMBER).
///
/// Why a value of its own: a live run cannot wait for a day's timeline; the readers' events
/// (CDRImport) reach the rules (CallMetrics) one at a time, as they are written.
public struct AgentStateChange: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// PAUSE in `queue`, or PAUSEALL / a PAUSE with no queue (`queue` nil); `reason` `""` when none.
        case paused(queue: String?, reason: String)
        /// UNPAUSE of `queue`, or UNPAUSEALL / an UNPAUSE with no queue (`queue` nil).
        case unpaused(queue: String?)
        /// REMOVEMEMBER from `queue`: a pause in it ends.
        case removed(queue: String?)
        /// AGENTLOGOFF: every pause ends.
        case loggedOff
        /// RINGNOANSWER: a queue call rang the agent and was not answered.
        case ringNoAnswer
    }

    public var time: Timestamp
    public var agent: String
    public var kind: Kind

    public init(time: Timestamp, agent: String, kind: Kind) {
        self.time = time; self.agent = agent; self.kind = kind
    }
}
