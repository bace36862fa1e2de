import CallModel
import Foundation
import Testing
@testable import CDRImport
import TestSupport

/// The Asterisk-family files of the public corpus (`shared/corpus/cdr`, see its README) read
/// with the reader for their format, checked against the counts of REFERENCE.tsv.
@Suite(.enabled(if: Corpus.hasCDR, "shared/corpus/cdr not found"))
struct AsteriskCorpusTests {
    enum Reader: String, Sendable, CaseIterable {
        case csv, custom, table, sql

        func read(_ bytes: [UInt8], name: String, timeZone: String) throws(CDRError) -> AsteriskReadOutcome {
            switch self {
            case .csv: try readAsterisk(AsteriskCSVReader(), bytes, name: name, timeZone: timeZone)
            case .custom: try readAsterisk(AsteriskCustomReader(), bytes, name: name, timeZone: timeZone)
            case .table: try readAsterisk(AsteriskTableReader(), bytes, name: name, timeZone: timeZone)
            case .sql: try readAsterisk(AsteriskSQLReader(), bytes, name: name, timeZone: timeZone)
            }
        }

        var format: CDRFormat {
            switch self {
            case .csv: AsteriskCSVReader.format
            case .custom: AsteriskCustomReader.format
            case .table: AsteriskTableReader.format
            case .sql: AsteriskSQLReader.format
            }
        }

        func detect(_ sample: CDRSample) -> Int {
            switch self {
            case .csv: AsteriskCSVReader.detect(sample)
            case .custom: AsteriskCustomReader.detect(sample)
            case .table: AsteriskTableReader.detect(sample)
            case .sql: AsteriskSQLReader.detect(sample)
            }
        }
    }

    /// File, reader, and the zone of its wall-clock times (corpus README, "Files").
    static let files: [(file: String, reader: Reader, zone: String)] = [
        ("asterisk-csv-custom__KelySaina-cdr__Master.csv", .custom, "+03:00"),
        ("asterisk-csv__TelephonySwitching__Master.csv", .csv, "UTC"),
        ("asterisk-csv__dj-asterisk-cdr__Master.csv", .csv, "UTC"),
        ("asterisk-db__apspoliveira-Asterisk__cdr.csv", .table, "+01:00"),
        ("asterisk-db__voipreports1__cdr.csv", .table, "-05:00"),
        ("asterisk-sql__MalariaPBX__baseAsterisk-cdr.sql", .sql, "UTC"),
        ("freepbx-csv__apspoliveira-Asterisk__cdr__1504542198ucoip.g9telecom.pt.csv", .table, "+01:00"),
    ]

    /// Files of other formats that no Asterisk reader may claim.
    static let foreign = [
        "freeswitch-csv__freeswitch_samples__Master.csv",
        "freeswitch-csv__freeswitch_tools__Master.csv",
        "cucm__CSVUtil__cdr_StandAloneCluster_04_201601141231_120716.csv",
        "cucm__CISCO_CDR_ANLAYZER__cdr.csv",
        "queue-log__voipreports1__queue_log.csv",
        "queue-log-sql__MalariaPBX__baseAsterisk-queue_log.sql",
        "other__apspoliveira-Asterisk__cdr_new.csv",
        "other__cdr-stats__CDRImport-2015-10-26.csv",
    ]

    /// Calls a person answered (README "Known, checked differences"): the rest of the
    /// reference's answered calls were answered by an IVR, `Queue()` or voicemail only.
    static let personAnswered = [
        "asterisk-csv__TelephonySwitching__Master.csv": 12, "asterisk-csv__dj-asterisk-cdr__Master.csv": 24,
        "asterisk-db__apspoliveira-Asterisk__cdr.csv": 465, "asterisk-sql__MalariaPBX__baseAsterisk-cdr.sql": 6,
        "freepbx-csv__apspoliveira-Asterisk__cdr__1504542198ucoip.g9telecom.pt.csv": 74, "asterisk-db__voipreports1__cdr.csv": 450,
    ]

    @Test(arguments: files.map(\.file))
    func countsMatchTheReference(_ file: String) throws {
        let entry = try #require(Self.files.first { $0.file == file })
        let bytes = try #require(Corpus.cdrBytes(file))
        let reference = try #require(Corpus.reference(in: Corpus.cdr).first { $0["file"] == file })
        let outcome = try entry.reader.read(bytes, name: file, timeZone: entry.zone)
        #expect(outcome.rows == Int(reference["data_rows"] ?? ""))
        #expect(outcome.badRows == Int(reference["bad_rows"] ?? ""))
        #expect(outcome.calls.count == Int(reference["calls"] ?? ""))
        // The reference counts calls with an ANSWERED row; a call only an IVR, queue or
        // voicemail answered is `system_answered_at` with another outcome (README "Outcomes").
        let anyAnswer = outcome.calls.filter { $0.outcome == .answered || $0.systemAnsweredAt != nil }.count
        #expect(anyAnswer == Int(reference["answered"] ?? ""))
        #expect(Self.personAnswered[file].map { $0 == outcome.answered } ?? true, "\(file): \(outcome.answered) answered by a person")
        #expect(outcome.calls.allSatisfy { $0.format == entry.reader.format.rawValue && $0.source == file })
    }

