import CallModel
import Foundation
import Testing
@testable import CDRImport
import TestSupport

/// Mapped CSV rules and mapping-file errors (docs/cdr-formats.md, "Mapped CSV").
@Suite struct MappedCSVReaderTests {
    static func read(_ csv: String, mapping yaml: String, name: String = "export.csv", timeZone: TimeZone = OthersHarness.utc) throws -> OthersHarness.Outcome {
        let directory = TemporaryDirectory("callscope-others")
        defer { directory.remove() }
        let path = try directory.write("mapping.yaml", yaml)
        return OthersHarness.read(MappedCSVReader.self, csv, name: name, timeZone: timeZone, mappingPath: path)
    }

    static let asteriskLike = """
    time_format: "%Y-%m-%d %H:%M:%S"
    columns:
      call_id: uniqueid
      caller: src
      dialed: dst
      agent: dstchannel
      start: calldate
      answer: answer
      end: end
      outcome: disposition
    outcomes:
      ANSWERED: answered
      NO ANSWER: no_answer
      BUSY: busy
      NO: rejected
    """

    @Test func rowsAreReadThroughTheMapping() throws {
        let csv = """
        uniqueid,calldate,answer,end,src,dst,dstchannel,disposition
        1.1,2024-03-01 10:00:00,2024-03-01 10:00:07,2024-03-01 10:02:00,(020) 7946-0000,5000,SIP/201-0000001a,ANSWERED
        1.2,2024-03-01 11:00:00,,2024-03-01 11:00:20,0207,5000,,NO ANSWER
        1.3,2024-03-01 12:00:00,,2024-03-01 12:00:03,0207,5000,,BUSY
        1.4,2024-03-01 13:00:00,,2024-03-01 13:00:03,0207,5000,,NO
        """
        let out = try Self.read(csv, mapping: Self.asteriskLike)
        #expect(out.rows == 4 && out.badRows == 0 && out.error == nil)
        #expect(out.calls.map(\.outcome) == [.answered, .noAnswer, .busy, .rejected])
        let call = try #require(out.calls.first)
        #expect(call.callID == "1.1")
        #expect(call.caller == "02079460000")
        #expect(call.dialed == "5000")
        #expect(call.agent == "201")
        #expect(call.format == "mapped-csv")
        #expect(call.answeredAt == Timestamp(year: 2024, month: 3, day: 1, hour: 10, minute: 0, second: 7))
        #expect(call.waitTime?.seconds3 == "7.000")
        #expect(call.talkTime?.seconds3 == "113.000")
        #expect(out.calls[1].waitTime?.seconds3 == "20.000")
    }

    @Test func rowsSharingACallIDAreOneCall() throws {
        let csv = """
        uniqueid,calldate,answer,end,src,dst,dstchannel,disposition
        7,2024-03-01 10:00:00,,2024-03-01 10:00:10,0207,5000,SIP/201-01,NO ANSWER
        7,2024-03-01 10:00:10,2024-03-01 10:00:15,2024-03-01 10:01:00,0207,5000,SIP/202-02,ANSWERED
        """
        let out = try Self.read(csv, mapping: Self.asteriskLike)
        let call = try #require(out.calls.first)
        #expect(out.calls.count == 1)
        #expect(call.packets == 2)
        #expect(call.outcome == .answered)
        #expect(call.agent == "202")
        #expect(call.legs.map(\.status) == ["NO ANSWER", "ANSWERED"])
    }

    @Test func anOutcomeValueTheMappingDoesNotListIsUnknownWithOneWarning() throws {
        let csv = "uniqueid,calldate,answer,end,src,dst,dstchannel,disposition\n1,2024-03-01 10:00:00,,,1,2,,WEIRD\n2,2024-03-01 10:00:00,,,1,2,,WEIRD\n3,2024-03-01 10:00:00,,,1,2,,busy\n"
        let out = try Self.read(csv, mapping: Self.asteriskLike)
        #expect(out.calls.map(\.outcome) == [.unknown, .unknown, .busy])  // values match case-insensitively
        #expect(out.warnings == ["outcome 'WEIRD' is not listed under outcomes: in mapping.yaml; read as unknown"])
    }

