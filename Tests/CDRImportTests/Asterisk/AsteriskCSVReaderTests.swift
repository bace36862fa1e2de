import CallModel
import Foundation
import Testing
@testable import CDRImport

/// One cdr_csv record of the 21-field layout, strings quoted and integers bare as cdr_csv writes them.
func master21(
    src: String = "5551000", dst: String = "600", clid: String = "\"\"\"Alice\"\" <5551000>\"",
    channel: String = "SIP/trunk-00000001", dstchannel: String = "", app: String = "Dial", data: String = "",
    start: String, answer: String = "", end: String, duration: Int, billsec: Int,
    disposition: String = "ANSWERED", uniqueid: String, linkedid: String, sequence: Int = 0
) -> String {
    "\"\",\"\(src)\",\"\(dst)\",\"from-pstn\",\(clid),\"\(channel)\",\"\(dstchannel)\",\"\(app)\",\"\(data)\",\"\(start)\","
        + (answer.isEmpty ? "" : "\"\(answer)\"")
        + ",\"\(end)\",\(duration),\(billsec),\"\(disposition)\",\"DOCUMENTATION\",\"\(uniqueid)\",\"\",\"\",\"\(linkedid)\",\(sequence)\n"
}

@Suite struct AsteriskCSVReaderTests {
    /// An inbound call to a queue answered through a Local channel: the caller's Queue row
    /// (answered at once by the Queue application), the Local ;1 and ;2 halves, all sharing a linkedid.
    static let queueCall =
        master21(dstchannel: "Local/201@from-queue-00000012;1", app: "Queue", data: "support,t,,,60",
                 start: "2024-05-02 10:00:00", answer: "2024-05-02 10:00:00", end: "2024-05-02 10:01:00",
                 duration: 60, billsec: 60, uniqueid: "1714644000.1", linkedid: "1714644000.1")
        + master21(src: "", dst: "201", clid: "\"\"", channel: "Local/201@from-queue-00000012;2", dstchannel: "SIP/201-0000001a",
                   start: "2024-05-02 10:00:05", answer: "2024-05-02 10:00:20", end: "2024-05-02 10:01:00",
                   duration: 55, billsec: 40, uniqueid: "1714644005.3", linkedid: "1714644000.1")
        + master21(dst: "201", channel: "Local/201@from-queue-00000012;1", dstchannel: "",
                   start: "2024-05-02 10:00:05", answer: "2024-05-02 10:00:20", end: "2024-05-02 10:01:00",
                   duration: 55, billsec: 40, uniqueid: "1714644005.2", linkedid: "1714644000.1")

    @Test func localLegsShareTheLinkedidCall() throws {
        let outcome = try readAsterisk(AsteriskCSVReader(), Self.queueCall)
        #expect(outcome.rows == 3)
        #expect(outcome.calls.count == 1)
        let call = try #require(outcome.calls.first)
        #expect(call.callID == "1714644000.1")
        #expect(call.packets == 3)
        #expect(call.legs.map(\.id) == ["1714644000.1", "1714644005.3", "1714644005.2"])
        #expect(call.legs.map(\.destination) == ["Local/201@from-queue-00000012;1", "SIP/201-0000001a", "201"])
        #expect(call.outcome == .answered)
        #expect(call.caller == "5551000")
        #expect(call.dialed == "600")
        #expect(call.queue == "support")
        #expect(call.start == utc("2024-05-02 10:00:00"))
        #expect(call.endedAt == utc("2024-05-02 10:01:00"))
        #expect(call.format == "asterisk-csv")
        #expect(call.direction == nil && call.endedBy == nil)
    }

    /// The answering leg is the ANSWERED row with a dstchannel and the largest billsec: the
    /// Queue row (60 s, Local ;1) wins over the agent's 40 s, so the agent is `201` from the Local channel.
    @Test func answeringLegIsTheLongestAnsweredRowWithADstchannel() throws {
        let call = try #require(try readAsterisk(AsteriskCSVReader(), Self.queueCall).calls.first)
        #expect(call.agent == "201")
    }

