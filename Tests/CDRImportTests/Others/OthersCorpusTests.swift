import CallModel
import Foundation
import Testing
@testable import CDRImport

/// The public CDR corpus (`shared/corpus/cdr`, see its README): each FreeSWITCH, CUCM and
/// "other" file read by its reader must give exactly the counts of REFERENCE.tsv.
@Suite struct OthersCorpusTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var file: String
        var reader: any CDRReader.Type
        var mapping: String?
        /// data_rows, bad_rows, calls, answered.
        var counts: [Int]
        var testDescription: String { file }
    }

    static let cases: [Case] = [
        Case(file: "freeswitch-csv__freeswitch_samples__Master.csv", reader: FreeSWITCHCSVReader.self, counts: [82, 0, 82, 11]),
        Case(file: "freeswitch-csv__nimatel_freeswitch__Master.csv", reader: FreeSWITCHCSVReader.self, counts: [273, 0, 273, 40]),
        Case(file: "freeswitch-csv__freeswitch_tools__Master.csv", reader: FreeSWITCHCSVReader.self, counts: [10, 10, 0, 0]),
        Case(file: "freeswitch-json__cgrates__fscdr_test-body.cdr.json", reader: FreeSWITCHJSONReader.self, counts: [1, 0, 1, 1]),
        Case(file: "cucm__CISCO_CDR_ANLAYZER__cdr.csv", reader: CUCMReader.self, counts: [3, 0, 3, 3]),
        Case(file: "cucm__CSVUtil-excel__cdr_StandAloneCluster_04_201601141231_120716.csv", reader: CUCMReader.self, counts: [2, 1, 1, 1]),
        Case(file: "cucm__CSVUtil__cdr_StandAloneCluster_04_201601141231_120716.csv", reader: CUCMReader.self, counts: [2, 0, 2, 2]),
        Case(file: "other__cdr-stats__CDRImport-2015-10-26.csv", reader: MappedCSVReader.self, mapping: "cdr-stats.yaml", counts: [5, 0, 5, 5]),
        Case(file: "other__apspoliveira-Asterisk__cdr_new.csv", reader: MappedCSVReader.self, mapping: "report-summary.yaml", counts: [25, 0, 25, 19]),
    ]

    static func read(_ c: Case) throws -> OthersHarness.Outcome {
        let (bytes, path) = try OthersHarness.corpusBytes(c.file)
        let mapping = c.mapping.map(OthersHarness.mapping)
        func run<R: CDRReader>(_ type: R.Type) -> OthersHarness.Outcome {
            OthersHarness.read(type, bytes, path: path, timeZone: OthersHarness.utc, mappingPath: mapping)
        }
        return run(c.reader)
    }

    @Test(arguments: cases)
    func countsMatchTheReference(_ c: Case) throws {
        let reference = try #require(try OthersHarness.reference()[c.file])
        #expect(reference == c.counts, "REFERENCE.tsv changed for \(c.file)")
        let out = try Self.read(c)
        #expect(out.error == nil)
        #expect([out.rows, out.badRows, out.calls.count, out.answered] == c.counts)
        #expect(out.calls.allSatisfy { $0.source == c.file && $0.format == c.reader.format.rawValue })
    }

    @Test func theSpreadsheetResaveOfMasterCSVSaysSo() throws {
        let out = try Self.read(Self.cases[2])
        #expect(out.errors.count == 10)
        #expect(out.errors.allSatisfy { $0.hasPrefix("start_stamp '2020/2/1") && $0.hasSuffix("' is not YYYY-MM-DD HH:MM:SS") })
        #expect(out.warnings == ["no row could be read (all 10 are bad); start stamps such as '2020/2/10 22:41' instead of YYYY-MM-DD HH:MM:SS and no quoted field: the file looks like a spreadsheet re-save of a FreeSWITCH Master.csv (quotes stripped, dates reformatted, seconds lost)"])
    }

    @Test func theExcelCUCMRowNamesTheDamagedField() throws {
        let out = try Self.read(Self.cases[5])
        #expect(out.errors == ["finalCalledPartyNumber '9.12678E+11' is in scientific notation: a spreadsheet re-save lost its digits"])
        #expect(out.diagnostics.first?.line == 3)
    }

    @Test func theCgratesDocumentMapsItsVariables() throws {
        let call = try #require(try Self.read(Self.cases[3]).calls.first)
        #expect(call.callID == "3da8bf84-c133-4959-9e24-e72875cb33a1")
        #expect(call.caller == "1001")
        #expect(call.dialed == "1002")
        #expect(call.start == Timestamp(nanoseconds: 1_515_666_344_534_355_000))
        #expect(call.answeredAt == Timestamp(nanoseconds: 1_515_666_347_954_373_000))
        #expect(call.endedAt == Timestamp(nanoseconds: 1_515_666_415_494_269_000))
        #expect(call.waitTime?.seconds3 == "3.420")
        #expect(call.endedBy == .callee)  // send_bye on the inbound A-leg
        #expect(call.reasonCause == 16)
    }

    @Test func theRealCUCMFileKeepsItsNumbers() throws {
        let out = try Self.read(Self.cases[6])
        let first = try #require(out.calls.first)
        #expect(first.callID == "4-872185")
        #expect(first.caller == "3364605900")
        #expect(first.dialed == "3091")
        #expect(first.agent == "912678498800")
        #expect(first.start == Timestamp(seconds: 1_452_774_590))
        #expect(first.answeredAt == Timestamp(seconds: 1_452_774_642))
    }

    @Test func theReportSummaryReadsDayFirstDatesInLisbonTime() throws {
        let out = try Self.read(Self.cases[8])
        let first = try #require(out.calls.first)
        // 24/08/17 09:32 WEST (UTC+1), 20 s, NO ANSWER.
        #expect(first.start == Timestamp(year: 2017, month: 8, day: 24, hour: 8, minute: 32, second: 0))
        #expect(first.outcome == .noAnswer)
        #expect(first.caller == "41000")
        #expect(first.endedAt == Timestamp(year: 2017, month: 8, day: 24, hour: 8, minute: 32, second: 20))
        #expect(out.calls.filter { $0.outcome == .busy }.count == 2)
    }

    /// Every reader survives every corpus file cut at many points, with bytes flipped: bad
    /// rows or errors, never a trap.
    @Test(arguments: [0, 1, 7, 100, 1000, 4096])
    func readersNeverTrapOnDamagedInput(seed: Int) throws {
        let corpus = try OthersHarness.corpus()
        let mapping = OthersHarness.mapping("report-summary.yaml")
        let files = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter { $0.contains("__") }
        for file in files {
            var bytes = Array(try Data(contentsOf: corpus.appendingPathComponent(file)))
            guard !bytes.isEmpty else { continue }
            let cut = seed == 0 ? bytes.count : (bytes.count * (seed % 97 + 1)) / 98
            bytes = Array(bytes.prefix(cut))
            if seed > 1, !bytes.isEmpty {
                for k in stride(from: seed % bytes.count, to: bytes.count, by: max(1, seed / 3)) {
                    bytes[k] = [0x22, 0x2C, 0x0A, 0x7B, 0x7D, 0x5C, 0x0D, 0x45][k % 8]
                }
            }
            _ = OthersHarness.read(FreeSWITCHCSVReader.self, bytes, path: file)
            _ = OthersHarness.read(FreeSWITCHJSONReader.self, bytes, path: file)
            _ = OthersHarness.read(CUCMReader.self, bytes, path: file)
            _ = OthersHarness.read(MappedCSVReader.self, bytes, path: file, mappingPath: mapping)
        }
    }

    // MARK: - Detection

    static let ownFiles: [String: any CDRReader.Type] = [
        "freeswitch-csv__": FreeSWITCHCSVReader.self,
        "freeswitch-json__": FreeSWITCHJSONReader.self,
        "cucm__": CUCMReader.self,
    ]

    @Test func eachReaderDetectsItsOwnFilesAndNoOthers() throws {
        let corpus = try OthersHarness.corpus()
        let files = try FileManager.default.contentsOfDirectory(atPath: corpus.path)
            .filter { !$0.hasSuffix(".tsv") && !$0.hasSuffix(".md") && !$0.hasSuffix(".py") }.sorted()
        #expect(files.count == 18)
        for file in files {
            let sample = CDRSample(bytes: Array(try Data(contentsOf: corpus.appendingPathComponent(file)).prefix(65_536)))
            for (prefix, reader) in Self.ownFiles {
                let score = reader.detect(sample)
                if file.hasPrefix(prefix) {
                    #expect(score > 50, "\(reader) on its own \(file): \(score)")
                } else {
                    #expect(score < 50, "\(reader) on \(file): \(score)")
                }
            }
            #expect(MappedCSVReader.detect(sample) == 0)
        }
    }
}
