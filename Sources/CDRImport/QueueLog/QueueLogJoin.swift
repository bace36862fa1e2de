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
    /// calls with the same key the first wins). The matched CDR call takes from the queue call
    /// - `queue`, when the queue call has one;
    /// - `agent`, when the queue call has one (the agent of the queue's CONNECT is who
    ///   answered; a CDR `dstchannel` may name a Local channel or a ring group member);
    /// - `waitNanoseconds` (the queue's holdtime or waittime), when known;
    /// - `endedBy` (COMPLETEAGENT, COMPLETECALLER, ABANDON, transfers), when known;
    /// - `outcome`, when the CDR call was not answered and the queue says abandoned, no_answer
    ///   or congestion (the CDR writes `NO ANSWER` for all three);
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
            if let queue = queueCall.queue { result[index].queue = queue }
            if let agent = queueCall.agent { result[index].agent = agent }
            if let wait = queueCall.waitNanoseconds { result[index].waitNanoseconds = wait }
            if let endedBy = queueCall.endedBy { result[index].endedBy = endedBy }
            if result[index].outcome != .answered, [.abandoned, .noAnswer, .congestion].contains(queueCall.outcome) {
                result[index].outcome = queueCall.outcome
            }
        }
        result.append(contentsOf: unmatched)
        return (result, joined)
    }
}