    @Test func answeringLegTiesGoToTheEarliest() throws {
        let text =
            master21(dstchannel: "SIP/301-00000004", start: "2024-05-02 10:00:00", answer: "2024-05-02 10:00:04", end: "2024-05-02 10:00:34",
                     duration: 34, billsec: 30, uniqueid: "1.1", linkedid: "1.1")
            + master21(dstchannel: "SIP/302-00000005", start: "2024-05-02 10:00:01", answer: "2024-05-02 10:00:05", end: "2024-05-02 10:00:35",
                       duration: 34, billsec: 30, uniqueid: "1.2", linkedid: "1.1")
            + master21(dstchannel: "SIP/303-00000006", start: "2024-05-02 10:00:02", answer: "2024-05-02 10:00:06", end: "2024-05-02 10:00:26",
                       duration: 24, billsec: 20, uniqueid: "1.3", linkedid: "1.1")
        let call = try #require(try readAsterisk(AsteriskCSVReader(), text).calls.first)
        #expect(call.agent == "301")
        #expect(call.answeredAt == utc("2024-05-02 10:00:04"))
        #expect(call.waitNanoseconds == 4_000_000_000)
    }

    /// answer == start (a Queue picked the call up at once): answered_at = end - billsec of the
    /// answering leg, so wait covers the queue time.
    @Test func answerEqualToStartMeansTheAgentAnsweredAtEndMinusBillsec() throws {
        let text = master21(dstchannel: "SIP/201-0000001a", app: "Queue", data: "sales",
                            start: "2024-05-02 10:00:00", answer: "2024-05-02 10:00:00", end: "2024-05-02 10:01:00",
                            duration: 60, billsec: 40, uniqueid: "2.1", linkedid: "2.1")
        let call = try #require(try readAsterisk(AsteriskCSVReader(), text).calls.first)
        #expect(call.answeredAt == utc("2024-05-02 10:00:20"))
        #expect(call.waitNanoseconds == 20_000_000_000)
        #expect(call.talkTime?.nanoseconds == 40_000_000_000)
        #expect(call.queue == "sales")
        #expect(call.agent == "201")
    }

    /// A caller answered by Playback and never bridged: a system answer, an IVR drop-off.
    @Test func answeredByPlaybackAloneIsAnIVRDropoff() throws {
        let text = master21(app: "Playback", data: "hello", start: "2024-05-02 10:00:00", answer: "2024-05-02 10:00:00",
                            end: "2024-05-02 10:00:30", duration: 30, billsec: 25, uniqueid: "3.1", linkedid: "3.1")
        let call = try #require(try readAsterisk(AsteriskCSVReader(), text).calls.first)
        #expect(call.agent == nil && call.answeredAt == nil)
        #expect(call.outcome == .ivrDropoff)
        #expect(call.systemAnsweredAt == utc("2024-05-02 10:00:00"))
        #expect(call.ivrNanoseconds == 30_000_000_000)
    }

    /// Without any Queue or IVR application, an ANSWERED row with no dstchannel (an AGI that
    /// bridged outside the CDR) stays a person's answer: the longest such row gives it.
    @Test func withoutAnyDstchannelAnAnsweredDialplanRowIsStillAnAnswer() throws {
        let text = master21(app: "AGI", data: "agi://127.0.0.1", start: "2024-05-02 10:00:00", answer: "2024-05-02 10:00:00",
                            end: "2024-05-02 10:00:30", duration: 30, billsec: 25, uniqueid: "3.2", linkedid: "3.2")
        let call = try #require(try readAsterisk(AsteriskCSVReader(), text).calls.first)
        #expect(call.agent == nil && call.outcome == .answered)
        #expect(call.answeredAt == utc("2024-05-02 10:00:05"))
    }

    /// The outcome of an unanswered call is the first row's disposition (the caller's own leg).
    @Test(arguments: [("BUSY", CallOutcome.busy), ("NO ANSWER", .noAnswer), ("FAILED", .rejected),
                      ("CONGESTION", .congestion), ("CANCEL", .abandoned), ("WHATEVER", .unknown)])
    func outcomeFromTheFirstRow(_ disposition: String, _ expected: CallOutcome) throws {
        let text =
            master21(dstchannel: "SIP/302-00000005", start: "2024-05-02 10:00:01", end: "2024-05-02 10:00:21",
                     duration: 20, billsec: 0, disposition: "NO ANSWER", uniqueid: "4.2", linkedid: "4.1")
            + master21(dstchannel: "SIP/301-00000004", start: "2024-05-02 10:00:00", end: "2024-05-02 10:00:20",
                       duration: 20, billsec: 0, disposition: disposition, uniqueid: "4.1", linkedid: "4.1")
        let call = try #require(try readAsterisk(AsteriskCSVReader(), text).calls.first)
        #expect(call.outcome == expected)
        #expect(call.answeredAt == nil)
        #expect(call.agent == nil)
        #expect(call.waitNanoseconds == 21_000_000_000)
        #expect(call.legs.first?.status == disposition)
    }

