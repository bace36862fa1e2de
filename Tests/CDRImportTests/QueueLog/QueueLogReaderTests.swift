import CallModel
import Foundation
import Testing
@testable import CDRImport

/// Stock queue_log text, one rule of docs/cdr-formats.md ("Asterisk queue_log") per test.
@Suite struct QueueLogEventTests {
    private func t(_ seconds: Int64) -> Timestamp { Timestamp(seconds: seconds) }

    @Test func answeredCallTakesHoldtimeAsWaitAndCallerEnds() throws {
        let run = try QueueLogRun.read(QueueLogReader.self, """
            1700000000|1700000000.1|sales|NONE|ENTERQUEUE||+1 (555) 123-4567|1
            1700000003|1700000000.1|sales|SIP/201-00000001|RINGNOANSWER|3000
            1700000008|1700000000.1|sales|SIP/202-0000001a|CONNECT|7|1700000004.2|2
            1700000068|1700000000.1|sales|SIP/202-0000001a|COMPLETECALLER|7|60|1

            """)
        #expect(run.rows == 4 && run.badRows == 0)
        let call = try #require(run.calls.first)
        #expect(run.calls.count == 1)
        #expect(call.callID == "1700000000.1")
        #expect(call.source == "queue_log" && call.format == "queue-log")
        #expect(call.start == t(1_700_000_000))
        #expect(call.caller == "+15551234567")
        #expect(call.dialed == nil)
        #expect(call.queue == "sales")
        #expect(call.outcome == .answered)
        #expect(call.answeredAt == t(1_700_000_008))
        #expect(call.agent == "202")
        #expect(call.waitNanoseconds == 7_000_000_000)  // holdtime, not answered_at - start (8 s)
        #expect(call.endedAt == t(1_700_000_068))
        #expect(call.endedBy == .caller)
        #expect(call.talkTime?.seconds3 == "60.000")
        #expect(call.packets == 4)
        #expect(!call.truncated)
        #expect(call.legs.map(\.status) == ["RINGNOANSWER", "CONNECT", "COMPLETECALLER"])
        let connect = call.legs[1]
        #expect(connect.id == "1700000004.2")
        #expect(connect.answered && connect.destination == "202")
        #expect(connect.start == t(1_700_000_006) && connect.answeredAt == t(1_700_000_008) && connect.endedAt == t(1_700_000_068))
    }

    @Test func completeAgentEndsByCallee() throws {
        let run = try QueueLogRun.read(QueueLogReader.self, """
            1700000000|c1|support|NONE|ENTERQUEUE||200|1
            1700000004|c1|support|Agent/1001|CONNECT|4|c1-agent|1
            1700000010|c1|support|Agent/1001|COMPLETEAGENT|4|6|1
            """)
        let call = try #require(run.calls.first)
        #expect(call.endedBy == .callee && call.endedAt == t(1_700_000_010) && call.agent == "1001")
    }

    @Test func transferEndsTheAgentsPart() throws {
        let run = try QueueLogRun.read(QueueLogReader.self, """
            1700000000|c1|support|NONE|ENTERQUEUE||200|1
            1700000004|c1|support|PJSIP/400|CONNECT|4|c1-agent|1
            1700000030|c1|support|PJSIP/400|BLINDTRANSFER|500|from-internal|4|26|1
            """)
        let call = try #require(run.calls.first)
        #expect(call.outcome == .answered && call.endedBy == .callee && call.endedAt == t(1_700_000_030))
        #expect(call.legs.last?.status == "BLINDTRANSFER")
    }

    @Test(arguments: [
        ("ABANDON|1|1|12", CallOutcome.abandoned, CallParty.caller as CallParty?, Int64(12)),
        ("EXITWITHTIMEOUT|2|1|12", .noAnswer, nil, 12),
        ("EXITEMPTY|1|1|12", .congestion, nil, 12),
        ("EXITWITHKEY|5|1|1|12", .abandoned, .caller, 12),  // the caller pressed a key to leave
    ])
    func unansweredExitsTakeTheQueueWaitTime(_ event: String, _ outcome: CallOutcome, _ endedBy: CallParty?, _ wait: Int64) throws {
        let run = try QueueLogRun.read(QueueLogReader.self, """
            1700000000|c9|sales|NONE|ENTERQUEUE||5550100|1
            1700000015|c9|sales|NONE|\(event)
            """)
        let call = try #require(run.calls.first)
        #expect(call.outcome == outcome)
        #expect(call.endedBy == endedBy)
        #expect(call.endedAt == t(1_700_000_015))
        #expect(call.waitNanoseconds == wait * 1_000_000_000)  // the queue's figure, not the 15 s between records
        #expect(call.answeredAt == nil && call.agent == nil && !call.truncated)
    }

