import CDRImport
import CallIngest
import CallModel
import Foundation
import Reconciliation
import TestSupport
import Testing

/// The real Kamailio pair (captures/reconcile/: twelve calls through Kamailio, its acc log and
/// the tcpdump capture of the same traffic) and the variants generate.sh plants disagreements
/// in; each `*.expected.json` says, from the plan and not from callscope, what reconcile must find.
@Suite struct ReconcileSampleTests {
    static let directory = TestPaths.captures.appendingPathComponent("reconcile")
    static let samples = ["kamailio", "variant-dropped-row", "variant-missing-call", "variant-skewed", "variant-rounded"]

    struct Expected {
        var capture: String
        var cdr: String
        var matched: Int
        var cdrOnly: [String]
        var wireOnly: [String]
        var mismatches: [String: [String]]
        var clockOffsetSeconds: Double
        var billedTalkSeconds: Double?

        init(_ name: String) throws {
            let data = try Data(contentsOf: ReconcileSampleTests.directory.appendingPathComponent("\(name).expected.json"))
            let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            capture = try #require(object["capture"] as? String)
            cdr = try #require(object["cdr"] as? String)
            matched = try #require(object["matched"] as? Int)
            cdrOnly = try #require(object["cdr_only"] as? [String])
            wireOnly = try #require(object["wire_only"] as? [String])
            mismatches = try #require(object["mismatches"] as? [String: [String]])
            clockOffsetSeconds = try #require(object["clock_offset_s"] as? Double)
            billedTalkSeconds = object["billed_talk_s"] as? Double
        }
    }

    /// The capture's calls and the log's calls, read as `callscope reconcile` reads them.
    static func report(capture: String, cdr: String) -> (ReconcileReport, cdrCalls: [Call], wireCalls: [Call]) {
        let paths = [capture, cdr].map { directory.appendingPathComponent($0).path }
        let collected = CallCollector(options: IngestOptions()).collect(paths) { _ in }
        let isCDR = { (call: Call) in CDRFormat(rawValue: call.format) != nil }
        let cdrCalls = collected.calls.filter(isCDR), wireCalls = collected.calls.filter { !isCDR($0) }
        return (Reconciler.reconcile(cdr: cdrCalls, wire: wireCalls), cdrCalls, wireCalls)
    }

    @Test(arguments: samples)
    func findsWhatWasPlanted(_ name: String) throws {
        let expected = try Expected(name)
        let (report, cdrCalls, wireCalls) = Self.report(capture: expected.capture, cdr: expected.cdr)
        #expect(cdrCalls.count == expected.matched + expected.cdrOnly.count)
        #expect(wireCalls.count == expected.matched + expected.wireOnly.count)
        #expect(report.pairs.count == expected.matched)
        #expect(report.pairs.allSatisfy { $0.method == .callID && $0.cdr.callID == $0.wire.callID })
        #expect(report.cdrOnly.map(\.callID).sorted() == expected.cdrOnly)
        #expect(report.wireOnly.map(\.callID).sorted() == expected.wireOnly)
        #expect(report.cdrOutsideWindow == 0)
        for kind in MismatchKind.allCases {
            let found = report.mismatches(kind).map(\.cdr.callID).sorted()
            #expect(found == (expected.mismatches[kind.rawValue] ?? []), "\(name): \(kind.rawValue)")
        }
        let offset = try #require(report.clockOffset)
        #expect(offset.samples == expected.matched)
        #expect(abs(Double(offset.nanoseconds) / 1e9 - expected.clockOffsetSeconds) < 0.1, "\(name): offset \(offset.nanoseconds) ns")
        if let billed = expected.billedTalkSeconds {
            #expect(Double(report.billedTalkNanoseconds) / 1e9 == billed)
        }
        #expect(report.allAgree == (expected.cdrOnly.isEmpty && expected.wireOnly.isEmpty && expected.mismatches.values.allSatisfy(\.isEmpty)))
    }

    /// Without Call-IDs (the ledger's rewritten as a PBX without them would write its own keys),
    /// the skewed sample still pairs every call by caller, number and time once the offset is
    /// known, and pairs none when the skew is above --max-skew with no offset to remove.
    @Test func pairsByTimeWithoutCallIDs() throws {
        let (_, cdrCalls, wireCalls) = Self.report(capture: "kamailio.pcap", cdr: "variant-skewed-acc.log")
        let anonymous = cdrCalls.enumerated().map { index, call -> Call in
            var copy = call
            copy.callID = "pbx-\(index)"
            return copy
        }
        // Skew 3 s > --max-skew 2 s and no Call-ID match to estimate it from: nothing pairs.
        let lost = Reconciler.reconcile(cdr: anonymous, wire: wireCalls)
        #expect(lost.clockOffset == nil)
        #expect(lost.pairs.isEmpty)
        #expect(lost.wireOnly.count == 12)
        // With a wider --max-skew every call pairs with its own captured call.
        let wide = Reconciler.reconcile(cdr: anonymous, wire: wireCalls, options: ReconcileOptions(maxSkewNanoseconds: 4_000_000_000))
        #expect(wide.pairs.count == 12)
        #expect(wide.pairs.allSatisfy { $0.method == .time && cdrCalls[Int($0.cdr.callID.dropFirst(4)) ?? -1].callID == $0.wire.callID })
    }
}
