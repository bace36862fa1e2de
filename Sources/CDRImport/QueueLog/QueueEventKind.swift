/// What a queue_log event means for callscope, recognised from the event name's bytes.
///
/// The names and their data fields are those app_queue writes (Asterisk `queue_log` docs,
/// "Queue Logs"); docs/cdr-formats.md ("Asterisk queue_log") says what each one does to a call.
enum QueueEventKind: Sendable, Hashable {
    /// `ENTERQUEUE(url|callerid|position)`: the call.
    case enterQueue
    /// `CONNECT(holdtime|bridgedchanneluniqueid|ringtime)`: answered by the agent.
    case connect
    /// `COMPLETEAGENT` / `COMPLETECALLER(holdtime|calltime|origposition)`.
    case completeAgent, completeCaller
    /// `ABANDON(position|origposition|waittime)`.
    case abandon
    /// `EXITWITHTIMEOUT(position|origposition|waittime)`.
    case exitWithTimeout
    /// `EXITEMPTY(position|origposition|waittime)`: no agent could take the call.
    case exitEmpty
    /// `EXITWITHKEY(key|position|origposition|waittime)`.
    case exitWithKey
    /// `TRANSFER`, `BLINDTRANSFER`, `ATTENDEDTRANSFER`: the agent's part ended.
    case transfer
    /// `RINGNOANSWER(ringtime)` / `RINGCANCELED(ringtime)`, ring time in milliseconds.
    case ringNoAnswer, ringCanceled
    /// Agent and member events (login, logoff, pause, add/remove member): `AgentEvent`s.
    case agent
    /// `AGENTDUMP`: the agent hung up on the caller while the call was presented; an
    /// `AgentEvent`, not part of the call's outcome.
    case agentDump
    /// `QUEUESTART`, `CONFIGRELOAD`, agent outbound `OUT*`, and the documented events callscope
    /// does not use (`DID`, `SYSCOMPAT`, `PENALTY`, `INFO`): counted only.
    case ignored
    /// A name not in the list above: counted, warned about once per name.
    /// FULL, JOINEMPTY, JOINUNAVAIL: the caller could not join the queue (a blocked call).
    case blockedJoin
    case unknown

    /// Whether the event ends the caller's wait without an agent (an unanswered outcome).
    var isExit: Bool {
        switch self {
        case .abandon, .exitWithTimeout, .exitEmpty, .exitWithKey, .blockedJoin: true
        default: false
        }
    }

    private static let names: [(StaticString, QueueEventKind)] = [
        ("ENTERQUEUE", .enterQueue), ("CONNECT", .connect),
        ("COMPLETEAGENT", .completeAgent), ("COMPLETECALLER", .completeCaller),
        ("ABANDON", .abandon), ("EXITWITHTIMEOUT", .exitWithTimeout), ("EXITEMPTY", .exitEmpty),
        ("EXITWITHKEY", .exitWithKey), ("FULL", .blockedJoin), ("JOINEMPTY", .blockedJoin), ("JOINUNAVAIL", .blockedJoin),
        ("TRANSFER", .transfer), ("BLINDTRANSFER", .transfer), ("ATTENDEDTRANSFER", .transfer),
        ("RINGNOANSWER", .ringNoAnswer), ("RINGCANCELED", .ringCanceled),
        ("AGENTLOGIN", .agent), ("AGENTLOGOFF", .agent), ("AGENTCALLBACKLOGIN", .agent),
        ("AGENTCALLBACKLOGOFF", .agent), ("ADDMEMBER", .agent), ("REMOVEMEMBER", .agent),
        ("PAUSE", .agent), ("UNPAUSE", .agent), ("PAUSEALL", .agent), ("UNPAUSEALL", .agent),
        ("QUEUESTART", .ignored), ("CONFIGRELOAD", .ignored), ("DID", .ignored), ("SYSCOMPAT", .ignored),
        ("AGENTDUMP", .agentDump), ("PENALTY", .ignored), ("INFO", .ignored),
    ]

    /// The kind of the event name in `bytes[range]` (exact, upper case as app_queue writes it).
    /// - Complexity: O(k) in the number of known names, comparing bytes only.
    static func classify(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> QueueEventKind {
        let n = range.count
        guard n > 0 else { return .unknown }
        for (name, kind) in names where name.utf8CodeUnitCount == n {
            let p = name.utf8Start
            var equal = true
            for k in 0..<n where bytes[range.lowerBound + k] != p[k] {
                equal = false
                break
            }
            if equal { return kind }
        }
        // Agent outbound events (OUTDIAL, OUTANSWER, OUTCANCEL, ...): counted, not calls.
        if n > 3, bytes[range.lowerBound] == 0x4F, bytes[range.lowerBound + 1] == 0x55, bytes[range.lowerBound + 2] == 0x54 {
            return .ignored
        }
        return .unknown
    }
}