    @Test(arguments: [
        ("%Y-%m-%d %H:%M:%S", "2024-03-01 10:20:30", Timestamp(year: 2024, month: 3, day: 1, hour: 10, minute: 20, second: 30)),
        ("%d/%m/%y %H:%M", "01/03/24 10:20", Timestamp(year: 2024, month: 3, day: 1, hour: 10, minute: 20, second: 0)),
        ("%d/%m/%Y %H:%M:%S", "1/3/2024 9:05:07", Timestamp(year: 2024, month: 3, day: 1, hour: 9, minute: 5, second: 7)),
        ("%m/%d/%y %H.%M.%S", "03/01/99 10.20.30", Timestamp(year: 1999, month: 3, day: 1, hour: 10, minute: 20, second: 30)),
        ("%Y%m%d%H%M%S", "20240301102030", Timestamp(year: 2024, month: 3, day: 1, hour: 10, minute: 20, second: 30)),
        ("epoch", "1709288430", Timestamp(seconds: 1_709_288_430)),
        ("epoch", "1709288430.25", Timestamp(nanoseconds: 1_709_288_430_250_000_000)),
        ("epoch_ms", "1709288430250", Timestamp(nanoseconds: 1_709_288_430_250_000_000)),
    ])
    func eachTimeFormat(format: String, value: String, expected: Timestamp) throws {
        let yaml = "time_format: \"\(format)\"\ncolumns:\n  start: when\n  talk: secs\n"
        let out = try Self.read("when;secs\n\(value);5\n".replacingOccurrences(of: ";", with: ","), mapping: yaml)
        #expect(out.badRows == 0)
        #expect(out.calls.first?.start == expected)
    }

    @Test func theMappingTimezoneWinsOverTheOptionButNotForEpochs() throws {
        let yaml = "time_format: \"%Y-%m-%d %H:%M:%S\"\ntimezone: \"Europe/London\"\ncolumns:\n  start: when\n"
        let out = try Self.read("when\n2024-07-01 10:00:00\n", mapping: yaml, timeZone: TimeZone(identifier: "Asia/Tokyo")!)
        #expect(out.calls.first?.start == Timestamp(year: 2024, month: 7, day: 1, hour: 9, minute: 0, second: 0))
        let plain = try Self.read("when\n2024-07-01 10:00:00\n", mapping: "columns:\n  start: when\n", timeZone: TimeZone(identifier: "Asia/Tokyo")!)
        #expect(plain.calls.first?.start == Timestamp(year: 2024, month: 7, day: 1, hour: 1, minute: 0, second: 0))
        let epoch = try Self.read("when\n1719828000\n", mapping: "time_format: epoch\ntimezone: \"+05:00\"\ncolumns:\n  start: when\n")
        #expect(epoch.calls.first?.start == Timestamp(seconds: 1_719_828_000))
    }

    @Test func withoutAnOutcomeColumnTalkOrAnAnswerTimeMeansAnswered() throws {
        let yaml = """
        delimiter: ";"
        columns:
          start: start
          duration: dur
          talk: talk
          wait: hold
          queue: q
        """
        let csv = "start;dur;talk;hold;q\n2024-03-01 10:00:00;60;45;12;sales\n2024-03-01 11:00:00;30;0;;\n"
        let out = try Self.read(csv, mapping: yaml)
        #expect(out.calls.map(\.outcome) == [.answered, .noAnswer])
        let call = try #require(out.calls.first)
        #expect(call.endedAt == Timestamp(year: 2024, month: 3, day: 1, hour: 10, minute: 1, second: 0))
        #expect(call.answeredAt == Timestamp(year: 2024, month: 3, day: 1, hour: 10, minute: 0, second: 15))
        #expect(call.waitTime?.seconds3 == "12.000")  // the queue's own figure wins
        #expect(call.queue == "sales")
        #expect(call.callID == "export.csv:2")
        #expect(out.calls[1].waitTime?.seconds3 == "30.000")
    }

    @Test(arguments: [
        ("2024-03-01 10:00,5", "start '2024-03-01 10:00' (column when) is not in time_format '%Y-%m-%d %H:%M:%S'"),
        ("2024-03-01 10:00:00,5E+01", "talk '5E+01' (column secs) is in scientific notation: a spreadsheet re-save lost its digits"),
        ("2024-03-01 10:00:00,1.5", "talk '1.5' (column secs) is not a whole number of seconds"),
        (",5", "start (column when) is empty"),
        ("2024-03-01 10:00:00", "1 fields, expected 2 (as in the header)"),
    ])
    func badRowsAreReported(row: String, message: String) throws {
        let out = try Self.read("when,secs\n\(row)\n2024-03-01 10:00:00,5\n", mapping: "columns:\n  start: when\n  talk: secs\n")
        #expect(out.rows == 2 && out.badRows == 1)
        #expect(out.errors == [message])
        #expect(out.diagnostics.first?.line == 2)
        #expect(out.calls.count == 1)
    }

