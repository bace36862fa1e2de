import CallModel

/// The `callscope calls` table for people: one line per call, times in UTC. `wait s` is the
/// caller's wait for an answer (the ring time for captures, queue and IVR time for CDR calls).
public enum CallTable {
    public static func render(_ calls: [Call]) -> String {
        var table = TextTable(columns: [
            .init("start (UTC)"), .init("caller", maxWidth: 18), .init("dialed", maxWidth: 18), .init("agent", maxWidth: 12),
            .init("outcome"), .init("status", .right), .init("pdd ms", .right), .init("wait s", .right),
            .init("talk s", .right), .init("hold s", .right), .init("ended by"), .init("pkts", .right),
            .init("call id", maxWidth: 28),
        ])
        for call in calls {
            let start = call.start.iso8601
            let shown = String(start.prefix(10)) + " " + String(start.dropFirst(11).prefix(12))
            table.append([
                shown,
                call.caller ?? "-",
                call.dialed ?? "-",
                call.agent ?? "-",
                call.outcome.rawValue + (call.truncated ? " (open)" : ""),
                call.finalStatus.map(String.init) ?? "-",
                call.pddMilliseconds.map(String.init) ?? "-",
                (call.waitTime ?? call.ringTime)?.seconds3 ?? "-",
                call.talkTime?.seconds3 ?? "-",
                call.holdNanoseconds > 0 ? call.holdTime.seconds3 : "-",
                call.endedBy?.rawValue ?? "-",
                call.retransmissions > 0 ? "\(call.packets) (\(call.retransmissions) rtx)" : String(call.packets),
                call.callID,
            ])
        }
        return table.render()
    }
}