    @Test func ringLegsPerAgentRungAreNotTheOutcome() throws {
        let run = try QueueLogRun.read(QueueLogReader.self, """
            1700000000|c2|sales|NONE|ENTERQUEUE||5550100|1
            1700000015|c2|sales|SIP/201-00000001|RINGNOANSWER|15000
            1700000020|c2|sales|Local/202@from-queue-00000012;1|RINGCANCELED|4500
            1700000020|c2|sales|NONE|ABANDON|1|1|20
            """)
        let call = try #require(run.calls.first)
        #expect(call.outcome == .abandoned)
        let rings = call.legs.filter { $0.status.hasPrefix("RING") }
        #expect(rings.map(\.status) == ["RINGNOANSWER", "RINGCANCELED"])
        #expect(rings.map(\.destination) == ["201", "202"])
        #expect(rings.allSatisfy { !$0.answered })
        #expect(rings[0].start == t(1_700_000_000) && rings[0].endedAt == t(1_700_000_015))
        #expect(rings[1].start == Timestamp(nanoseconds: 1_700_000_015_500_000_000))
    }

    @Test func agentEventsAreCollectedAndSystemEventsOnlyCounted() throws {
        let run = try QueueLogRun.read(QueueLogReader.self, """
            1700000000|NONE|NONE|NONE|QUEUESTART|
            1700000001|NONE|NONE|NONE|CONFIGRELOAD|
            1700000002|NONE|sales|Local/201@from-queue/n|ADDMEMBER|
            1700000003|NONE|NONE|Agent/1001|AGENTLOGIN|SIP/1001-0000000a
            1700000004|NONE|sales|SIP/201|PAUSE|lunch
            1700000005|NONE|sales|SIP/201|UNPAUSE|
            1700000006|1700000006.5|NONE|Agent/1001|OUTDIAL|5550199
            """)
        #expect(run.rows == 7 && run.badRows == 0)
        #expect(run.calls.isEmpty)
        #expect(run.diagnostics.isEmpty)
        let events = run.result.agentEvents
        #expect(events.map(\.event) == ["ADDMEMBER", "AGENTLOGIN", "PAUSE", "UNPAUSE"])
        #expect(events.map(\.agent) == ["201", "1001", "201", "201"])
        #expect(events.map(\.queue) == ["sales", nil, "sales", "sales"])
        #expect(events[2].data == ["lunch"] && events[3].data == [])
        #expect(events[1].time == t(1_700_000_003))
    }

    @Test func callidWithoutOutcomeIsUnknownAndTruncated() throws {
        let run = try QueueLogRun.read(QueueLogReader.self, """
            1700000000|c3|sales|NONE|ENTERQUEUE||5550100|1
            1700000010|c3|sales|SIP/201|RINGNOANSWER|10000
            """)
        let call = try #require(run.calls.first)
        #expect(call.outcome == .unknown && call.truncated)
        #expect(call.endedAt == nil && call.waitNanoseconds == nil)
    }

    @Test func answeredButNeverCompletedIsTruncated() throws {
        let run = try QueueLogRun.read(QueueLogReader.self, """
            1700000000|c3|sales|NONE|ENTERQUEUE||5550100|1
            1700000004|c3|sales|SIP/201|CONNECT|4|c3b|1
            """)
        let call = try #require(run.calls.first)
        #expect(call.outcome == .answered && call.truncated && call.endedAt == nil)
    }

    @Test func eventsWithoutEnterQueueAreNotCallsAndWarnedOncePerFile() throws {
        let run = try QueueLogRun.read(QueueLogReader.self, """
            1700000004|lost|sales|SIP/201|CONNECT|4|x|1
            1700000010|lost|sales|SIP/201|COMPLETEAGENT|4|6|1
            1700000011|lost2|sales|NONE|ABANDON|1|1|9
            1700000012|out1|NONE|Agent/1001|OUTDIAL|5550199
            """)
        #expect(run.calls.isEmpty && run.rows == 4 && run.badRows == 0)
        // Agent outbound callids (OUT* only) are not calls cut by the log's start: not counted.
        #expect(run.diagnostics.map(\.severity) == [.warning])
        #expect(run.diagnostics.first?.message == "2 callids have events but no ENTERQUEUE (the log starts in the middle of their calls); they are not counted as calls")
    }

