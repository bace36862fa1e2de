import CallModel

/// One agent's ownership of the conversation over the phases of their calls.
///
/// Every answered call with a talk timeline is cut in tenths of its analysed duration; in each
/// tenth, the agent's share is the agent's speaking time over both sides' speaking time,
/// summed over the agent's calls (so long calls weigh more, as they do on the phone bill).
public struct AgentOwnership: Sendable, Hashable {
    /// `Call.agent`, else the agent side's number (the caller of an outbound call, the dialled
    /// number otherwise), else `unknown`.
    public var agent: String
    public var calls: Int
    public var agentTalk: Int64
    public var callerTalk: Int64
    public var overtalk: Int64
    public var silence: Int64
    /// Agent share of speech per tenth of the calls; nil where nobody spoke.
    public var shareByTenth: [Double?]

    /// Agent share over whole calls; nil when nobody spoke.
    public var share: Double? {
        let total = agentTalk + callerTalk
        return total > 0 ? Double(agentTalk) / Double(total) : nil
    }

    /// The first tenth (1-10) from which the agent holds less than half of the speech until
    /// the end of the call: where the agent loses the conversation. nil when the agent keeps
    /// at least half in the last tenth.
    public var losesOwnershipAt: Int? {
        var tenth: Int?
        for index in shareByTenth.indices.reversed() {
            guard let share = shareByTenth[index] else { continue }
            if share < 0.5 { tenth = index + 1 } else { break }
        }
        return tenth
    }
}

/// Talk-ownership figures over many calls (README "Talk ownership").
public enum TalkOwnership {
    /// The agent of `call` for grouping.
    public static func agent(of call: Call) -> String {
        if let agent = call.agent, !agent.isEmpty { return agent }
        let number = call.talk?.agentParty == .caller ? call.caller : call.dialed
        return number ?? "unknown"
    }

    /// One row per agent, ordered by agent, over the answered calls that have a talk timeline.
    public static func byAgent(_ calls: [Call]) -> [AgentOwnership] {
        var rows: [String: AgentOwnership] = [:]
        var agentByTenth: [String: [Int64]] = [:]
        var callerByTenth: [String: [Int64]] = [:]
        for call in calls where call.outcome == .answered {
            guard let talk = call.talk else { continue }
            let name = agent(of: call)
            var row = rows[name] ?? AgentOwnership(agent: name, calls: 0, agentTalk: 0, callerTalk: 0, overtalk: 0, silence: 0, shareByTenth: [])
            row.calls += 1
            row.agentTalk += talk.agentTalk
            row.callerTalk += talk.callerTalk
            row.overtalk += talk.overtalk
            row.silence += talk.silence
            rows[name] = row
            agentByTenth[name] = add(agentByTenth[name], talk.agentTalkByTenth)
            callerByTenth[name] = add(callerByTenth[name], talk.callerTalkByTenth)
        }
        return rows.keys.sorted().compactMap { name in
            guard var row = rows[name] else { return nil }
            let agentTenths = agentByTenth[name] ?? []
            let callerTenths = callerByTenth[name] ?? []
            row.shareByTenth = (0..<10).map { index in
                let agent = index < agentTenths.count ? agentTenths[index] : 0
                let caller = index < callerTenths.count ? callerTenths[index] : 0
                return agent + caller > 0 ? Double(agent) / Double(agent + caller) : nil
            }
            return row
        }
    }

    private static func add(_ sum: [Int64]?, _ values: [Int64]) -> [Int64] {
        var sum = sum ?? Array(repeating: 0, count: 10)
        for (index, value) in values.prefix(10).enumerated() { sum[index] += value }
        return sum
    }
}
