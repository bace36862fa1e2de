import CallModel
import Foundation
import Testing
import TestSupport
@testable import CDRImport

/// CDR rows across the repeated hour when London clocks go back (2026-10-25 02:00 BST ->
/// 01:00 GMT): each time is read in the occurrence that fits the row's durations, and a row
/// that no reading makes consistent is a bad row with its file and line. The hand-made files,
/// and the dialplan each stands for, are described in Fixtures/repeated-hour/README.md.
@Suite struct RepeatedHourTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/repeated-hour")
    static let london = TimeZone(identifier: "Europe/London") ?? TimeZone(secondsFromGMT: 0)!

    static func fixture(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
    }

    /// `2026-10-25 HH:MM:SS` UTC.
    static func at(_ time: String) -> Timestamp { utc("2026-10-25 " + time) }

    @Test func bothOccurrencesOfARepeatedTime() throws {
        var converter = LocalTimeConverter(timeZone: Self.london)
        let both = converter.instants(CivilDateTime(year: 2026, month: 10, day: 25, hour: 1, minute: 30, second: 0))
        #expect(both.first == Self.at("00:30:00"))
        #expect(both.second == Self.at("01:30:00"))
        let once = converter.instants(CivilDateTime(year: 2026, month: 10, day: 25, hour: 2, minute: 30, second: 0))
        #expect(!once.isAmbiguous && once.first == Self.at("02:30:00"))
        // Lord Howe Island goes back 30 minutes (02:00 +11 -> 01:30 +10:30): only 01:30-01:59 repeats.
        var lordHowe = LocalTimeConverter(timeZone: try timeZone("Australia/Lord_Howe"))
        #expect(!lordHowe.instants(CivilDateTime(year: 2026, month: 4, day: 5, hour: 1, minute: 15, second: 0)).isAmbiguous)
        let repeated = lordHowe.instants(CivilDateTime(year: 2026, month: 4, day: 5, hour: 1, minute: 45, second: 0))
        #expect(repeated.first.distance(to: repeated.second) == 1_800_000_000_000)
    }

    /// A log written in time order (queue_log) keeps going forward through the repeated hour.
    @Test func logTimesFollowTheRowBefore() {
        var converter = LocalTimeConverter(timeZone: Self.london)
        let civil = CivilDateTime(year: 2026, month: 10, day: 25, hour: 1, minute: 0, second: 10)
        #expect(converter.timestamp(civil, writtenAfter: nil) == Self.at("00:00:10"))
        #expect(converter.timestamp(civil, writtenAfter: Self.at("00:00:05")) == Self.at("00:00:10"))
        #expect(converter.timestamp(civil, writtenAfter: Self.at("00:59:50")) == Self.at("01:00:10"))
    }

    @Test func rowTimesPickTheReadingThatFits() throws {
        var converter = LocalTimeConverter(timeZone: Self.london)
        func local(_ h: Int, _ m: Int, _ s: Int) -> LocalInstants {
            converter.instants(CivilDateTime(year: 2026, month: 10, day: 25, hour: h, minute: m, second: s))
        }
        let crossing = try CDRRowTimes.resolve(start: local(1, 58, 30), answer: local(1, 58, 42), end: local(1, 2, 12), duration: 222, billsec: 210).get()
        #expect(crossing == CDRRowTimes(start: Self.at("00:58:30"), answer: Self.at("00:58:42"), end: Self.at("01:02:12")))
        // Both readings fit: the daylight one, unless a start hint says otherwise.
        let inside = try CDRRowTimes.resolve(start: local(1, 20, 5), end: local(1, 25, 5), duration: 300).get()
        #expect(inside.start == Self.at("00:20:05"))
        let hinted = try CDRRowTimes.resolve(start: local(1, 20, 5), end: local(1, 25, 5), duration: 300, startHint: Self.at("01:20:05")).get()
        #expect(hinted.start == Self.at("01:20:05") && hinted.end == Self.at("01:25:05"))
        #expect(throws: CDRRowTimes.Inconsistency(problem: .endBeforeStart, ambiguous: true)) {
            try CDRRowTimes.resolve(start: local(1, 30, 0), end: local(1, 10, 0), duration: 600).get()
        }
        // Outside any repeated hour only the order and the durations are checked.
        #expect(throws: CDRRowTimes.Inconsistency(problem: .duration(measured: 300, stated: 900), ambiguous: false)) {
            try CDRRowTimes.resolve(start: local(3, 0, 0), end: local(3, 5, 0), duration: 900).get()
        }
        #expect(throws: CDRRowTimes.Inconsistency(problem: .answerAfterEnd, ambiguous: false)) {
            try CDRRowTimes.resolve(start: local(3, 0, 0), answer: local(3, 6, 0), end: local(3, 5, 0)).get()
        }
        // Asterisk's stamps are truncated to the second and billsec may be rounded up: 1 s of slack.
        #expect((try? CDRRowTimes.resolve(start: local(3, 0, 0), answer: local(3, 0, 10), end: local(3, 1, 0), duration: 59, billsec: 51).get()) != nil)
    }

    @Test func asteriskMasterCSV() throws {
        let outcome = try readAsterisk(AsteriskCSVReader(), try Self.fixture("asterisk-Master.csv"), name: "asterisk-Master.csv", timeZone: "Europe/London")
        let calls = Dictionary(uniqueKeysWithValues: outcome.calls.map { ($0.callID, $0) })
        #expect(outcome.rows == 5 && outcome.badRows == 2)
        let crossing = try #require(calls["1792889910.61"])
        #expect(crossing.start == Self.at("00:58:30"))
        #expect(crossing.answeredAt == Self.at("00:58:42"))
        #expect(crossing.endedAt == Self.at("01:02:12"))
        #expect(crossing.talkTime?.nanoseconds == 210_000_000_000)
        let ringsAcross = try #require(calls["1792889990.63"])
        #expect(ringsAcross.answeredAt == Self.at("01:00:15"))
        #expect(ringsAcross.endedAt == Self.at("01:03:15"))
        #expect(ringsAcross.ringTime?.nanoseconds == 25_000_000_000)
        #expect(ringsAcross.talkTime?.nanoseconds == 180_000_000_000)
        let inside = try #require(calls["1792891205.65"])
        #expect(inside.start == Self.at("01:20:05"))
        #expect(inside.endedAt == Self.at("01:25:15"))
        #expect(outcome.diagnostics.map(\.description) == [
            "asterisk-Master.csv:4: end \"2026-10-25 01:10:00\" is before start \"2026-10-25 01:30:00\" (in either occurrence of the repeated hour)",
            "asterisk-Master.csv:5: end - start is 300 s but duration is 900 s",
        ])
    }

    @Test func freeSWITCHCSV() throws {
        let outcome = OthersHarness.read(FreeSWITCHCSVReader.self, try Self.fixture("freeswitch-Master.csv"), path: "freeswitch-Master.csv", timeZone: Self.london)
        #expect(outcome.rows == 2 && outcome.badRows == 1)
        let call = try #require(outcome.calls.first)
        #expect(outcome.calls.count == 1)
        #expect(call.start == Self.at("00:59:00"))
        #expect(call.answeredAt == Self.at("00:59:10"))
        #expect(call.endedAt == Self.at("01:01:10"))
        #expect(call.talkTime?.nanoseconds == 120_000_000_000)
        #expect(outcome.diagnostics.map(\.description) == [
            "freeswitch-Master.csv:2: end_stamp '2026-10-25 01:15:00' is before start_stamp '2026-10-25 01:45:00' (in either occurrence of the repeated hour)",
        ])
    }

    @Test func mappedCSV() throws {
        let mapping = Self.folder.appendingPathComponent("mapped-export.mapping.yaml").path
        let outcome = OthersHarness.read(MappedCSVReader.self, try Self.fixture("mapped-export.csv"), path: "mapped-export.csv", mappingPath: mapping)
        #expect(outcome.rows == 2 && outcome.badRows == 1)
        let call = try #require(outcome.calls.first)
        #expect(outcome.calls.count == 1)
        #expect(call.start == Self.at("00:55:00"))
        #expect(call.answeredAt == Self.at("00:55:30"))
        #expect(call.endedAt == Self.at("01:05:30"))
        #expect(call.talkTime?.nanoseconds == 600_000_000_000)
        #expect(outcome.diagnostics.map(\.description) == [
            "mapped-export.csv:3: end '25/10/2026 01:40:00' (column Ended) is before start '25/10/2026 01:50:00' (column Started) (in either occurrence of the repeated hour)",
        ])
    }

    @Test func queueLogTable() throws {
        let outcome = OthersHarness.read(QueueLogReader.self, try Self.fixture("queue_log-table.csv"), path: "queue_log-table.csv", timeZone: Self.london)
        #expect(outcome.badRows == 0)
        let call = try #require(outcome.calls.first)
        #expect(call.start == Self.at("00:59:50"))
        #expect(call.answeredAt == Self.at("01:00:10"))
        #expect(call.endedAt == Self.at("01:03:10"))
        #expect(call.talkTime?.nanoseconds == 180_000_000_000)
    }

    /// The same events as a mysqldump of the realtime queue_log table, split over two INSERT
    /// statements (as mysqldump's extended inserts are): the file order carries across them.
    @Test func queueLogSQLDump() throws {
        let dump = """
            INSERT INTO `queue_log` VALUES (1,'2026-10-25 01:59:50','1792889990.71','support','NONE','ENTERQUEUE','','+447700900331','1','',''),(2,'2026-10-25 01:00:02','1792889990.71','support','SIP/202','RINGNOANSWER','5000','','','','');
            INSERT INTO `queue_log` VALUES (3,'2026-10-25 01:00:10','1792889990.71','support','SIP/201','CONNECT','20','1792890010.72','3','',''),(4,'2026-10-25 01:03:10','1792889990.71','support','SIP/201','COMPLETECALLER','20','180','1','','');

            """
        let outcome = OthersHarness.read(QueueLogSQLReader.self, dump, name: "queue_log.sql", timeZone: Self.london)
        #expect(outcome.badRows == 0)
        let call = try #require(outcome.calls.first)
        #expect(call.answeredAt == Self.at("01:00:10"))
        #expect(call.endedAt == Self.at("01:03:10"))
    }

    /// Epoch times have no repeated hour, but a CUCM disconnect before the origination is
    /// still a bad row rather than a call with no talk.
    @Test func cucmTimesOutOfOrder() {
        let header = "cdrRecordType,globalCallID_callManagerId,globalCallID_callId,dateTimeOrigination,dateTimeConnect,dateTimeDisconnect,callingPartyNumber,originalCalledPartyNumber,finalCalledPartyNumber,origCause_value,destCause_value,duration\n"
        let text = header
            + "1,1,101,1792897200,1792897210,1792897500,+447700900341,201,201,16,0,290\n"
            + "1,1,102,1792897200,1792897210,1792897100,+447700900342,201,201,16,0,0\n"
        let outcome = OthersHarness.read(CUCMReader.self, text, name: "cdr.csv")
        #expect(outcome.calls.map(\.callID) == ["1-101"])
        #expect(outcome.diagnostics.map(\.description) == [
            "cdr.csv:3: dateTimeDisconnect '1792897100' is before dateTimeOrigination '1792897200'",
        ])
    }
}