    /// /tmp/rev3/rot.log: a log rotated during c9's call.
    @Test func rotatedLogCountsTheCompleteCallsOnly() throws {
        let run = try QueueLogRun.read(QueueLogReader.self, """
            1600000005|c9|support|SIP/201|CONNECT|5|c9.1|2
            1600000100|c9|support|SIP/201|COMPLETECALLER|5|95|1
            1600000200|c10|support|NONE|ENTERQUEUE||100|1
            1600000210|c10|support|NONE|ABANDON|1|1|10
            """)
        #expect(run.calls.map(\.callID) == ["c10"] && run.rows == 4 && run.badRows == 0)
        #expect(run.diagnostics.map(\.message) == ["1 callid has events but no ENTERQUEUE (the log starts in the middle of their calls); they are not counted as calls"])
    }

    /// /tmp/rev3/rq.log: c11 timed out of `support` after 60 s, entered `overflow` and was
    /// answered there after 10 more seconds: it waited 71 s, not overflow's holdtime of 10.
    @Test func requeuedCallWaitsFromTheFirstEnterQueue() throws {
        let run = try QueueLogRun.read(QueueLogReader.self, """
            1600000200|c11|support|NONE|ENTERQUEUE||100|1
            1600000260|c11|support|NONE|EXITWITHTIMEOUT|1|1|60
            1600000261|c11|overflow|NONE|ENTERQUEUE||100|1
            1600000271|c11|overflow|SIP/301|CONNECT|10|c11.5|3
            1600000371|c11|overflow|SIP/301|COMPLETEAGENT|10|100|1
            1600000400|c12|support|NONE|ENTERQUEUE||100|1
            1600000405|c12|support|NONE|EXITWITHKEY|5|1|1|5
            """)
        #expect(run.rows == 7 && run.badRows == 0 && run.diagnostics.isEmpty)
        #expect(run.calls.count == 2)
        let c11 = run.calls[0]
        #expect(c11.callID == "c11" && c11.start == t(1_600_000_200) && c11.caller == "100")
        #expect(c11.outcome == .answered && c11.answeredAt == t(1_600_000_271) && c11.agent == "301")
        #expect(c11.waitNanoseconds == 71_000_000_000)
        #expect(c11.queue == "overflow")
        #expect(c11.endedAt == t(1_600_000_371) && c11.endedBy == .callee && !c11.truncated)
        #expect(c11.packets == 5)
        // One ENTERQUEUE: the queue's own waittime; EXITWITHKEY ends by the caller.
        let c12 = run.calls[1]
        #expect(c12.outcome == .abandoned && c12.endedBy == .caller && c12.waitNanoseconds == 5_000_000_000 && c12.queue == "support")
    }

    @Test func requeuedUnansweredCallWaitsFromFirstEnterToTheEndInTheLastQueue() throws {
        let run = try QueueLogRun.read(QueueLogReader.self, """
            1600000200|c13|support|NONE|ENTERQUEUE||100|1
            1600000260|c13|support|NONE|EXITWITHTIMEOUT|1|1|60
            1600000261|c13|overflow|NONE|ENTERQUEUE||100|1
            1600000281|c13|overflow|NONE|ABANDON|1|1|20
            """)
        let call = try #require(run.calls.first)
        #expect(run.calls.count == 1)
        #expect(call.outcome == .abandoned && call.endedBy == .caller && call.endedAt == t(1_600_000_281))
        #expect(call.waitNanoseconds == 81_000_000_000)  // not ABANDON's waittime of 20
        #expect(call.queue == "overflow")
    }

    /// Answered in the second queue but never completed: the first queue's exit is not the end.
    @Test func requeuedAnsweredWithoutCompletionIsTruncated() throws {
        let run = try QueueLogRun.read(QueueLogReader.self, """
            1600000200|c14|support|NONE|ENTERQUEUE||100|1
            1600000260|c14|support|NONE|EXITWITHTIMEOUT|1|1|60
            1600000261|c14|overflow|NONE|ENTERQUEUE||100|1
            1600000271|c14|overflow|SIP/301|CONNECT|10|c14.5|3
            """)
        let call = try #require(run.calls.first)
        #expect(call.outcome == .answered && call.truncated && call.endedAt == nil && call.endedBy == nil)
        #expect(call.waitNanoseconds == 71_000_000_000 && call.queue == "overflow")
    }

