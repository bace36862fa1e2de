import CallModel

/// Joins Kamailio acc records into calls by `call_id` (docs/cdr-formats.md, "Kamailio").
///
/// acc writes one record per transaction, not per call, so a call is assembled:
/// - the initial INVITE is the call's earliest INVITE record; `caller` is its `src_user`,
///   `dialed` its `dst_user` (the Request-URI user), else `dst_ouser` (the To user);
/// - answered when an INVITE record has a 2xx code (`answered_at` the earliest such record:
///   the proxy's relay of the 200); `ended_at` the first BYE record, else the CDR's `end_time`;
///   `ended_by` the caller when that BYE's `from_tag` is the INVITE's, the callee otherwise;
/// - unanswered: `final_status` the error the proxy sent upstream (the `transaction answered`
///   record of failed_transaction_flag), else the failed branch's (`call missed`), classified
///   as SIP calls are (README "Outcomes"; 487 is the caller's cancel); `ended_at` that record's
///   time; `ended_by` the caller for 487, the callee otherwise;
/// - `start`: the dialog CDR's `start_time` (the INVITE's arrival), else the earliest record;
/// - each failed branch and the answered INVITE are `legs` (To tag, status, time).
struct KamailioCallAssembler {
    let source: String
    /// Calls that could not be made (no INVITE record), with the line of their first record.
    private(set) var problems: [(line: Int, message: String)] = []

    init(source: String) { self.source = source }

    mutating func calls(_ records: [KamailioAccRecord]) -> [Call] {
        var order: [String] = []
        var byCall: [String: [Int]] = [:]
        for (index, record) in records.enumerated() {
            if byCall[record.callID] == nil { order.append(record.callID) }
            byCall[record.callID, default: []].append(index)
        }
        var calls: [Call] = []
        calls.reserveCapacity(order.count)
        for id in order {
            let group = (byCall[id] ?? []).map { records[$0] }
            if let call = call(group) { calls.append(call) }
        }
        return calls
    }

    private mutating func call(_ records: [KamailioAccRecord]) -> Call? {
        let invites = records.filter { $0.kind != .cdr && $0.method == "INVITE" }
        guard let first = records.first else { return nil }
        guard let initial = invites.min(by: { $0.time < $1.time }) else {
            problems.append((first.line, "call_id \(first.callID): no INVITE record (the log starts after it?); its \(records.count) record(s) make no call"))
            return nil
        }
        let cdr = records.first { $0.kind == .cdr }
        let answer = invites.filter { ($0.code ?? 0) / 100 == 2 }.min { $0.time < $1.time }
        let bye = records.filter { $0.kind != .cdr && $0.method == "BYE" }.min { $0.time < $1.time }
        let start = min(cdr?.time ?? initial.time, records.filter { $0.kind != .cdr }.map(\.time).min() ?? initial.time)

        let outcome: CallOutcome
        var status: Int?
        var endedAt: Timestamp?
        var endedBy: CallParty?
        if let answer {
            outcome = .answered
            status = answer.code
            if let bye {
                endedAt = bye.time
                endedBy = bye.fromTag == nil ? nil : (bye.fromTag == answer.fromTag ? .caller : .callee)
            } else if let cdr, let end = cdr.end, end > cdr.time {
                endedAt = end
            }
        } else {
            // The error sent upstream when failed_transaction_flag wrote it, else the branch's.
            let failures = invites.filter { ($0.code ?? 0) >= 300 }
            let upstream = failures.filter { $0.kind == .transaction }.max { $0.time < $1.time }
            let final = upstream ?? failures.max { $0.time < $1.time }
            status = final?.code
            endedAt = final?.time
            outcome = CallOutcome.classify(status: status, q850Cause: nil, cancelled: status == 487)
            if let status { endedBy = status == 487 ? .caller : .callee }
        }
        let legs = invites.filter { $0.kind == .missed || ($0.code ?? 0) / 100 == 2 }.map {
            CallLeg(id: $0.toTag ?? "", status: $0.code.map(String.init) ?? "", start: $0.time,
                    answered: ($0.code ?? 0) / 100 == 2, destination: PBXCallAssembly.party($0.destinationUser),
                    answeredAt: ($0.code ?? 0) / 100 == 2 ? $0.time : nil, endedAt: ($0.code ?? 0) / 100 == 2 ? endedAt : $0.time)
        }
        let answeredAt = answer?.time
        return Call(
            callID: initial.callID, source: source, start: start,
            caller: PBXCallAssembly.party(initial.sourceUser ?? cdr?.sourceUser),
            dialed: PBXCallAssembly.party(initial.destinationUser ?? initial.destinationToUser ?? cdr?.destinationUser),
            outcome: outcome, finalStatus: status, answeredAt: answeredAt, endedAt: endedAt, endedBy: endedBy,
            waitNanoseconds: PBXCallAssembly.wait(start: start, answeredAt: answeredAt, endedAt: endedAt),
            format: KamailioAccReader.format.rawValue, packets: records.count, legs: legs
        )
    }
}
