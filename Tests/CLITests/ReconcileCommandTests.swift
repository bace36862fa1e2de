import Foundation
import TestSupport
import Testing

/// `callscope reconcile` on the Kamailio samples (captures/reconcile/), and the Kamailio acc log
/// read by the other commands.
@Suite struct ReconcileCommandTests {
    static let folder = "captures/reconcile/"

    /// The expected report of one sample pair (written by variants.py from what it planted).
    static func expected(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: TestPaths.root.appendingPathComponent(folder + name + ".expected.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func agreeingPairExitsZero() throws {
        let result = try CLI.run(["reconcile", Self.folder + "kamailio.pcap", Self.folder + "kamailio-acc.log", "-q"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Matched: 12 (12 by Call-ID, 0 by caller, number and time), 12 agree"))
        #expect(result.stdout.hasSuffix("The ledger and the wire agree.\n"))
    }

    /// Every variant disagrees: exit status 3, and the JSON report names what was planted.
    @Test(arguments: ["variant-dropped-row", "variant-missing-call", "variant-rounded"])
    func disagreementExitsThree(_ name: String) throws {
        let expected = try Self.expected(name)
        let capture = try #require(expected["capture"] as? String), cdr = try #require(expected["cdr"] as? String)
        let result = try CLI.run(["reconcile", Self.folder + capture, Self.folder + cdr, "-q", "-f", "json"])
        #expect(result.status == 3)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(report["agree"] as? Bool == false)
        #expect(report["matched"] as? Int == expected["matched"] as? Int)
        #expect(report["cdr_only"] as? [String] == expected["cdr_only"] as? [String])
        #expect(report["wire_only"] as? [String] == expected["wire_only"] as? [String])
        let mismatches = try #require(report["mismatches"] as? [String: [String]])
        let planted = try #require(expected["mismatches"] as? [String: [String]])
        for (kind, ids) in mismatches { #expect(ids.sorted() == (planted[kind] ?? []), "\(kind)") }
        let calls = try #require(report["calls"] as? [[String: Any]])
        #expect(calls.count == 12)
    }

    /// The skewed PBX clock: the offset is reported (within 100 ms of the 3 s planted) and removed,
    /// so nothing disagrees; the CSV has one row per call.
    @Test func skewedClockIsEstimated() throws {
        let json = try CLI.run(["reconcile", Self.folder + "kamailio.pcap", Self.folder + "variant-skewed-acc.log", "-q", "-f", "json"])
        #expect(json.status == 0)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let offset = try #require(report["clock_offset_s"] as? Double)
        #expect(abs(offset - 3.0) < 0.1)
        #expect(report["clock_offset_samples"] as? Int == 12)
        let csv = try CLI.run(["reconcile", Self.folder + "kamailio.pcap", Self.folder + "variant-skewed-acc.log", "-q", "-f", "csv"])
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines.first == "status,match,cdr_call_id,wire_call_id,start,caller,dialed,cdr_outcome,wire_outcome,cdr_final_status,wire_final_status,cdr_talk_s,wire_talk_s,skew_s,mismatches,cdr_source,wire_source")
        #expect(lines.count == 13 && lines.dropFirst().allSatisfy { $0.hasPrefix("matched,call_id,") })
    }

    /// Kamailio's accounting log is a CDR input like the others: `calls` and `lost` read it, and
    /// its outcomes are those tshark sees on the wire for the same calls.
    @Test func callsAndLostReadTheAccLog() throws {
        let calls = try CLI.ndjson(try CLI.run(["calls", Self.folder + "kamailio-acc.log", "-q", "-f", "ndjson"]).stdout)
        let wire = try CLI.ndjson(String(contentsOf: TestPaths.root.appendingPathComponent(Self.folder + "kamailio.expected.ndjson"), encoding: .utf8))
        #expect(calls.count == 12)
        #expect(calls.allSatisfy { $0["format"] as? String == "kamailio-acc" })
        let outcome = { (records: [[String: Any]]) in
            Dictionary(uniqueKeysWithValues: records.map { ($0["call_id"] as? String ?? "", $0["outcome"] as? String ?? "") })
        }
        #expect(outcome(calls) == outcome(wire))
        let lost = try CLI.ndjson(try CLI.run(["lost", Self.folder + "kamailio-acc.log", "--own-numbers", "+1555*", "-q", "-f", "ndjson"]).stdout)
        let unanswered = Set(wire.filter { $0["outcome"] as? String != "answered" }.compactMap { $0["call_id"] as? String })
        #expect(lost.count == 7)
        #expect(Set(lost.compactMap { $0["call_id"] as? String }) == unanswered)
    }

    @Test func usage() throws {
        let help = try CLI.run(["reconcile", "--help"])
        #expect(help.status == 0 && help.stdout.contains("3 when anything disagrees"))
        #expect(try CLI.run(["reconcile", Self.folder + "kamailio.pcap", "--max-skew", "-1"]).status == 64)
        #expect(try CLI.run(["reconcile", Self.folder + "kamailio.pcap", "-f", "svg"]).status == 64)
        let oneSide = try CLI.run(["reconcile", Self.folder + "kamailio.pcap", "-q"])
        #expect(oneSide.status == 64 && oneSide.stderr.contains("at least one capture and one CDR file (got 1 capture(s), 0 CDR file(s))"))
    }
}