    @Test(arguments: files.map(\.file))
    func eachReaderClaimsOnlyItsOwnFiles(_ file: String) throws {
        let entry = try #require(Self.files.first { $0.file == file })
        let sample = try #require(Corpus.cdrBytes(file).map(CDRSample.init(bytes:)))
        for reader in Reader.allCases {
            let score = reader.detect(sample)
            if reader == entry.reader {
                #expect(score > 50, "\(reader) on its own \(file): \(score)")
            } else {
                #expect(score < 50, "\(reader) on \(file): \(score)")
            }
        }
    }

    @Test(arguments: foreign)
    func noReaderClaimsOtherFormats(_ file: String) throws {
        let sample = try #require(Corpus.cdrBytes(file).map(CDRSample.init(bytes:)))
        for reader in Reader.allCases {
            #expect(reader.detect(sample) < 50, "\(reader) on \(file)")
        }
    }

    /// The custom template's first call, in UTC+3: `2023-07-26 01:51:32` is 22:51:32Z the day before.
    @Test func customTimesAreInTheGivenZone() throws {
        let file = "asterisk-csv-custom__KelySaina-cdr__Master.csv"
        let outcome = try Reader.custom.read(try #require(Corpus.cdrBytes(file)), name: file, timeZone: "+03:00")
        let call = try #require(outcome.calls.first { $0.callID == "1690325492.2" })
        #expect(call.start == utc("2023-07-25 22:51:32"))
        #expect(call.answeredAt == utc("2023-07-25 22:51:50"))
        #expect(call.endedAt == utc("2023-07-25 22:52:04"))
        #expect(call.caller == "client1")
        #expect(call.dialed == "6789")
        #expect(call.agent == "client2")
    }

    /// The 25-field FreePBX export: `1/9/2017 16:33:01` in UTC+1, no answer/end columns.
    @Test func freePBXExportWithoutHeader() throws {
        let file = "asterisk-db__apspoliveira-Asterisk__cdr.csv"
        let outcome = try Reader.table.read(try #require(Corpus.cdrBytes(file)), name: file, timeZone: "+01:00")
        let call = try #require(outcome.calls.first { $0.callID == "1504279981.1" })
        #expect(call.start == utc("2017-09-01 15:33:01"))
        #expect(call.endedAt == utc("2017-09-01 15:33:28"))
        // *60, the speaking clock: a Playback answered, nobody else (an IVR drop-off).
        #expect(call.outcome == .ivrDropoff && call.answeredAt == nil)
        #expect(call.systemAnsweredAt == utc("2017-09-01 15:33:01"))
        #expect(call.caller == "105")
        #expect(call.dialed == "*60")
    }

    /// The multi-tenant export: `did` is the dialled number, clid quotes are not doubled.
    @Test func voipreportsDidAndClid() throws {
        let file = "asterisk-db__voipreports1__cdr.csv"
        let outcome = try Reader.table.read(try #require(Corpus.cdrBytes(file)), name: file, timeZone: "-05:00")
        let first = try #require(outcome.calls.first { $0.callID == "1543540774.0" })
        #expect(first.start == utc("2018-11-30 01:19:34"))
        #expect(first.caller == "1115")
        #expect(first.dialed == "2415065134")
        #expect(first.endedAt == utc("2018-11-30 01:20:11"))
        // answered_at = end - billsec.
        #expect(first.answeredAt == utc("2018-11-30 01:19:39"))
        #expect(outcome.calls.contains { $0.queue != nil })
    }

    /// The SQL dump: queue from lastdata, `\"` escapes, NULL dstchannel.
    @Test func malariaSQLQueueCalls() throws {
        let file = "asterisk-sql__MalariaPBX__baseAsterisk-cdr.sql"
        let outcome = try Reader.sql.read(try #require(Corpus.cdrBytes(file)), name: file, timeZone: "UTC")
        let call = try #require(outcome.calls.first { $0.callID == "1675555752.0" })
        #expect(call.queue == "Support")
        #expect(call.agent == "400")
        #expect(call.caller == "200")
        #expect(call.dialed == "1000")
        #expect(call.outcome == .answered)
        #expect(outcome.diagnostics.isEmpty)
        let busy = try #require(outcome.calls.first { $0.callID == "1675710684.7" })
        #expect(busy.outcome == .busy)
        #expect(busy.answeredAt == nil)
    }
}
