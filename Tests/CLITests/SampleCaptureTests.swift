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
            #expect(Array(wanted.keys).sorted() == Self.fields.sorted())
            for field in Self.fields {
                #expect(got[field] == wanted[field], "\(sample.sidecar) \(want.call_id) \(field)")
            }
        }
    }
}

/// The README schema's fields, typed, so output and sidecar are compared as values
/// (`1.5` equals `1.500`).
struct SchemaRecord: Decodable {
    var call_id: String
    var source: String
    var start: String
    var caller: String?
    var dialed: String?
    var diverted_from: String?
    var outcome: String
    var final_status: Int?
    var reason_cause: Int?
    var pdd_ms: Int?
    var answered_at: String?
    var ended_at: String?
    var ring_s: Double?
    var talk_s: Double?
    var hold_s: Double
    var ended_by: String?
    var packets: Int
    var retransmissions: Int
    var truncated: Bool

    static func decode(_ ndjson: String) throws -> [SchemaRecord] {
        try ndjson.split(separator: "\n").map { try JSONDecoder().decode(SchemaRecord.self, from: Data($0.utf8)) }
    }

    /// Every field as text: durations with three decimals, null as "null".
    var fields: [String: String] {
        func text(_ value: (any CustomStringConvertible)?) -> String { value.map { $0.description } ?? "null" }
        func seconds(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "null" }
        return [
            "call_id": call_id, "source": source, "start": start, "caller": text(caller), "dialed": text(dialed),
            "diverted_from": text(diverted_from), "outcome": outcome, "final_status": text(final_status),
            "reason_cause": text(reason_cause), "pdd_ms": text(pdd_ms), "answered_at": text(answered_at),
            "ended_at": text(ended_at), "ring_s": seconds(ring_s), "talk_s": seconds(talk_s), "hold_s": seconds(hold_s),
            "ended_by": text(ended_by), "packets": text(packets), "retransmissions": text(retransmissions),
            "truncated": text(truncated),
        ]
    }
}