    @Test func badLinesAreReportedWithTheirLineNumbers() throws {
        let run = try QueueLogRun.read(QueueLogReader.self, """
            1700000000|c1|sales|NONE|ENTERQUEUE||200|1
            1700000001|c1|sales

            17000x0002|c1|sales|NONE|RINGNOANSWER|1000
            1700000003|c1|sales|SIP/201|| 
            1700000004|c1|sales|NONE|ABANDON|1|1|4
            """, name: "logs/queue_log")
        #expect(run.rows == 5)
        #expect(run.badRows == 3)
        #expect(run.diagnostics.map(\.line) == [2, 4, 5])
        #expect(run.diagnostics.allSatisfy { $0.severity == .error && $0.input == "logs/queue_log" })
        #expect(run.diagnostics[0].message == "3 fields, expected at least 5 (epoch|callid|queue|agent|event|data...)")
        #expect(run.diagnostics[1].message == "time '17000x0002' is not epoch seconds")
        #expect(run.diagnostics[2].message == "empty event")
        #expect(run.calls.first?.outcome == .abandoned)
    }

    /// /tmp/rev3/ql1: 99999999999 * 1e9 overflowed Int64 (a trap); now a bad row.
    @Test(arguments: ["99999999999", "999999999999", "4102444801", "4102444800.5", "99999999999999999999999"])
    func epochsOutside1970To2100AreBadRows(_ epoch: String) throws {
        let run = try QueueLogRun.read(QueueLogReader.self, """
            \(epoch)|c1|q|NONE|ENTERQUEUE||100|1
            1600000000|c2|q|NONE|ENTERQUEUE||100|1
            """)
        #expect(run.rows == 2 && run.badRows == 1)
        #expect(run.diagnostics.map(\.line) == [1])
        #expect(run.diagnostics.first?.message == "time '\(epoch)' is outside 1970-2100 (epoch seconds 0 to 4102444800)")
        #expect(run.calls.map(\.callID) == ["c2"])
    }

    @Test func theLastAcceptedEpochIs2100() throws {
        let run = try QueueLogRun.read(QueueLogReader.self, "0|c0|q|NONE|ENTERQUEUE||100|1\n4102444800|c1|q|NONE|ENTERQUEUE||100|1\n")
        #expect(run.badRows == 0)
        #expect(run.calls.map(\.start) == [Timestamp(seconds: 0), Timestamp(seconds: 4_102_444_800)])
    }

    /// /tmp/rev3/ql2..ql5: hold, ring and wait times of 999999999999999999 s trapped on * 1e9.
    /// They are ignored (the call is kept) with one warning per file.
    @Test(arguments: [
        ("1600000005|c1|q|SIP/201|RINGNOANSWER|999999999999999999", "RINGNOANSWER ringtime (ms) '999999999999999999'", nil as Int64?),
        ("1600000005|c1|q|SIP/201|CONNECT|999999999999999999|x|1", "CONNECT holdtime '999999999999999999'", 5_000_000_000),
        ("1600000005|c1|q|SIP/201|CONNECT|5|x|999999999999999999", "CONNECT ringtime '999999999999999999'", 5_000_000_000),
        ("1600000005|c1|q|NONE|ABANDON|1|1|999999999999999999", "ABANDON waittime '999999999999999999'", 5_000_000_000),
    ])
    func absurdDurationsAreIgnoredWithAWarning(_ line: String, _ what: String, _ wait: Int64?) throws {
        let run = try QueueLogRun.read(QueueLogReader.self, "1600000000|c1|q|NONE|ENTERQUEUE||100|1\n\(line)\n")
        #expect(run.rows == 2 && run.badRows == 0)
        #expect(run.diagnostics.map(\.severity) == [.warning])
        #expect(run.diagnostics.first?.line == 2)
        #expect(run.diagnostics.first?.message == "1 hold, ring or wait time is not a whole number from 0 to 365 days and ignored (first: \(what))")
        let call = try #require(run.calls.first)
        #expect(run.calls.count == 1)
        // The ignored figure falls back to the records' own times (no outcome: no wait).
        #expect(call.waitNanoseconds == wait)
        #expect(call.legs.allSatisfy { $0.start >= t(1_600_000_000) })
    }

