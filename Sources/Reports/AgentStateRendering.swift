import CallMetrics
import CallModel

/// `report --view agents` with agent states: the call figures of `AgentDay` and the state
/// figures of `AgentStateFigures` in one record per agent and local day, then the agent's
/// `all` row (docs/metrics.md "Agents" and "Agent states").
public enum AgentStateRendering {
    /// The state fields, named as in the report, in order.
    public static let stateKeys = [
        "logged_in_s", "paused_s", "pause_reasons", "pauses", "idle_s", "talk_s", "hold_s", "acw_s", "handled", "aht_s",
        "occupancy", "utilisation", "rona", "transfers", "first_login", "last_logoff", "session_open",
    ]

    /// One record per agent and day found in either list (call fields 0 or null for a day with
    /// no call; state fields null for a day with no queue_log agent events, so that every
    /// record has every field), days in order and `all` last.
    public static func records(_ days: [AgentDay], states: [AgentStateFigures]) -> [Record] {
        struct Key: Hashable { var agent: String; var day: String }
        var callRows: [Key: AgentDay] = [:]
        for d in days { callRows[Key(agent: d.agent, day: d.day)] = d }
        var stateRows: [Key: AgentStateFigures] = [:]
        for s in states { stateRows[Key(agent: s.agent, day: s.day ?? AgentDay.allDays)] = s }
        let keys = Set(callRows.keys).union(stateRows.keys).sorted { a, b in
            if a.agent != b.agent { return a.agent < b.agent }
            if (a.day == AgentDay.allDays) != (b.day == AgentDay.allDays) { return b.day == AgentDay.allDays }
            return a.day < b.day
        }
        return keys.map { key in
            let calls = callRows[key].map { ViewRendering.agentRecords([$0])[0] } ?? emptyCallFields(key.agent, key.day)
            return calls + (stateRows[key].map(stateFields) ?? stateKeys.map { ($0, FieldValue.null) })
        }
    }

    /// The state fields of one row.
    public static func stateFields(_ s: AgentStateFigures) -> Record {
        func seconds(_ ns: Int64) -> FieldValue { .seconds(Duration3(nanoseconds: ns)) }
        func decimal(_ value: Double?, _ digits: Int) -> FieldValue { value.map { .decimal(KPIRendering.format($0, digits)) } ?? .null }
        return [
            ("logged_in_s", seconds(s.loggedInNanoseconds)), ("paused_s", seconds(s.pausedNanoseconds)),
            ("pause_reasons", .object(s.pauseReasons.map { ($0.reason, seconds($0.nanoseconds)) })),
            ("pauses", .integer(Int64(s.pauses))), ("idle_s", seconds(s.idleNanoseconds)), ("talk_s", seconds(s.talkNanoseconds)),
            ("hold_s", seconds(s.holdNanoseconds)), ("acw_s", seconds(s.acwNanoseconds)), ("handled", .integer(Int64(s.handled))),
            ("aht_s", decimal(s.ahtSeconds, 3)), ("occupancy", decimal(s.occupancy, 4)), ("utilisation", decimal(s.utilisation, 4)),
            ("rona", .integer(Int64(s.ringNoAnswers))), ("transfers", .integer(Int64(s.transfers))),
            ("first_login", s.firstLogin.map(FieldValue.time) ?? .null), ("last_logoff", s.lastLogoff.map(FieldValue.time) ?? .null),
            ("session_open", .bool(s.sessionOpen)),
        ]
    }

    private static func emptyCallFields(_ agent: String, _ day: String) -> Record {
        ViewRendering.agentRecords([AgentDay(
            agent: agent, day: day, inboundReceived: 0, inboundMissed: 0, outboundAnswered: 0, outboundNotAnswered: 0,
            talkMinutes: 0, asaSeconds: nil, activeHours: 0, callsPerHour: nil)])[0]
    }
}
