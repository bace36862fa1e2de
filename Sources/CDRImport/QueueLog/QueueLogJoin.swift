import CallModel

/// Joins queue calls from a queue_log with the CDR calls of the same run
/// (docs/cdr-formats.md, "Asterisk queue_log": "Joined with Asterisk CDR in one run").
///
/// app_queue writes the caller channel's uniqueid as the queue_log callid, and Asterisk CDR
/// keeps that uniqueid as a row's `uniqueid`: the call's `call_id` when calls are keyed by
/// uniqueid, one of its legs' `id` when they are keyed by linkedid.
public enum QueueLogJoin {
    /// Enriches CDR calls with the queue calls that match them.
    ///
    /// The rule: a queue call matches the CDR call whose `callID`, or one of whose legs' `id`,
    /// equals the queue call's `callID` (a CDR `callID` wins over a leg id; among several CDR
    /// calls with the same key the first wins). The queue events decide the queue part of the
    /// call, whatever the CDR disposition (an IVR or `Queue()` answers the caller's channel, so
    /// the CDR says `ANSWERED` for callers no agent ever spoke to):
    /// - `CONNECT` (queue outcome answered): `outcome` answered, `answeredAt` the CONNECT time,
    ///   `agent` its agent, `waitNanoseconds` its holdtime;
    /// - `ABANDON`, `EXITWITHTIMEOUT`, `EXITWITHKEY`, `EXITEMPTY` (abandoned, no_answer,
    ///   congestion): the queue's outcome and wait, no `answeredAt`, no `agent` (an agent whose
    ///   phone only rang is not credited), no leg talk, no transfers; a CDR answer of the call as
    ///   the system's (`systemAnsweredAt`). Except when a person answered after the caller left
    ///   the queue without abandoning (a timeout or key press led on to a `Dial()`): the CDR's
    ///   answer stands;
    /// - `queue`, and `endedBy` (COMPLETEAGENT, COMPLETECALLER, ABANDON, transfers) when known;
    /// - `ivrNanoseconds`, for a call a system answered: the first ENTERQUEUE minus the start;
    /// - `transfers`: the larger count of the two (the same transfer is in both);
    /// - the queue's agent legs (with their talk) are added when no CDR leg has talk;
    /// and keeps everything else (times, caller, legs, source, format). A matched
    /// queue call is not returned on its own; several queue calls may enrich one CDR call, in
    /// input order. Unmatched queue calls are returned unchanged.
    ///
    /// - Returns: the CDR calls in their order (enriched where matched), then the unmatched
    ///   queue calls in theirs; `joined` is the number of queue calls merged into a CDR call.
    /// - Complexity: O(n + m + l) for n CDR calls with l legs in all and m queue calls.
    public static func enrich(_ calls: [Call], with queueCalls: [Call]) -> (calls: [Call], joined: Int) {
        var indexByKey: [String: Int] = [:]
        indexByKey.reserveCapacity(calls.count * 2)
        for (index, call) in calls.enumerated() where indexByKey[call.callID] == nil {
            indexByKey[call.callID] = index
        }
        for (index, call) in calls.enumerated() {
            for leg in call.legs where indexByKey[leg.id] == nil { indexByKey[leg.id] = index }
        }
        var result = calls
        var unmatched: [Call] = []
        var joined = 0
        for queueCall in queueCalls {
            guard let index = indexByKey[queueCall.callID] else {
                unmatched.append(queueCall)
                continue
            }
            joined += 1
            merge(queueCall, into: &result[index])
        }
        result.append(contentsOf: unmatched)
        return (result, joined)
    }

    /// One queue call's part of a CDR call (the rules above).
    private static func merge(_ queueCall: Call, into call: inout Call) {
        if let queue = queueCall.queue { call.queue = queue }
        if let endedBy = queueCall.endedBy { call.endedBy = endedBy }
        switch queueCall.outcome {
        case .answered:
            if let connect = queueCall.answeredAt {
                call.outcome = .answered
                call.answeredAt = connect
                if let system = call.systemAnsweredAt, system >= connect { call.systemAnsweredAt = nil }
            }
            if let agent = queueCall.agent { call.agent = agent }
            if let wait = queueCall.waitNanoseconds { call.waitNanoseconds = wait }
        case .abandoned, .noAnswer, .congestion:
            let answeredAfterQueue = queueCall.outcome != .abandoned
                && call.answeredAt.map { answer in queueCall.endedAt.map { answer > $0 } ?? false } ?? false
            guard !answeredAfterQueue else { break }
            if let answer = call.answeredAt, call.systemAnsweredAt.map({ answer < $0 }) ?? true { call.systemAnsweredAt = answer }
            call.outcome = queueCall.outcome
            call.answeredAt = nil
            call.agent = nil
            call.transfers = 0
            for i in call.legs.indices { call.legs[i].talkNanoseconds = nil; call.legs[i].agent = nil }
            if let wait = queueCall.waitNanoseconds { call.waitNanoseconds = wait }
        default:
            if let agent = queueCall.agent { call.agent = agent }
            if let wait = queueCall.waitNanoseconds { call.waitNanoseconds = wait }
        }
        if call.systemAnsweredAt != nil { call.ivrNanoseconds = max(0, call.start.distance(to: queueCall.start)) }
        call.transfers = max(call.transfers, queueCall.transfers)
        if !call.legs.contains(where: { $0.talkNanoseconds != nil }) {
            call.legs.append(contentsOf: queueCall.legs.filter { $0.talkNanoseconds != nil })
        }
    }
}