    @Test func durationLimitsAndOneWarningPerFile() throws {
        let run = try QueueLogRun.read(QueueLogReader.self, """
            1600000000|c1|q|NONE|ENTERQUEUE||100|1
            1631536000|c1|q|SIP/201|RINGNOANSWER|31536000000
            1631536000|c1|q|SIP/201|CONNECT|31536000|c1b|0
            1600000000|c2|q|NONE|ENTERQUEUE||100|1
            1600000009|c2|q|NONE|ABANDON|1|1|-5
            1600000000|c3|q|NONE|ENTERQUEUE||100|1
            1600000009|c3|q|NONE|EXITWITHTIMEOUT|1|1|31536001
            1600000000|c4|q|NONE|ENTERQUEUE||100|1
            1600000009|c4|q|NONE|EXITEMPTY|1|1|12x
            """)
        #expect(run.badRows == 0)
        // 365 days exactly is taken (ring time in milliseconds); -5, 31536001 and 12x are not.
        #expect(run.calls.map(\.waitNanoseconds) == [31_536_000_000_000_000, 9_000_000_000, 9_000_000_000, 9_000_000_000])
        #expect(run.calls[0].legs.first?.start == t(1_600_000_000))
        #expect(run.diagnostics.count == 1)
        #expect(run.diagnostics.first?.line == 5)
        #expect(run.diagnostics.first?.message == "3 hold, ring or wait times are not a whole number from 0 to 365 days and ignored (first: ABANDON waittime '-5')")
    }

    @Test func strictStopsAtTheFirstBadLine() {
        #expect(throws: CDRError.self) {
            _ = try QueueLogRun.read(QueueLogReader.self, "1700000000|c1|sales|NONE|ENTERQUEUE||200|1\nbroken line\n", strict: true)
        }
        do {
            _ = try QueueLogRun.read(QueueLogReader.self, "1700000000|c1|sales|NONE|ENTERQUEUE||200|1\nbroken line\n", name: "q.log", strict: true)
        } catch {
            #expect(error.input == "q.log" && error.line == 2)
        }
    }

    @Test func unknownEventsAreCountedAndWarnedOncePerName() throws {
        let run = try QueueLogRun.read(QueueLogReader.self, """
            1700000000|c1|sales|NONE|ENTERQUEUE||200|1
            1700000001|c1|sales|NONE|CUSTOMTHING|a
            1700000002|c1|sales|NONE|CUSTOMTHING|b
            1700000003|c1|sales|NONE|OTHER
            1700000004|c1|sales|NONE|ABANDON|1|1|4
            """)
        #expect(run.rows == 5 && run.badRows == 0)
        #expect(run.diagnostics.map(\.severity) == [.warning, .warning])
        #expect(run.diagnostics.map(\.line) == [2, 4])
        #expect(run.diagnostics[0].message.contains("CUSTOMTHING"))
        #expect(run.calls.first?.packets == 5)
    }

    @Test func fractionalEpochsCRLFAndOrderByStart() throws {
        let run = try QueueLogRun.read(QueueLogReader.self,
            "1700000100.25|late|q|NONE|ENTERQUEUE||1|1\r\n1700000000.5|early|q|NONE|ENTERQUEUE||2|1\r\n\"quoted|x|q|NONE|INFO\r\n")
        #expect(run.calls.map(\.callID) == ["early", "late"])
        #expect(run.calls[0].start == Timestamp(nanoseconds: 1_700_000_000_500_000_000))
        // A stray quote is an ordinary byte in queue_log: it does not swallow lines.
        #expect(run.rows == 3 && run.badRows == 1 && run.diagnostics.first?.line == 3)
    }
}

/// The queue_log table export with a header row (param1..3, htime, ttime: not stock).
@Suite struct QueueLogTableTests {
    static let header = "uid,date_time,callid,queue_name,type,event,param1,param2,param3,entpos,expos,htime,ttime,time\n"

