import CallModel

/// The `callscope calls` table for people: one line per call, then the period it covers.
///
/// Times are on the site's clock when a zone is known (`start (Europe/London)`), else UTC.
/// `wait s` is the caller's wait for an answer (the ring time for captures, queue and IVR time
/// for CDR calls). `cause` (the Reason header's Q.850 or SIP cause) shows when any call has
/// one; with `talk`, the talk figures and each side's MOS show too.
///
/// On a narrow terminal the columns are kept in this order of importance (README "Tables"):
/// start, caller, outcome, call id, wait s, talk s, dialed, agent, status, cause, agent %,
/// caller mos, callee mos, agent talk s, caller talk s, overtalk s, pdd ms, hold s, ended by, pkts.
public enum CallTable {
    public static func render(_ calls: [Call], time: SiteTime = .utc, width: TextTable.Width = .columnLimits, talk: Bool = false) -> String {
        var time = time
        let cause = calls.contains { $0.reasonCause != nil }
        let attributed = calls.contains { $0.attribution != nil }
        var columns: [TextTable.Column] = [
            .init("start (\(time.label))", priority: 0, minWidth: 23), .init("caller", maxWidth: 18, priority: 1, minWidth: 8),
            .init("dialed", maxWidth: 18, priority: 6), .init("agent", maxWidth: 12, priority: 7, minWidth: 5),
            .init("outcome", priority: 2, minWidth: 9), .init("status", .right, priority: 8),
        ]
        if cause { columns.append(.init("cause", .right, priority: 9)) }
        columns += [
            .init("pdd ms", .right, priority: 16), .init("wait s", .right, priority: 4), .init("talk s", .right, priority: 5),
            .init("hold s", .right, priority: 17),
        ]
        if talk {
            columns += [
                .init("agent talk s", .right, priority: 13), .init("caller talk s", .right, priority: 14),
                .init("overtalk s", .right, priority: 15), .init("agent %", .right, priority: 10),
                .init("caller mos", .right, priority: 11), .init("callee mos", .right, priority: 12),
            ]
        }
        if attributed { columns.append(.init("attribution", maxWidth: 28, priority: 20)) }
        columns += [
            .init("ended by", priority: 18), .init("pkts", .right, priority: 19),
            .init("call id", maxWidth: 28, priority: 3, minWidth: 8),
        ]
        var table = TextTable(columns: columns)
        for call in calls {
            var row = [
                time.tableText(call.start),
                call.caller ?? "-",
                call.dialed ?? "-",
                call.agent ?? "-",
                call.outcome.rawValue + (call.truncated ? " (open)" : ""),
                call.finalStatus.map(String.init) ?? "-",
            ]
            if cause { row.append(call.reasonCause.map(String.init) ?? "-") }
            row += [
                call.pddMilliseconds.map(String.init) ?? "-",
                (call.waitTime ?? call.ringTime)?.seconds3 ?? "-",
                call.talkTime?.seconds3 ?? "-",
                call.holdNanoseconds > 0 ? call.holdTime.seconds3 : "-",
            ]
            if talk {
                let figures = call.talk
                func seconds(_ nanoseconds: Int64?) -> String { nanoseconds.map { Duration3(nanoseconds: $0).seconds3 } ?? "-" }
                func mos(_ party: CallParty) -> String { call.rtpQuality(sentBy: party)?.mos.map { KPIRendering.format($0, 2) } ?? "-" }
                row += [
                    seconds(figures?.agentTalk), seconds(figures?.callerTalk), seconds(figures?.overtalk),
                    figures?.agentShare.map { KPIRendering.format($0 * 100, 0) } ?? "-",
                    mos(.caller), mos(.callee),
                ]
            }
            if attributed { row.append(attributionText(call.attribution)) }
            row += [
                call.endedBy?.rawValue ?? "-",
                call.retransmissions > 0 ? "\(call.packets) (\(call.retransmissions) rtx)" : String(call.packets),
                call.callID,
            ]
            table.append(row)
        }
        return table.render(width: width) + "\(calls.count) \(calls.count == 1 ? "call" : "calls") \(time.period(starts: calls.map(\.start)))\n"
    }

    /// The `attribution` column: `source/medium campaign` of a visit (`*` when ambiguous), the
    /// static campaign's name, `none (pool)` for an unattributed pool call, else `-`.
    static func attributionText(_ a: VisitAttribution?) -> String {
        guard let a else { return "-" }
        switch a.kind {
        case .pool:
            let where_ = [a.source, a.medium].compactMap { $0 }.joined(separator: "/")
            return (where_.isEmpty ? "visit" : where_) + (a.campaign.map { " " + $0 } ?? "") + (a.ambiguous ? " *" : "")
        case .static: return a.owner ?? "static"
        case .none: return a.owner.map { "none (\($0))" } ?? "-"
        }
    }
}