    /// The caller's row is the originating channel's (uniqueid == linkedid), even when a Local
    /// `;2` row with the same start is written before it; without one, the first by start then
    /// file order.
    @Test func callerRowIsTheOriginatingChannel() throws {
        let text =
            master21(src: "+447700900123", dst: "202", channel: "Local/202@from-queue-00000045;2", dstchannel: "SIP/202-00000046",
                     start: "2026-03-28 22:41:17", end: "2026-03-28 22:41:32", duration: 15, billsec: 0,
                     disposition: "NO ANSWER", uniqueid: "1774737677.56", linkedid: "1774737667.54")
            + master21(src: "+447700900123", dst: "+442079460100", channel: "SIP/siptrunk-00000044", dstchannel: "Local/202@from-queue-00000045;1",
                       app: "Queue", data: "support,t,,,300", start: "2026-03-28 22:41:17", end: "2026-03-28 22:41:40",
                       duration: 23, billsec: 0, disposition: "BUSY", uniqueid: "1774737667.54", linkedid: "1774737667.54")
            // No row of 9.1 is the originating channel's: the first in file order of the earliest start.
            + master21(src: "300", dst: "301", start: "2026-03-28 23:00:00", end: "2026-03-28 23:00:10", duration: 10, billsec: 0,
                       disposition: "NO ANSWER", uniqueid: "9.2", linkedid: "9.1")
            + master21(src: "400", dst: "401", start: "2026-03-28 23:00:00", end: "2026-03-28 23:00:10", duration: 10, billsec: 0,
                       disposition: "BUSY", uniqueid: "9.3", linkedid: "9.1")
        let calls = try readAsterisk(AsteriskCSVReader(), text).calls
        #expect(calls.count == 2)
        let call = try #require(calls.first)
        #expect(call.dialed == "+442079460100")
        #expect(call.outcome == .busy)
        #expect(call.caller == "+447700900123")
        #expect(call.queue == "support")
        #expect(call.start == utc("2026-03-28 22:41:17"))
        #expect(call.endedAt == utc("2026-03-28 22:41:40"))
        #expect(call.legs.map(\.id) == ["1774737677.56", "1774737667.54"])  // file order on the tie
        let other = try #require(calls.last)
        #expect(other.callID == "9.1")
        #expect(other.caller == "300")
        #expect(other.dialed == "301")
        #expect(other.outcome == .noAnswer)
    }

