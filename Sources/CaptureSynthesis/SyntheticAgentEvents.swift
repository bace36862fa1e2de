import CDRImport
import CallModel

extension SyntheticCallRecords {
    /// The queue_log agent events of the generated calls: each agent logged in to `support`
    /// 07:00-21:00 UTC every day with a 30-minute lunch pause at 12:00 (PAUSEALL plus the
    /// queue's PAUSE), each answered inbound call a CONNECT and COMPLETECALLER (every tenth a
    /// BLINDTRANSFER) followed by a 20 s ACW pause on every third call; each unanswered inbound
    /// call a RINGNOANSWER of an agent. In time order, as a log is.
    public static func agentEvents(for calls: [Call]) -> [AgentEvent] {
        var events: [AgentEvent] = []
        events.reserveCapacity(calls.count * 4)
        let base: Int64 = 1_772_323_200
        for day in 0..<31 {
            for a in 0..<50 {
                let agent = String(200 + a)
                let d = base + Int64(day) * 86_400
                events.append(AgentEvent(time: Timestamp(seconds: d + 7 * 3600), agent: agent, queue: "support", event: "ADDMEMBER", data: []))
                events.append(AgentEvent(time: Timestamp(seconds: d + 12 * 3600), agent: agent, queue: nil, event: "PAUSEALL", data: []))
                events.append(AgentEvent(time: Timestamp(seconds: d + 12 * 3600), agent: agent, queue: "support", event: "PAUSE", data: ["Lunch"]))
                events.append(AgentEvent(time: Timestamp(seconds: d + 12 * 3600 + 1800), agent: agent, queue: nil, event: "UNPAUSEALL", data: []))
                events.append(AgentEvent(time: Timestamp(seconds: d + 21 * 3600), agent: agent, queue: "support", event: "REMOVEMEMBER", data: []))
            }
        }
        for (i, call) in calls.enumerated() where call.direction == .inbound {
            guard call.outcome == .answered, let agent = call.agent, let answered = call.answeredAt, let ended = call.endedAt else {
                events.append(AgentEvent(time: call.endedAt ?? call.start, agent: String(200 + i % 50), queue: "support", event: "RINGNOANSWER", data: [], callID: call.callID))
                continue
            }
            events.append(AgentEvent(time: answered, agent: agent, queue: "support", event: "CONNECT", data: [], callID: call.callID))
            events.append(AgentEvent(time: ended, agent: agent, queue: "support", event: i % 10 == 0 ? "BLINDTRANSFER" : "COMPLETECALLER", data: [], callID: call.callID))
            if i % 3 == 0 {
                events.append(AgentEvent(time: Timestamp(nanoseconds: ended.nanoseconds + 1_000_000_000), agent: agent, queue: "support", event: "PAUSE", data: ["ACW"]))
                events.append(AgentEvent(time: Timestamp(nanoseconds: ended.nanoseconds + 21_000_000_000), agent: agent, queue: "support", event: "UNPAUSE", data: []))
            }
        }
        return events.sorted { $0.time < $1.time }
    }
}
