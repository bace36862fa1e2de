/// One agent's logged-in sessions, pauses, calls, ring-no-answers and transfers, as a queue
/// log records them (Asterisk queue_log docs, "Queue Logs": AGENTLOGIN, ADDMEMBER, PAUSE,
/// CONNECT, COMPLETE*, RINGNOANSWER, TRANSFER...).
///
/// Why a value of its own: readers build it (CDRImport) and the metrics turn it into
/// figures (CallMetrics), the way a `Call` goes from reader to metrics. Times are instants;
/// days are the metrics' business. docs/metrics.md "Agent states" defines every figure.
public struct AgentTimeline: Sendable, Hashable {
    /// The agent as calls name it (`Agent/1141`, `Local/201@from-queue/n` -> `1141`, `201`).
    public var agent: String
    /// Logged in to at least one queue (or by AGENTLOGIN), in time order, never overlapping:
    /// several queues at once make one session.
    public var sessions: [AgentSession] = []
    /// Pause episodes (paused in at least one queue), in time order, never overlapping.
    public var pauses: [AgentPause] = []
    /// Queue calls the agent answered: CONNECT to the COMPLETE* or transfer that ended them.
    public var calls: [AgentCall] = []
    /// RINGNOANSWER times: a queue call rang the agent and was not answered.
    public var ringNoAnswers: [Timestamp] = []
    /// AGENTDUMP times: the agent hung up on a caller while the call was being presented.
    public var dumps: [Timestamp] = []

    public init(agent: String) { self.agent = agent }

    /// The number of transfers (TRANSFER, BLINDTRANSFER, ATTENDEDTRANSFER) by the agent.
    public var transfers: Int { calls.reduce(0) { $0 + ($1.transferred ? 1 : 0) } }
}

/// Logged in: from the login (AGENTLOGIN, or the first ADDMEMBER) to the logoff (AGENTLOGOFF,
/// or the last REMOVEMEMBER).
public struct AgentSession: Sendable, Hashable {
    public var start: Timestamp
    public var end: Timestamp
    /// Still open at the end of the input: `end` is the input's last event.
    public var open: Bool

    public init(start: Timestamp, end: Timestamp, open: Bool = false) {
        self.start = start; self.end = end; self.open = open
    }
}

/// Paused (PAUSE, PAUSEALL) until unpaused in every queue (UNPAUSE, UNPAUSEALL), or until the
/// logoff when never unpaused.
public struct AgentPause: Sendable, Hashable {
    public var start: Timestamp
    public var end: Timestamp
    /// The reason of the PAUSE that started the episode; `""` when none was given.
    public var reason: String
    /// Not unpaused: ended by the logoff or the end of the input.
    public var unpaired: Bool

    public init(start: Timestamp, end: Timestamp, reason: String, unpaired: Bool = false) {
        self.start = start; self.end = end; self.reason = reason; self.unpaired = unpaired
    }
}

/// One queue call the agent answered.
public struct AgentCall: Sendable, Hashable {
    public var callID: String
    public var queue: String?
    /// CONNECT.
    public var answeredAt: Timestamp
    /// COMPLETEAGENT, COMPLETECALLER or a transfer.
    public var endedAt: Timestamp
    /// Ended by a transfer.
    public var transferred: Bool
    /// Time on hold within the call, when the source records it (queue_log does not: 0).
    public var holdNanoseconds: Int64

    public init(callID: String, queue: String?, answeredAt: Timestamp, endedAt: Timestamp, transferred: Bool = false, holdNanoseconds: Int64 = 0) {
        self.callID = callID; self.queue = queue; self.answeredAt = answeredAt; self.endedAt = endedAt
        self.transferred = transferred; self.holdNanoseconds = holdNanoseconds
    }
}