    /// duration and billsec are whole seconds from 0 to 10 years, billsec at most duration (+1 s:
    /// cdr.c rounds billsec half up under `initiatedseconds`); anything else is a bad row, never
    /// wrapped into an end before the start.
    @Test func durationAndBillsecOutOfRangeAreBadRows() throws {
        func row(_ duration: String, _ billsec: String, _ id: String) -> String {
            "\"\",\"100\",\"200\",\"from-internal\",\"\"\"A\"\" <100>\",\"SIP/100-00000001\",\"SIP/200-00000002\",\"Dial\",\"SIP/200\",\"2020-01-01 10:00:00\",\"2020-01-01 10:00:05\",\"\",\(duration),\(billsec),\"ANSWERED\",\"DOCUMENTATION\",\"\(id)\",\"\"\n"
        }
        let text = row("999999999999999999", "999999999999999999", "1.1")
            + row("-5", "0", "1.2")
            + row("10", "-1", "1.3")
            + row("315360001", "0", "1.4")
            + row("10", "315360001", "1.5")
            + row("10", "12", "1.6")
            + row("10", "11", "1.7")  // initiatedseconds rounding
            + row("315360000", "315360000", "1.8")
            + row("315360000", "0", "1.9").replacingOccurrences(of: "2020-01-01 10:00:0", with: "2261-06-01 10:00:0")
        let outcome = try readAsterisk(AsteriskCSVReader(), text)
        #expect(outcome.rows == 9)
        #expect(outcome.badRows == 7)
        #expect(outcome.diagnostics.map(\.description) == [
            "test.csv:1: duration \"999999999999999999\" is not a number of seconds from 0 to 315360000",
            "test.csv:2: duration \"-5\" is not a number of seconds from 0 to 315360000",
            "test.csv:3: billsec \"-1\" is not a number of seconds from 0 to 315360000",
            "test.csv:4: duration \"315360001\" is not a number of seconds from 0 to 315360000",
            "test.csv:5: billsec \"315360001\" is not a number of seconds from 0 to 315360000",
            "test.csv:6: billsec \"12\" is more than duration \"10\"",
            "test.csv:9: start \"2261-06-01 10:00:00\" + duration \"315360000\" is past the last time a timestamp holds (2262-04-11)",
        ])
        #expect(outcome.calls.map(\.callID) == ["1.7", "1.8"])
        let rounded = outcome.calls[0]
        #expect(rounded.endedAt == utc("2020-01-01 10:00:10"))
        #expect(rounded.answeredAt == utc("2020-01-01 10:00:05"))
        let longest = outcome.calls[1]
        #expect(longest.endedAt == Timestamp(nanoseconds: utc("2020-01-01 10:00:00").nanoseconds + 315_360_000 * 1_000_000_000))
        #expect(outcome.calls.allSatisfy { ($0.endedAt ?? $0.start) >= $0.start })
    }

    @Test func callerFromClidWhenSrcIsEmpty() throws {
        let text = master21(src: "", clid: "\"\"\"Alice\"\" <+44 (20) 7946-0000>\"", start: "2024-05-02 10:00:00",
                            end: "2024-05-02 10:00:10", duration: 10, billsec: 0, disposition: "NO ANSWER", uniqueid: "5.1", linkedid: "5.1")
            + master21(src: "", clid: "\"apptel\"", start: "2024-05-02 11:00:00",
                       end: "2024-05-02 11:00:10", duration: 10, billsec: 0, disposition: "NO ANSWER", uniqueid: "5.2", linkedid: "5.2")
        let calls = try readAsterisk(AsteriskCSVReader(), text).calls
        #expect(calls.map(\.caller) == ["+442079460000", nil])
    }

    /// Each record is read by its own field count: 16 (no uniqueid: one call per row), 18 (by
    /// uniqueid), 21 (by linkedid).
    @Test func everyCdrCSVLayout() throws {
        let base = "\"\",\"100\",\"200\",\"internal\",\"\"\"A\"\" <100>\",\"SIP/100-01\",\"SIP/200-02\",\"Dial\",\"SIP/200\",\"2024-05-02 10:00:00\",\"2024-05-02 10:00:03\",\"2024-05-02 10:00:13\",13,10,\"ANSWERED\",\"DOCUMENTATION\""
        let text = base + "\n" + base + "\n" + base + ",\"7.1\",\"\"\n" + base + ",\"7.2\",\"\",\"\",\"7.1\",3\n"
        let outcome = try readAsterisk(AsteriskCSVReader(), text)
        #expect(outcome.badRows == 0)
        #expect(outcome.calls.count == 3)
        #expect(outcome.calls.map(\.callID).sorted() == ["7.1", "test.csv:1", "test.csv:2"])
        #expect(outcome.calls.first { $0.callID == "7.1" }?.legs.map(\.id) == ["7.1", "7.2"])
    }

    @Test func timesAreInTheGivenZone() throws {
        let text = master21(start: "2024-07-01 09:00:00", answer: "2024-07-01 09:00:05", end: "2024-07-01 10:00:05",
                            duration: 3605, billsec: 3600, uniqueid: "8.1", linkedid: "8.1")
        let call = try #require(try readAsterisk(AsteriskCSVReader(), text, timeZone: "Europe/London").calls.first)
        #expect(call.start == utc("2024-07-01 08:00:00"))
        #expect(call.answeredAt == utc("2024-07-01 08:00:05"))
        #expect(call.endedAt == utc("2024-07-01 09:00:05"))
        let moscow = try #require(try readAsterisk(AsteriskCSVReader(), text, timeZone: "+03:00").calls.first)
        #expect(moscow.start == utc("2024-07-01 06:00:00"))
    }

    /// Every kind of bad record is reported with its line and skipped; the good ones still make calls.
    @Test func badRowsAreReportedWithTheirLines() throws {
        let good = master21(start: "2024-05-02 10:00:00", end: "2024-05-02 10:00:10", duration: 10, billsec: 5, uniqueid: "9.1", linkedid: "9.1")
        let text = good
            + "\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\",\"k\",\"l\",\"m\",\"n\",\"o\"\n"
            + master21(start: "2020/2/10 22:41", end: "2024-05-02 10:00:10", duration: 10, billsec: 5, uniqueid: "9.2", linkedid: "9.2")
            + good.replacingOccurrences(of: ",10,5,", with: ",10,5.0,")
            + master21(dst: "9.12678E+11", start: "2024-05-02 10:00:00", end: "2024-05-02 10:00:10", duration: 10, billsec: 5, uniqueid: "9.3", linkedid: "9.3")
            + master21(start: "2024-05-02 10:00:00", answer: "02/05/2024 10:00", end: "2024-05-02 10:00:10", duration: 10, billsec: 5, uniqueid: "9.4", linkedid: "9.4")
            + "\"\",\"100\",\"unterminated\n"
        let outcome = try readAsterisk(AsteriskCSVReader(), text)
        #expect(outcome.rows == 7)
        #expect(outcome.badRows == 6)
        #expect(outcome.calls.count == 1)
        #expect(outcome.diagnostics.map(\.description) == [
            "test.csv:2: 15 fields, expected 16, 17, 18 or 21",
            "test.csv:3: start \"2020/2/10 22:41\" is not YYYY-MM-DD HH:MM:SS",
            "test.csv:4: billsec \"5.0\" is not an integer",
            "test.csv:5: dst \"9.12678E+11\" is in scientific notation (a spreadsheet lost its digits)",
            "test.csv:6: answer \"02/05/2024 10:00\" is not YYYY-MM-DD HH:MM:SS",
            "test.csv:7: unterminated quote: the record runs to the end of the file",
        ])
        #expect(outcome.diagnostics.allSatisfy { $0.severity == .error })
    }

    @Test func strictModeStopsAtTheFirstBadRow() {
        let text = master21(start: "2024-05-02 10:00:00", end: "2024-05-02 10:00:10", duration: 10, billsec: 5, uniqueid: "9.1", linkedid: "9.1")
            + master21(start: "2024-05-02 10:00", end: "2024-05-02 10:00:10", duration: 10, billsec: 5, uniqueid: "9.2", linkedid: "9.2")
        #expect(throws: CDRError(input: "test.csv", line: 2, reason: "start \"2024-05-02 10:00\" is not YYYY-MM-DD HH:MM:SS (--strict: import stopped)")) {
            _ = try readAsterisk(AsteriskCSVReader(), text, strict: true)
        }
    }

    @Test func anEmptyFileOrOneWithoutAGoodRecordThrows() {
        #expect(throws: CDRError(input: "test.csv", reason: "no asterisk-csv records (empty file)")) {
            _ = try readAsterisk(AsteriskCSVReader(), "\n\n")
        }
        #expect(throws: CDRError(input: "test.csv", reason: "none of the 1 records could be read as asterisk-csv (first at line 1: 3 fields, expected 16, 17, 18 or 21)")) {
            _ = try readAsterisk(AsteriskCSVReader(), "a,b,c\n")
        }
    }

    /// The d/m/yyyy form belongs to the FreePBX export only: in Master.csv it is a bad row.
    @Test func dayMonthYearIsNotAcceptedInMasterCSV() throws {
        let text = master21(start: "2/5/2024 10:00:00", end: "2024-05-02 10:00:10", duration: 10, billsec: 5, uniqueid: "9.1", linkedid: "9.1")
            + master21(start: "2024-05-02 10:00:00", end: "2024-05-02 10:00:10", duration: 10, billsec: 5, uniqueid: "9.2", linkedid: "9.2")
        let outcome = try readAsterisk(AsteriskCSVReader(), text)
        #expect(outcome.badRows == 1)
        #expect(outcome.calls.count == 1)
    }

    @Test func callsAreOrderedByStart() throws {
        let text = master21(start: "2024-05-02 11:00:00", end: "2024-05-02 11:00:10", duration: 10, billsec: 5, uniqueid: "b", linkedid: "b")
            + master21(start: "2024-05-02 10:00:00", end: "2024-05-02 10:00:10", duration: 10, billsec: 5, uniqueid: "a", linkedid: "a")
        #expect(try readAsterisk(AsteriskCSVReader(), text).calls.map(\.callID) == ["a", "b"])
    }

    @Test func detection() {
        let good = master21(start: "2024-05-02 10:00:00", end: "2024-05-02 10:00:10", duration: 10, billsec: 5, uniqueid: "1", linkedid: "1")
        #expect(AsteriskCSVReader.detect(CDRSample(bytes: Array((good + good).utf8))) > 50)
        #expect(AsteriskCSVReader.detect(CDRSample(bytes: Array("calldate,src,dst\n".utf8))) < 50)
        #expect(AsteriskCustomReader.detect(CDRSample(bytes: Array(good.utf8))) < 50)
        #expect(AsteriskTableReader.detect(CDRSample(bytes: Array(good.utf8))) < 50)
        #expect(AsteriskSQLReader.detect(CDRSample(bytes: Array(good.utf8))) < 50)
    }
}
