import Foundation
import Testing

/// One bundled capture (or rotated set) and its sidecar of expected calls.
struct SampleCapture: Sendable, CustomTestStringConvertible {
    var sidecar: String
    var inputs: [String]
    var testDescription: String { sidecar }

    /// Every `captures/*.expected.ndjson`, with the capture files it describes: `X.pcap`, or
    /// `X-1.pcap`, `X-2.pcap`, ... for a rotated set read together.
    static func all() -> [SampleCapture] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: CLI.captures.path)) ?? []
        return names.filter { $0.hasSuffix(".expected.ndjson") }.sorted().map { sidecar in
            let stem = String(sidecar.dropLast(".expected.ndjson".count))
            let inputs = names.contains(stem + ".pcap")
                ? [stem + ".pcap"]
                : names.filter { $0.hasPrefix(stem + "-") && $0.hasSuffix(".pcap") }.sorted()
            return SampleCapture(sidecar: sidecar, inputs: inputs)
        }
    }
}

@Suite struct SampleCaptureTests {
    /// The fields of the README schema that every sidecar holds.
    static let fields = [
        "call_id", "source", "start", "caller", "dialed", "diverted_from", "outcome", "final_status",
        "reason_cause", "pdd_ms", "answered_at", "ended_at", "ring_s", "talk_s", "hold_s", "ended_by",
        "packets", "retransmissions", "truncated",
    ]

    @Test func everyRequiredScenarioIsBundled() {
        let all = SampleCapture.all()
        #expect(all.count >= 10)
        #expect(all.allSatisfy { !$0.inputs.isEmpty })
    }

    /// `callscope calls <capture> --format ndjson` gives, call for call and field for field,
    /// what the sidecar (computed from tshark's view of the packets) says.
    @Test(arguments: SampleCapture.all())
    func callsMatchTheSidecar(_ sample: SampleCapture) throws {
        let expected = try SchemaRecord.decode(String(contentsOf: CLI.captures.appendingPathComponent(sample.sidecar), encoding: .utf8))
        let result = try CLI.run(["calls", "--format", "ndjson"] + sample.inputs.map { "captures/" + $0 })
        #expect(result.status == 0)
        #expect(result.stderr.hasSuffix(", 0 errors\n"), "\(result.stderr)")
        let actual = try SchemaRecord.decode(result.stdout)
        try #require(actual.count == expected.count, "calls: \(actual.count), sidecar: \(expected.count)")
        for (call, want) in zip(actual, expected) {
            let got = call.fields, wanted = want.fields
            for field in Self.fields {
                #expect(got[field] == wanted[field], "\(sample.sidecar) \(want.call_id) \(field)")
            }
        }
    }
}

