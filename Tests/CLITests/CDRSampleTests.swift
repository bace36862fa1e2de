import Foundation
import Testing
import TestSupport

/// One bundled CDR sample (or set read together) and its sidecar of expected calls.
struct CDRSample: Sendable, CustomTestStringConvertible {
    var sidecar: String
    var inputs: [String]
    var testDescription: String { sidecar }

    static let folder = TestPaths.root.appendingPathComponent("cdr-samples")

    /// Every `cdr-samples/*.expected.ndjson` with the inputs it describes: `X.csv`, `X.json`,
    /// the file `X`, the folder `X/`, or `A+B` for files read in one run.
    static func all() -> [CDRSample] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".expected.ndjson") }.sorted().map { sidecar in
            let stem = String(sidecar.dropLast(".expected.ndjson".count))
            let inputs = stem.split(separator: "+").map { part -> String in
                let part = String(part)
                for candidate in [part + ".csv", part + ".json", part] where names.contains(candidate) { return "cdr-samples/" + candidate }
                return "cdr-samples/" + part + ".csv"
            }
            return CDRSample(sidecar: sidecar, inputs: inputs)
        }
    }
}

@Suite struct CDRSampleTests {
    @Test func everyFormatHasASample() {
        let inputs = Set(CDRSample.all().flatMap(\.inputs).map { $0.replacingOccurrences(of: "cdr-samples/", with: "") })
        #expect(inputs == [
            "asterisk-master.csv", "asterisk-queue_log", "asterisk-master-bad.csv", "freeswitch-master.csv",
            "freeswitch-json", "cucm-cdr.csv", "generic-export.csv",
        ])
    }

    /// `callscope calls <sample> --format ndjson --timezone Europe/London` gives, call for call
    /// and field for field, the sidecar (the generator's ground truth under docs/cdr-formats.md).
    @Test(arguments: CDRSample.all())
    func callsMatchTheSidecar(_ sample: CDRSample) throws {
        let expected = try SchemaRecord.decode(String(contentsOf: CDRSample.folder.appendingPathComponent(sample.sidecar), encoding: .utf8))
        let result = try CLI.run(["calls", "--format", "ndjson", "--timezone", "Europe/London"] + sample.inputs)
        #expect(result.status == 0, "\(result.stderr)")
        let actual = try SchemaRecord.decode(result.stdout)
        try #require(actual.count == expected.count, "calls: \(actual.count), sidecar: \(expected.count)")
        for (call, want) in zip(actual, expected) {
            let got = call.fields, wanted = want.fields
            for field in SchemaRecord.fieldNames {
                #expect(got[field] == wanted[field], "\(sample.sidecar) \(want.call_id) \(field)")
            }
        }
    }

    /// The spreadsheet-damaged sample: each bad row reported at its line, the good rows kept.
    @Test func badRowsAreReportedWithTheirLines() throws {
        let listing = try String(contentsOf: CDRSample.folder.appendingPathComponent("asterisk-master-bad.expected-errors.txt"), encoding: .utf8)
        let expectedLines = listing.split(separator: "\n").compactMap { line -> (Int, String)? in
            let parts = line.split(separator: ":", maxSplits: 2).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 3, let number = Int(parts[1]) else { return nil }
            return (number, parts[2])
        }
        let result = try CLI.run(["calls", "cdr-samples/asterisk-master-bad.csv", "--format", "csv", "--timezone", "Europe/London"])
        #expect(result.status == 0)
        let errors = result.stderr.split(separator: "\n").filter { $0.hasPrefix("callscope: cdr-samples/asterisk-master-bad.csv:") }
        #expect(errors.count == expectedLines.count, "\(result.stderr)")
        for (line, keyword) in expectedLines {
            let prefix = "callscope: cdr-samples/asterisk-master-bad.csv:\(line): "
            let match = errors.first { $0.hasPrefix(prefix) }
            #expect(match != nil, "no error for line \(line)")
            // The sidecar names the fault; the reader words it for people.
            let phrase = ["field count": "fields, expected", "scientific notation": "scientific notation",
                          "date": "is not YYYY-MM-DD HH:MM:SS", "unterminated quote": "unterminated quote"][keyword] ?? keyword
            #expect(match?.contains(phrase) == true, "line \(line): \(match ?? "-") should mention \(phrase)")
        }
        #expect(result.stderr.contains("(\(expectedLines.count) bad)"))
    }

    /// --strict stops the file at its first bad row, and the file counts as unreadable.
    @Test func strictStopsAtTheFirstBadRow() throws {
        let result = try CLI.run(["calls", "cdr-samples/asterisk-master-bad.csv", "--strict", "--timezone", "UTC"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("(--strict: import stopped)"))
        // The bad row is printed once (it was printed as a skipped row, then again as the stop).
        #expect(result.stderr.components(separatedBy: "asterisk-master-bad.csv:2:").count - 1 == 1, "\(result.stderr)")
        #expect(result.stderr.contains("1 error"), "\(result.stderr)")
    }
}