    @Test func paramLayoutReadsCallerWaitAndBridgedID() throws {
        let run = try QueueLogRun.read(QueueLogReader.self, Self.header + """
            13,1543602677,1543602660.197,IT,NONE,ENTERQUEUE,17018599232,,,1,0,0,0,"2018-11-30 13:31:17"
            14,1543602687,1543602660.197,IT,Agent/1141,RINGNOANSWER,17018599232,,,1,1,10000,0,"2018-11-30 13:31:28"
            19,1543602753,1543602660.197,IT,Agent/1127,CONNECT,,1543602746.232,6,0,0,76,0,"2018-11-30 13:32:34"
            20,1543603600,1543602660.197,IT,Agent/1127,COMPLETECALLER,17018599232,,,1,0,76,847,"2018-11-30 13:46:41"
            294,1543852202,1543852000.1574,IT,NONE,ENTERQUEUE,16788252259,,,1,0,0,0,"2018-12-03 10:46:40"
            295,1543852391,1543852000.1574,IT,NONE,ABANDON,16788252259,,,1,1,191,0,"2018-12-03 10:50:03"
            296,1543852391,1543852000.1574,IT,NONE
            """)
        #expect(run.rows == 7 && run.badRows == 1)
        #expect(run.diagnostics.first?.line == 8)
        #expect(run.diagnostics.first?.message == "5 fields, expected 14 (the header's columns)")
        #expect(run.calls.count == 2)
        let answered = run.calls[0]
        #expect(answered.caller == "17018599232")
        #expect(answered.agent == "1127" && answered.queue == "IT")
        #expect(answered.waitNanoseconds == 76_000_000_000)
        #expect(answered.legs.first { $0.status == "CONNECT" }?.id == "1543602746.232")
        #expect(answered.legs.first { $0.status == "RINGNOANSWER" }?.start == Timestamp(seconds: 1_543_602_677))
        #expect(answered.endedBy == .caller && answered.endedAt == Timestamp(seconds: 1_543_603_600))
        let abandoned = run.calls[1]
        #expect(abandoned.outcome == .abandoned && abandoned.waitNanoseconds == 191_000_000_000)
    }

    @Test func stockDataColumnsAndISOTimeInTheGivenZone() throws {
        let run = try QueueLogRun.read(QueueLogReader.self, """
            time,callid,queuename,agent,event,data1,data2,data3,data4,data5
            2024-03-01 10:00:00,c1,sales,NONE,ENTERQUEUE,,5550100,1,,
            2024-03-01 10:00:09,c1,sales,SIP/201,CONNECT,9,c1b,2,,
            01/03/2024 10:05,c1,sales,SIP/201,COMPLETECALLER,9,291,1,,
            """)
        #expect(run.badRows == 1 && run.diagnostics.first?.line == 4)
        let call = try #require(run.calls.first)
        #expect(call.start == Timestamp(year: 2024, month: 3, day: 1, hour: 10, minute: 0, second: 0))
        #expect(call.caller == "5550100" && call.waitNanoseconds == 9_000_000_000 && call.agent == "201")
    }

    @Test func tableTimesOutside1970To2100AreBadRows() throws {
        let run = try QueueLogRun.read(QueueLogReader.self, """
            time,callid,queuename,agent,event,data1,data2,data3,data4,data5
            2101-01-01 00:00:00,c1,sales,NONE,ENTERQUEUE,,5550100,1,,
            1900-01-01 00:00:00,c2,sales,NONE,ENTERQUEUE,,5550100,1,,
            99999999999,c3,sales,NONE,ENTERQUEUE,,5550100,1,,
            2024-03-01 10:00:00,c4,sales,NONE,ENTERQUEUE,,5550100,1,,
            """)
        #expect(run.rows == 4 && run.badRows == 3)
        #expect(run.diagnostics.map(\.message) == [
            "time '2101-01-01 00:00:00' is outside 1970-2100", "time '1900-01-01 00:00:00' is outside 1970-2100",
            "time '99999999999' is outside 1970-2100",
        ])
        #expect(run.calls.map(\.callID) == ["c4"])
    }

    /// Ring times of a param/htime export are milliseconds, other times seconds.
    @Test func paramTimesDurationsAreCheckedInTheirUnits() throws {
        let run = try QueueLogRun.read(QueueLogReader.self, QueueLogTableTests.header + """
            1,1600000000,c1,IT,NONE,ENTERQUEUE,100,,,1,0,0,0,x
            2,1600000010,c1,IT,Agent/1,RINGNOANSWER,100,,,1,1,999999999999999999,0,x
            3,1600000020,c1,IT,Agent/2,CONNECT,,c1b,6,0,0,999999999999999999,0,x
            """)
        #expect(run.badRows == 0)
        let call = try #require(run.calls.first)
        #expect(call.waitNanoseconds == 20_000_000_000)
        #expect(run.diagnostics.map(\.message) == ["2 hold, ring or wait times are not a whole number from 0 to 365 days and ignored (first: RINGNOANSWER ringtime (ms) '999999999999999999')"])
    }
}