    // MARK: - Errors

    @Test func noMappingIsAnError() {
        let out = OthersHarness.read(MappedCSVReader.self, "a\n1\n", name: "x.csv")
        #expect(out.error?.description == "x.csv: mapped-csv needs --mapping FILE (a YAML file naming the columns, see docs/cdr-formats.md \"Mapped CSV\")")
    }

    @Test func anUnreadableMappingIsAnError() {
        let out = OthersHarness.read(MappedCSVReader.self, "a\n1\n", mappingPath: "/nonexistent/m.yaml")
        #expect(out.error?.input == "/nonexistent/m.yaml")
        #expect(out.error?.reason.hasPrefix("cannot read the mapping file") == true)
    }

    @Test(arguments: [
        ("columns:\n  start: when\n  caller: [a, b\n", 4, "mapping: invalid YAML at column"),
        ("columns:\n  start: when\noutcomes:\n  ANSWERED: answerd\n", 4, "mapping: outcomes: 'ANSWERED' maps to 'answerd', which is not an outcome (answered, busy, no_answer, abandoned, rejected, congestion, redirected, unknown, ivr_dropoff)"),
        ("columns:\n  start: when\n  callee: dst\n", 3, "mapping: unknown field 'callee' under columns (known: call_id, caller, dialed, agent, queue, start, answer, end, duration, talk, wait, outcome)"),
        ("columns:\n  caller: src\n", 1, "mapping: columns.start is required (the header column holding the call start)"),
        ("time_format: \"%d.%m.%Y %I:%M\"\ncolumns:\n  start: when\n", 1, "mapping: time_format '%d.%m.%Y %I:%M': %I is not supported (use %Y %y %m %d %H %M %S, epoch or epoch_ms)"),
        ("timezone: Mars/Olympus\ncolumns:\n  start: when\n", 1, "mapping: timezone 'Mars/Olympus' names no time zone (IANA name, UTC or +hh:mm)"),
        ("timezone: BST\ncolumns:\n  start: when\n", 1, "mapping: timezone: Time zone 'BST' is an abbreviation, which is ambiguous: it may mean Europe/London (British Summer Time), Asia/Dhaka (Bangladesh Standard Time);"),
        ("delimiter: \"ab\"\ncolumns:\n  start: when\n", 1, "mapping: delimiter must be one ASCII character other than a quote or a line break (\"\\t\" for tab)"),
        ("colums:\n  start: when\n", 1, "mapping: unknown key 'colums' (known: delimiter, time_format, timezone, columns, outcomes)"),
        ("- start\n", 1, "mapping: expected a YAML mapping with 'columns:' (see docs/cdr-formats.md, \"Mapped CSV\")"),
    ])
    func invalidMappingsSayWhere(yaml: String, line: Int, message: String) throws {
        let directory = TemporaryDirectory("callscope-others")
        defer { directory.remove() }
        let path = try directory.write("mapping.yaml", yaml)
        let out = OthersHarness.read(MappedCSVReader.self, "when\n2024-03-01 10:00:00\n", mappingPath: path)
        let error = try #require(out.error)
        #expect(error.input == path)
        #expect(error.line == line)
        #expect(error.reason.hasPrefix(message))
    }

    @Test func aMappedColumnMissingFromTheHeaderIsNamed() throws {
        let out = try Self.read("calldate,src\n2024-03-01 10:00:00,1\n", mapping: "columns:\n  start: calldate\n  dialed: dst\n", name: "x.csv")
        #expect(out.error?.description == "x.csv:1: column 'dst' (columns.dialed in mapping.yaml) is not in the header; the header has: calldate, src")
    }

    @Test func detectionNeverPicksMappedCSV() {
        #expect(MappedCSVReader.detect(CDRSample(bytes: Array("calldate,src,dst\n".utf8))) == 0)
    }
}
