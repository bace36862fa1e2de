import Foundation
import Testing
import TestSupport

/// Which calls a metric counts: callers turned away by the queue are blocked calls, and the
/// ASA heatmap looks at inbound waits only.
@Suite struct MetricScopeTests {
    /// Queue-full and join-empty callers never entered the queue: blocked calls all the same.
    @Test func queueFullCallersAreBlocked() throws {
        let directory = TemporaryDirectory("callscope")
        defer { directory.remove() }
        let log = directory.url.appendingPathComponent("queue_log")
        try """
            1711900000|q1|support|NONE|FULL|
            1711900010|q2|support|NONE|JOINEMPTY|1|1|0
            1711900015|q4|support|NONE|JOINUNAVAIL|1|1|0
            1711900020|q3|support|NONE|ENTERQUEUE||+447700900123|1
            1711900050|q3|support|SIP/201|CONNECT|30|q3.1|5
            1711900150|q3|support|SIP/201|COMPLETEAGENT|30|100|1

            """.write(to: log, atomically: true, encoding: .utf8)
        let result = try CLI.run(["report", log.path, "-f", "json", "-q"])
        let overall = try #require(((try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any])?["overall"] as? [String: Any])
        #expect(overall["offered"] as? Int == 4)
        #expect((overall["blocked_rate"] as? NSNumber)?.doubleValue == 0.75)
    }

    /// An outbound call's ring is not a wait: the ASA heatmap shows inbound waits only.
    @Test func asaHeatmapUsesInboundCalls() throws {
        let heat = try CLI.run(["heatmap", "cdr-samples/asterisk-master.csv", "cdr-samples/asterisk-queue_log", "--timezone", "Europe/London", "--metric", "asa", "-f", "csv", "-q"])
        let inbound = try CLI.run(["heatmap", "cdr-samples/asterisk-master.csv", "cdr-samples/asterisk-queue_log", "--timezone", "Europe/London", "--metric", "asa", "--direction", "inbound", "-f", "csv", "-q"])
        #expect(heat.stdout == inbound.stdout)
    }
}
