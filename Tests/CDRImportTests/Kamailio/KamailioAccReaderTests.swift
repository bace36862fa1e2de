import CallModel
import Foundation
import Testing
@testable import CDRImport
import TestSupport

/// Kamailio's own accounting log (captures/reconcile/kamailio-acc.log: twelve calls Kamailio
/// proxied, acc records and dialog CDRs written by Kamailio 5.6) read against what tshark sees of
/// the same calls on the wire (kamailio.expected.ndjson, made by captures/expected.py).
@Suite struct KamailioAccReaderTests {
    static let directory = TestPaths.captures.appendingPathComponent("reconcile")

    static func log(_ name: String = "kamailio-acc.log") throws -> (bytes: [UInt8], path: String) {
        let url = directory.appendingPathComponent(name)
        return ([UInt8](try Data(contentsOf: url)), url.path)
    }

    static func wire() throws -> [String: [String: Any]] {
        let text = try String(contentsOf: directory.appendingPathComponent("kamailio.expected.ndjson"), encoding: .utf8)
        var calls: [String: [String: Any]] = [:]
        for line in text.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            calls[try #require(object["call_id"] as? String)] = object
        }
        return calls
    }

    /// Milliseconds between an ISO-8601 time of the sidecar and a call's time.
    static func gap(_ iso: Any?, _ time: Timestamp?) throws -> Int64 {
        let text = try #require(iso as? String)
        let time = try #require(time)
        return abs(time.epochMilliseconds - (try #require(Self.epochMilliseconds(text))))
    }

    /// `2026-12-05T16:20:01.234Z` as epoch milliseconds.
    static func epochMilliseconds(_ iso: String) -> Int64? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: iso).map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) }
    }

    @Test func detectedFromContent() throws {
        let (bytes, _) = try Self.log()
        #expect(KamailioAccReader.detect(CDRSample(bytes: bytes)) == 95)
        let format = try CDRImporter.format(of: bytes, path: "kamailio-acc.log", options: CDRImportOptions())
        #expect(format == .kamailioAcc)
        // No other sample looks like an acc log.
        for name in ["asterisk-master.csv", "freeswitch-master.csv", "cucm-cdr.csv", "generic-export.csv", "asterisk-queue_log"] {
            let other = [UInt8](try Data(contentsOf: URL(fileURLWithPath: TestPaths.cdrSample(name))))
            #expect(KamailioAccReader.detect(CDRSample(bytes: other)) == 0, "\(name)")
        }
    }

    @Test func callsAgreeWithTheWire() throws {
        let (bytes, path) = try Self.log()
        let outcome = OthersHarness.read(KamailioAccReader.self, bytes, path: path)
        let wire = try Self.wire()
        #expect(outcome.error == nil && outcome.diagnostics.isEmpty)
        #expect(outcome.rows == 36 && outcome.badRows == 0)  // 24 acc records and 12 dialog CDRs
        #expect(outcome.calls.count == wire.count)
        #expect(Set(outcome.calls.map(\.callID)) == Set(wire.keys))
        for call in outcome.calls {
            let seen = try #require(wire[call.callID])
            #expect(call.format == "kamailio-acc")
            #expect(call.caller == seen["caller"] as? String, "\(call.callID)")
            #expect(call.dialed == seen["dialed"] as? String, "\(call.callID)")
            #expect(call.outcome.rawValue == seen["outcome"] as? String, "\(call.callID)")
            #expect(call.endedBy?.rawValue == seen["ended_by"] as? String, "\(call.callID)")
            // Kamailio stamps its records when it handles the message (milliseconds; 28 ms after the
            // packet for the dialog of busy-1), tcpdump when the packet passes.
            #expect(try Self.gap(seen["start"], call.start) <= 50, "\(call.callID) start")
            #expect(try Self.gap(seen["ended_at"], call.endedAt) <= 50, "\(call.callID) end")
            if call.outcome == .answered {
                #expect(try Self.gap(seen["answered_at"], call.answeredAt) <= 50, "\(call.callID) answer")
                #expect(call.finalStatus == 200)
            }
        }
        // What the proxy sent the caller: 500 for the callee's 503 (RFC 3261 §16.7 step 6), 408
        // for its own timeout; each failed branch is a leg.
        let failed = outcome.calls.filter { $0.callID.hasPrefix("failed-") }
        #expect(failed.map(\.finalStatus) == [500, 500] && failed.allSatisfy { $0.outcome == .congestion })
        #expect(failed.allSatisfy { $0.legs.map(\.status) == ["503"] })
        let timeout = try #require(outcome.calls.first { $0.callID.hasPrefix("timeout-") })
        #expect(timeout.finalStatus == 408 && timeout.outcome == .noAnswer && timeout.endedBy == .callee)
    }

    /// Bad records are reported with file and line and skipped; other log lines are not records.
    @Test func badRecords() {
        let text = """
         0(1) INFO: <core> [main.c:3055]: main(): processes (at least): 7
         1(2) NOTICE: acc [acc.c:268]: acc_log_request(): ACC: transaction answered: timestamp=1796487602;method=INVITE;from_tag=a;to_tag=b;code=200;reason=OK
         1(2) NOTICE: acc [acc.c:268]: acc_log_request(): ACC: transaction answered: timestamp=17964x;method=INVITE;call_id=c1;code=200
         1(2) NOTICE: acc [acc.c:268]: acc_log_request(): ACC: call missed: timestamp=1796487602;method=INVITE;call_id=c1;code=9999
         1(2) NOTICE: acc [acc_cdr.c:395]: log_write_cdr(): start_time=17964876030000000000000000000000000000000000000000000000000000000000000000; end_time=1796487601.000; duration=0; call_id=c1
         1(2) NOTICE: acc [acc_cdr.c:395]: log_write_cdr(): start_time=1796487603.000; end_time=1796487601.000; duration=0; call_id=c1
         1(2) NOTICE: acc [acc.c:268]: acc_log_request(): ACC: transaction answered: timestamp=1796487602;method=BYE;from_tag=a;to_tag=b;call_id=c2;code=200
        Dec  5 16:20:02 pbx kamailio[2]: NOTICE: acc [acc.c:268]: acc_log_request(): ACC: call missed: timestamp=1796487602;time_attr=1796487602.500;method=INVITE;from_tag=a;to_tag=b;call_id=c3;code=486;reason=Busy Here;src_user=+4930123401;dst_user=+15550500003
        """
        let outcome = OthersHarness.read(KamailioAccReader.self, text, name: "acc.log")
        #expect(outcome.rows == 7 && outcome.badRows == 5)
        // A field is quoted and cut at 40 characters: a hostile log line does not fill the terminal.
        #expect(outcome.errors == [
            "acc record without call_id",
            "timestamp \"17964x\" is not epoch seconds within 1970-2100",
            "code \"9999\" is not a SIP status (100-699)",
            "CDR start_time \"1796487603000000000000000000000000000000...\" is not epoch seconds within 1970-2100",
            "CDR end_time is before its start_time",
        ])
        #expect(outcome.diagnostics.filter { $0.severity == .error }.map(\.line) == [2, 3, 4, 5, 6])
        #expect(outcome.warnings == ["call_id c2: no INVITE record (the log starts after it?); its 1 record(s) make no call"])
        let busy = outcome.calls.first
        #expect(outcome.calls.count == 1 && busy?.outcome == .busy && busy?.finalStatus == 486)
        #expect(busy?.start == Timestamp(nanoseconds: 1_796_487_602_500_000_000) && busy?.caller == "+4930123401")
    }

    /// Every prefix of the real log reads without trapping (lines cut anywhere).
    @Test func everyPrefix() throws {
        let (bytes, path) = try Self.log()
        for end in stride(from: 0, through: bytes.count, by: 97) {
            _ = OthersHarness.read(KamailioAccReader.self, Array(bytes[..<end]), path: path)
        }
    }
}