/// The realtime queue_log table as a mysqldump.
@Suite struct QueueLogSQLTests {
    static let create = """
        DROP TABLE IF EXISTS `queue_log`;
        CREATE TABLE `queue_log` (
          `id` bigint NOT NULL AUTO_INCREMENT,
          `time` datetime DEFAULT NULL,
          `callid` varchar(80) DEFAULT NULL,
          `queuename` varchar(256) DEFAULT NULL,
          `agent` varchar(80) DEFAULT NULL,
          `event` varchar(32) DEFAULT NULL,
          `data1` varchar(100) DEFAULT NULL,
          `data2` varchar(100) DEFAULT NULL,
          `data3` varchar(100) DEFAULT NULL,
          `data4` varchar(100) DEFAULT NULL,
          `data5` varchar(100) DEFAULT NULL,
          PRIMARY KEY (`id`),
          UNIQUE KEY `id` (`id`)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

        """

    @Test func tuplesWithEscapesNullAndEmptyStrings() throws {
        let run = try QueueLogRun.read(QueueLogSQLReader.self, Self.create + """
            INSERT INTO `cdr` VALUES (1,'x;y','it''s'),(2,'a','b');
            INSERT INTO `queue_log` VALUES (1,'2023-02-05 00:09:13','1675555752.0','Support','NONE','ENTERQUEUE','','O\\'Brien \\"200\\"','1','',''),(2,'2023-02-05 00:09:21.250000','1675555752.0','Support','PJSIP/400','CONNECT','8','1675555753.1','7','',NULL),
            (3,'2023-02-05 00:09:26','1675555752.0','Support','PJSIP/400','COMPLETEAGENT','8','5','1','',''),(4,NULL,'x','q','NONE','ENTERQUEUE','','','','',''),(5,'2023-02-05 00:10:00','x','q','NONE','','','','','',''),(6,'2023-02-05 00:10:00','x');

            """)
        #expect(run.rows == 6 && run.badRows == 3)
        #expect(run.diagnostics.map(\.line) == [19, 19, 19])  // the line of the second INSERT's continuation
        #expect(run.diagnostics.map(\.message) == [
            "time 'NULL' is not YYYY-MM-DD HH:MM:SS", "empty event",
            "3 values, expected 11 (id,time,callid,queuename,agent,event,data1,data2,data3,data4,data5)",
        ])
        let call = try #require(run.calls.first)
        #expect(run.calls.count == 1)
        #expect(call.format == "queue-log-sql")
        #expect(call.caller == "O'Brien \"200\"")
        #expect(call.start == Timestamp(year: 2023, month: 2, day: 5, hour: 0, minute: 9, second: 13))
        #expect(call.answeredAt == Timestamp(nanoseconds: Timestamp(year: 2023, month: 2, day: 5, hour: 0, minute: 9, second: 21).nanoseconds + 250_000_000))
        #expect(call.agent == "400" && call.waitNanoseconds == 8_000_000_000 && call.endedBy == .callee)
        #expect(call.legs.first?.id == "1675555753.1")
    }

    @Test func insertColumnListWithoutCreateTable() throws {
        let run = try QueueLogRun.read(QueueLogSQLReader.self, """
            INSERT INTO `asterisk`.`queue_log` (`time`,`callid`,`queuename`,`agent`,`event`,`data`) VALUES
            ('2023-01-01 10:00:00','c1','q','NONE','ENTERQUEUE','|555|1'),
            ('2023-01-01 10:00:30','c1','q','NONE','EXITEMPTY','1|1|30');
            """)
        let call = try #require(run.calls.first)
        #expect(run.rows == 2 && run.badRows == 0)
        #expect(call.caller == "555" && call.outcome == .congestion && call.waitNanoseconds == 30_000_000_000)
    }

    @Test func unterminatedStringIsABadRow() throws {
        let run = try QueueLogRun.read(QueueLogSQLReader.self, Self.create + "INSERT INTO `queue_log` VALUES (1,'2023-01-01 10:00:00','c1");
        #expect(run.rows == 1 && run.badRows == 1)
        #expect(run.diagnostics.first?.message == "unterminated quoted string: the values run to the end of the file")
    }

    /// /tmp/rev3/q3.sql: junk in the 2nd of 4 tuples used to drop the rest of the INSERT.
    @Test func aBadTupleIsReportedAndTheNextTuplesAreRead() throws {
        let run = try QueueLogRun.read(QueueLogSQLReader.self, """
            INSERT INTO `queue_log` VALUES (1,'2023-02-05 00:09:13','c1','Support','NONE','ENTERQUEUE','','200','1','',''),(2,'2023-02-05 00:09:14','c2','Support','NONE','ENTERQUEUE','' '','201','1','',''),(3,'2023-02-05 00:09:15','c3','Support','NONE','ENTERQUEUE','','202','1','',''),(4,'2023-02-05 00:09:16','c4','Support','NONE','ENTERQUEUE','','203','1','','');

            """)
        #expect(run.rows == 4 && run.badRows == 1)
        #expect(run.diagnostics.map(\.message) == ["malformed tuple: value 7 is followed by \"'','201','1','',''),(3,'2023-02-05 00:09...\" instead of \",\" or \")\""])
        #expect(run.calls.map(\.callID) == ["c1", "c3", "c4"])
        #expect(run.calls.map(\.caller) == ["200", "202", "203"])
    }

    /// Resynchronising skips quoted `),(` and `;` (when the junk's quotes pair up as values do),
    /// allows spaces and lines between tuples, and goes on with the next statement when the bad
    /// tuple was the last of its INSERT; a stray quote (`'O'Brien'`) is the cdr tests' case, the
    /// same rule (`MySQLDumpScanner`).
    @Test func resynchronisationIgnoresQuotedDelimiters() throws {
        let run = try QueueLogRun.read(QueueLogSQLReader.self, """
            INSERT INTO `queue_log` VALUES (1,'2023-02-05 00:09:13','c1','q','NONE','ENTERQUEUE','','200','1','',''),
            (2,'2023-02-05 00:09:14','c2','q','NONE','ENTERQUEUE' junk '),(;','201','1','','') ,
            (3,'2023-02-05 00:09:15','c3','q','NONE','ENTERQUEUE','','202','1','',''),(4,'2023-02-05 00:09:16','c4','q' 'x');
            INSERT INTO `queue_log` VALUES (5,'2023-02-05 00:09:17','c5','q','NONE','ENTERQUEUE','','204','1','',''),oops;
            INSERT INTO `queue_log` VALUES (6,'2023-02-05 00:09:18','c6','q','NONE','ENTERQUEUE','','205','1','','');

            """)
        #expect(run.rows == 7 && run.badRows == 3)
        #expect(run.diagnostics.map(\.line) == [2, 3, 4])
        #expect(run.diagnostics.map(\.message) == [
            "malformed tuple: value 6 is followed by \"junk '),(;','201','1','','') ,\" instead of \",\" or \")\"",
            "malformed tuple: value 4 is followed by \"'x');\" instead of \",\" or \")\"",
            "malformed tuple: \"oops;\" where \"(\" should open a tuple",
        ])
        #expect(run.calls.map(\.callID) == ["c1", "c3", "c5", "c6"])
    }

    @Test func sqlTimesOutside1970To2100AreBadRows() throws {
        let run = try QueueLogRun.read(QueueLogSQLReader.self, """
            INSERT INTO `queue_log` VALUES (1,'2150-02-05 00:09:13','c1','q','NONE','ENTERQUEUE','','200','1','',''),(2,'2023-02-05 00:09:14','c2','q','NONE','ENTERQUEUE','','201','1','','');
            """)
        #expect(run.rows == 2 && run.badRows == 1)
        #expect(run.diagnostics.map(\.message) == ["time '2150-02-05 00:09:13' is outside 1970-2100"])
        #expect(run.calls.map(\.callID) == ["c2"])
    }

    @Test func aDumpWithoutQueueLogCannotBeRead() {
        #expect(throws: CDRError.self) {
            _ = try QueueLogRun.read(QueueLogSQLReader.self, "INSERT INTO `cdr` VALUES (1,'a');\n")
        }
    }
}
