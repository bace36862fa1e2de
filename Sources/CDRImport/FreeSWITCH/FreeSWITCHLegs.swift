import CallModel

/// Groups FreeSWITCH legs (CSV rows or JSON documents) into calls: legs sharing a uuid are one
/// leg written twice, and a leg whose uuid another leg names as its B-leg belongs to that
/// leg's call (docs/cdr-formats.md, "FreeSWITCH").
///
/// A small union-find over uuid strings; the group keeps the order in which its first leg
/// appeared so that calls come out in file order.
struct FreeSWITCHLegGrouper {
    private var parent: [String: String] = [:]
    private var order: [String] = []

    /// Registers a leg's uuid (idempotent).
    mutating func add(_ uuid: String) {
        if parent[uuid] == nil {
            parent[uuid] = uuid
            order.append(uuid)
        }
    }

    /// Whether a leg with this uuid was added.
    func contains(_ uuid: String) -> Bool { parent[uuid] != nil }

    /// The representative uuid of `uuid`'s group.
    mutating func find(_ uuid: String) -> String {
        var x = uuid
        while let p = parent[x], p != x {
            let grand = parent[p] ?? p
            parent[x] = grand
            x = grand
        }
        return x
    }

    /// Joins the groups of an A-leg and its B-leg; the A-leg's group keeps its representative.
    mutating func link(aLeg: String, bLeg: String) {
        let a = find(aLeg), b = find(bLeg)
        if a != b { parent[b] = a }
    }

    /// The indices of `legs` by group, groups in order of their first leg.
    mutating func groups(_ uuids: [String]) -> [[Int]] {
        var byRoot: [String: Int] = [:]
        var result: [[Int]] = []
        for (index, uuid) in uuids.enumerated() {
            let root = find(uuid)
            if let slot = byRoot[root] {
                result[slot].append(index)
            } else {
                byRoot[root] = result.count
                result.append([index])
            }
        }
        return result
    }
}

/// FreeSWITCH hangup causes as call outcomes (docs/cdr-formats.md, "FreeSWITCH").
enum FreeSWITCHOutcome {
    /// The outcome of an unanswered call and the Q.850 value of its `hangup_cause`
    /// (`OutcomeMapping.freeswitchCause`). `NORMAL_CLEARING` before any answer means the caller
    /// hung up first, so it reads as Q.850 16 on an unconnected call (`unconnectedQ850`): abandoned.
    static func unanswered(cause: String) -> (outcome: CallOutcome, q850: Int?) {
        let mapped = OutcomeMapping.freeswitchCause(cause)
        if mapped.outcome == .answered { return (OutcomeMapping.unconnectedQ850(mapped.q850 ?? 16), mapped.q850) }
        return mapped
    }

    /// The Q.850 value of a hangup cause name, nil when unknown.
    static func q850(cause: String) -> Int? { OutcomeMapping.freeswitchCause(cause).q850 }
}
