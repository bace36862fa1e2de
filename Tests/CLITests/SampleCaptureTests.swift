import Foundation
import Testing
import TestSupport

/// One bundled capture (or rotated set) and its sidecar of expected calls.
struct SampleCapture: Sendable, CustomTestStringConvertible {
    var sidecar: String
    var inputs: [String]
    var testDescription: String { sidecar }

    /// Every `captures/*.expected.ndjson`, with the capture files it describes: `X.pcap`, or
    /// `X-1.pcap`, `X-2.pcap`, ... for a rotated set read together.
    static func all() -> [SampleCapture] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: TestPaths.captures.path)) ?? []
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
        let expected = try SchemaRecord.decode(String(contentsOf: TestPaths.captures.appendingPathComponent(sample.sidecar), encoding: .utf8))
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


/// The same frames in two inputs (README "Input formats").
/// The decoding pool (`--jobs 2`) against one thread on the transports whose handling four
/// changes touched at once: WebSocket (the sample call through Kamailio) and SCTP split over
/// DATA chunks (the public heplify capture), each beside another capture so the pool is used.
@Suite struct ParallelTransportTests {
    @Test(arguments: [
        ["captures/websocket-call.pcap", "captures/answered-udp.pcap"],
        [Corpus.pcapFile("heplify__sip_sctp.pcap"), "captures/cancel-udp.pcap"],
    ])
    func poolDecidesAsOneThread(inputs: [String]) throws {
        let one = try CLI.run(["calls"] + inputs + ["--format", "ndjson", "--jobs", "1"])
        let two = try CLI.run(["calls"] + inputs + ["--format", "ndjson", "--jobs", "2"])
        #expect(one.status == 0 && two.status == 0)
        #expect(try CLI.ndjson(one.stdout).count >= 2)
        #expect(one.stdout == two.stdout)
        #expect(one.stderr == two.stderr)
        let transports = Set(try CLI.ndjson(one.stdout).compactMap { $0["transport"] as? String })
        #expect(transports.contains(inputs[0].contains("sctp") ? "sctp" : "ws"))
    }
}

@Suite struct DuplicateInputTests {
    /// `captures/two-interfaces/`: one SIPp call captured at once on `lo` (Ethernet) and on `any`
    /// (Linux cooked v2). The same packets as two different frames each (other bytes, and the
    /// kernel stamps each capture on its own, a microsecond or two apart): nothing is dropped, every
    /// message counts on both interfaces, and the decoding pool decides exactly as one thread does.
    @Test func twoInterfacesAreTwoSetsOfFrames() throws {
        let inputs = ["captures/two-interfaces/lo-eth.pcap", "captures/two-interfaces/any-sll2.pcap"]
        let one = try CLI.run(["calls"] + inputs + ["--format", "ndjson", "--jobs", "1"])
        let two = try CLI.run(["calls"] + inputs + ["--format", "ndjson", "--jobs", "2"])
        #expect(one.status == 0 && two.status == 0)
        #expect(one.stdout == two.stdout)
        #expect(one.stderr == two.stderr)
        #expect(!one.stderr.contains("duplicate frames"))
        let record = try #require(try CLI.ndjson(one.stdout).first)
        #expect(try CLI.ndjson(one.stdout).count == 1)
        #expect(record["packets"] as? Int == 14)
        #expect(record["outcome"] as? String == "answered")
    }

    /// A capture given twice (a copy in another folder, same file name) gives what one copy
    /// gives: the same calls, SIP message and retransmission counts (the capture holds one real
    /// INVITE retransmission), with one thread and with the decoding pool; the summary line
    /// counts the dropped frames.
    @Test(arguments: ["1", "2"])
    func captureGivenTwiceIsReadOnce(jobs: String) throws {
        let name = "retransmission-udp.pcap"
        let directory = TemporaryDirectory("callscope")
        defer { directory.remove() }
        var copies: [String] = []
        for folder in ["a", "b"] {
            let target = directory.url.appendingPathComponent(folder)
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: TestPaths.captures.appendingPathComponent(name), to: target.appendingPathComponent(name))
            copies.append(target.appendingPathComponent(name).path)
        }
        let once = try CLI.run(["calls", "captures/" + name, "--format", "ndjson", "--jobs", jobs])
        let twice = try CLI.run(["calls"] + copies + ["--format", "ndjson", "--jobs", jobs])
        #expect(twice.status == 0)
        #expect(!once.stdout.isEmpty)
        #expect(twice.stdout == once.stdout)
        let record = try #require(try CLI.ndjson(twice.stdout).first)
        #expect(record["packets"] as? Int == 8)
        #expect(record["retransmissions"] as? Int == 1)
        // "callscope: 1 input, 76 packets, ..." -> "callscope: 2 inputs, 76 packets (76 duplicate frames of another input dropped), ..."
        let summary = try #require(once.stderr.split(separator: "\n").last)
        let packets = try #require(summary.split(separator: ",").dropFirst().first?.split(separator: " ").first)
        let expected = summary
            .replacingOccurrences(of: "callscope: 1 input, \(packets) packets,", with: "callscope: 2 inputs, \(packets) packets (\(packets) duplicate frames of another input dropped),")
        #expect(twice.stderr == expected + "\n")
    }

    /// Rotated files share Call-IDs, not frames: nothing is dropped, with either path.
    @Test(arguments: ["1", "2"])
    func rotatedFilesStillMerge(jobs: String) throws {
        let result = try CLI.run(["calls", "captures/rotated-1.pcap", "captures/rotated-2.pcap", "--format", "ndjson", "--jobs", jobs])
        #expect(!result.stderr.contains("duplicate"))
        let expected = try SchemaRecord.decode(String(contentsOf: TestPaths.captures.appendingPathComponent("rotated.expected.ndjson"), encoding: .utf8))
        let actual = try SchemaRecord.decode(result.stdout)
        let pick = { (record: SchemaRecord) in SampleCaptureTests.fields.map { record.fields[$0] } }
        #expect(actual.map(pick) == expected.map(pick))
    }
}
