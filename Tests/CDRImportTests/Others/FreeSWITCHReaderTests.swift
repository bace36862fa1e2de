import CallModel
import Foundation
import Testing
@testable import CDRImport

/// FreeSWITCH mod_cdr_csv and mod_json_cdr rules (docs/cdr-formats.md, "FreeSWITCH").
@Suite struct FreeSWITCHCSVReaderTests {
    static let a = "aaaaaaaa-0000-0000-0000-000000000001"
    static let b = "bbbbbbbb-0000-0000-0000-000000000002"

    static func row(name: String = "Caller", number: String = "2001", dest: String = "3500",
                    start: String = "2016-02-16 05:55:27", answer: String = "2016-02-16 05:55:30",
                    end: String = "2016-02-16 05:55:42", duration: String = "15", billsec: String = "12",
                    cause: String = "NORMAL_CLEARING", uuid: String = a, bleg: String = "") -> String {
        [name, number, dest, "default", start, answer, end, duration, billsec, cause, uuid, bleg, "", "PCMU", "PCMU"]
            .map { "\"\($0)\"" }.joined(separator: ",")
    }

    @Test func aSingleAnsweredRowIsACall() throws {
        let out = OthersHarness.read(FreeSWITCHCSVReader.self, Self.row(number: "(201) 555-0100") + "\n")
        let call = try #require(out.calls.first)
        #expect(out.calls.count == 1 && out.rows == 1 && out.badRows == 0)
        #expect(call.callID == Self.a)
        #expect(call.caller == "2015550100")
        #expect(call.dialed == "3500")
        #expect(call.outcome == .answered)
        #expect(call.format == "freeswitch-csv")
        #expect(call.source == "test.csv")
        #expect(call.start == Timestamp(year: 2016, month: 2, day: 16, hour: 5, minute: 55, second: 27))
        #expect(call.answeredAt == Timestamp(year: 2016, month: 2, day: 16, hour: 5, minute: 55, second: 30))
        #expect(call.endedAt == Timestamp(year: 2016, month: 2, day: 16, hour: 5, minute: 55, second: 42))
        #expect(call.waitTime?.seconds3 == "3.000")
        #expect(call.talkTime?.seconds3 == "12.000")
        #expect(call.reasonCause == 16)
        #expect(call.agent == nil)
        #expect(call.packets == 1)
        #expect(call.legs.map(\.status) == ["NORMAL_CLEARING"])
    }

    @Test func aBLegRowMergesIntoItsALegAndNamesTheAgent() throws {
        let text = [
            Self.row(number: "0300111222", dest: "5000", start: "2020-01-01 10:00:00", answer: "2020-01-01 10:00:01",
                     end: "2020-01-01 10:01:00", duration: "60", billsec: "59", uuid: Self.a, bleg: Self.b),
            Self.row(number: "0300111222", dest: "1002", start: "2020-01-01 10:00:02", answer: "2020-01-01 10:00:10",
                     end: "2020-01-01 10:01:00", duration: "58", billsec: "50", uuid: Self.b),
        ].joined(separator: "\n")
        let out = OthersHarness.read(FreeSWITCHCSVReader.self, text)
        let call = try #require(out.calls.first)
        #expect(out.calls.count == 1)
        #expect(call.callID == Self.a)
        #expect(call.dialed == "5000")
        #expect(call.agent == "1002")
        #expect(call.answeredAt == Timestamp(year: 2020, month: 1, day: 1, hour: 10, minute: 0, second: 10))
        #expect(call.waitTime?.seconds3 == "10.000")
        #expect(call.legs.map(\.id) == [Self.a, Self.b])
        #expect(call.packets == 2)
    }

    @Test func theBLegMayComeFirstInTheFile() throws {
        let text = [
            Self.row(dest: "1002", uuid: Self.b),
            Self.row(dest: "5000", uuid: Self.a, bleg: Self.b),
        ].joined(separator: "\n")
        let out = OthersHarness.read(FreeSWITCHCSVReader.self, text)
        #expect(out.calls.count == 1)
        #expect(out.calls.first?.callID == Self.a)
        #expect(out.calls.first?.dialed == "5000")
    }

    @Test func rowsWithTheSameUUIDAreOneCall() {
        let text = [Self.row(), Self.row(billsec: "0", cause: "USER_BUSY")].joined(separator: "\n")
        let out = OthersHarness.read(FreeSWITCHCSVReader.self, text)
        #expect(out.calls.count == 1)
        #expect(out.calls.first?.legs.count == 2)
        #expect(out.calls.first?.outcome == .answered)
    }

    @Test(arguments: [
        ("USER_BUSY", CallOutcome.busy, 17),
        ("NO_ANSWER", .noAnswer, 19),
        ("NO_USER_RESPONSE", .noAnswer, 18),
        ("ORIGINATOR_CANCEL", .abandoned, 487),
        ("NORMAL_CLEARING", .abandoned, 16),
        ("CALL_REJECTED", .rejected, 21),
        ("USER_NOT_REGISTERED", .rejected, 606),
        ("NORMAL_TEMPORARY_FAILURE", .congestion, 41),
        ("RECOVERY_ON_TIMER_EXPIRE", .noAnswer, 102),
    ] as [(String, CallOutcome, Int)])
    func unansweredOutcomeComesFromTheHangupCause(cause: String, outcome: CallOutcome, q850: Int) throws {
        let out = OthersHarness.read(FreeSWITCHCSVReader.self, Self.row(answer: "", billsec: "0", cause: cause))
        let call = try #require(out.calls.first)
        #expect(call.outcome == outcome)
        #expect(call.reasonCause == q850)
        #expect(call.answeredAt == nil)
        #expect(call.waitTime?.seconds3 == "15.000")  // ended_at - start
    }

    /// Times derived from duration and billsec never fall before the start: such rows are bad
    /// rows, as in Asterisk files, not calls ending before they began.
    @Test(arguments: [
        (Self.row(end: "", duration: "-30", billsec: "0"), "negative duration -30"),
        (Self.row(answer: "", billsec: "-5"), "negative billsec -5"),
        (Self.row(answer: "", duration: "10", billsec: "3600"), "billsec 3600 is longer than duration 10"),
    ])
    func derivedTimesBeforeTheStartAreBadRows(row: String, reason: String) throws {
        let out = OthersHarness.read(FreeSWITCHCSVReader.self, row + "\n")
        #expect(out.calls.isEmpty)
        #expect(out.badRows == 1)
        #expect(out.errors.contains { $0.contains(reason) }, "\(out.errors)")
    }

    @Test func anUnknownHangupCauseIsUnknown() {
        let out = OthersHarness.read(FreeSWITCHCSVReader.self, Self.row(answer: "", billsec: "0", cause: "MYSTERY"))
        #expect(out.calls.first?.outcome == .unknown)
        #expect(out.calls.first?.reasonCause == nil)
    }

    @Test func answeredMeansBillsecAboveZeroNotAnAnswerStamp() throws {
        let out = OthersHarness.read(FreeSWITCHCSVReader.self, Self.row(answer: "2016-02-16 05:55:27", billsec: "0", cause: "NORMAL_CLEARING"))
        #expect(out.calls.first?.outcome == .abandoned)
        // billsec > 0 with an empty answer_stamp: answered at end - billsec.
        let late = OthersHarness.read(FreeSWITCHCSVReader.self, Self.row(answer: "", billsec: "12"))
        let call = try #require(late.calls.first)
        #expect(call.outcome == .answered)
        #expect(call.answeredAt == Timestamp(year: 2016, month: 2, day: 16, hour: 5, minute: 55, second: 30))
    }

    @Test func stampsAreReadInTheTimezoneOption() throws {
        let zone = try #require(LocalTimeConverter.zone(named: "+03:00"))
        let out = OthersHarness.read(FreeSWITCHCSVReader.self, Self.row(), timeZone: zone)
        #expect(out.calls.first?.start == Timestamp(year: 2016, month: 2, day: 16, hour: 2, minute: 55, second: 27))
    }

    @Test(arguments: [
        (row(start: "2020/2/10 22:41"), "start_stamp '2020/2/10 22:41' is not YYYY-MM-DD HH:MM:SS"),
        (row(start: "2016-02-16 05:55"), "start_stamp '2016-02-16 05:55' is not YYYY-MM-DD HH:MM:SS"),
        (row(duration: "1.5E+01"), "duration '1.5E+01' is not an integer"),
        (row(billsec: "x"), "billsec 'x' is not an integer"),
        ("\"a\",\"b\",\"c\"", "3 fields, expected 15 (mod_cdr_csv default template)"),
    ])
    func badRowsAreReportedAndSkipped(text: String, message: String) {
        let out = OthersHarness.read(FreeSWITCHCSVReader.self, text + "\n" + Self.row(uuid: Self.b))
        #expect(out.rows == 2)
        #expect(out.badRows == 1)
        #expect(out.errors == [message])
        #expect(out.diagnostics.first?.line == 1)
        #expect(out.calls.map(\.callID) == [Self.b])
    }

    @Test func aFileOfOnlyBadRowsGivesNoCallsAndOneFileLevelWarning() {
        let text = """
        Outbound Call,1002,&,default,2020/2/10 22:41,2020/2/10 22:41,2020/2/10 22:41,11,9,NORMAL_CLEARING,d80e22e0-4c15-11ea-97a0-9dd79410affb,,1002,PCMU,PCMU
        ,0,1002,default,2020/2/10 22:41,,2020/2/10 22:41,2,0,NO_USER_RESPONSE,f1542038-4c15-11ea-97ca-9dd79410affb,,,,
        """
        let out = OthersHarness.read(FreeSWITCHCSVReader.self, text)
        #expect(out.error == nil)
        #expect(out.calls.isEmpty)
        #expect(out.rows == 2 && out.badRows == 2)
        #expect(out.warnings.count == 1)
        #expect(out.warnings.first?.contains("spreadsheet re-save") == true)
        #expect(out.warnings.first?.contains("'2020/2/10 22:41'") == true)
    }

    @Test func detectionWantsFifteenFieldsAUUIDAndAStamp() {
        #expect(FreeSWITCHCSVReader.detect(CDRSample(bytes: Array(Self.row().utf8))) == 100)
        let resaved = "Outbound Call,1002,&,default,2020/2/10 22:41,2020/2/10 22:41,2020/2/10 22:41,11,9,NORMAL_CLEARING,d80e22e0-4c15-11ea-97a0-9dd79410affb,,1002,PCMU,PCMU"
        #expect(FreeSWITCHCSVReader.detect(CDRSample(bytes: Array(resaved.utf8))) > 50)
        #expect(FreeSWITCHCSVReader.detect(CDRSample(bytes: Array("a,b,c".utf8))) == 0)
    }
}

@Suite struct FreeSWITCHJSONReaderTests {
    static func document(_ variables: [String: String], extra: String = "") -> String {
        let body = variables.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \"\($0.value)\"" }.joined(separator: ",\n\t\t")
        return "{\n\t\"core-uuid\": \"x\",\n\t\"variables\": {\n\t\t\(body)\n\t}\(extra)\n}"
    }

    static let base: [String: String] = [
        "uuid": "3da8bf84-c133-4959-9e24-e72875cb33a1",
        "caller_id_number": "0300 111 222", "destination_number": "5000",
        "start_epoch": "1515666344", "start_uepoch": "1515666344500000",
        "answer_epoch": "1515666350", "answer_uepoch": "1515666350000000",
        "end_epoch": "1515666415", "end_uepoch": "1515666415000000",
        "billsec": "65", "waitsec": "5", "hangup_cause": "NORMAL_CLEARING", "hangup_cause_q850": "16",
    ]

    @Test func aDocumentIsALegWithMicrosecondTimes() throws {
        let out = OthersHarness.read(FreeSWITCHJSONReader.self, Self.document(Self.base), name: "a.cdr.json")
        let call = try #require(out.calls.first)
        #expect(out.rows == 1 && out.badRows == 0)
        #expect(call.callID == "3da8bf84-c133-4959-9e24-e72875cb33a1")
        #expect(call.caller == "0300111222")
        #expect(call.dialed == "5000")
        #expect(call.format == "freeswitch-json")
        #expect(call.start == Timestamp(nanoseconds: 1_515_666_344_500_000_000))
        #expect(call.answeredAt == Timestamp(seconds: 1_515_666_350))
        #expect(call.endedAt == Timestamp(seconds: 1_515_666_415))
        #expect(call.outcome == .answered)
        #expect(call.reasonCause == 16)
        #expect(call.waitTime?.seconds3 == "5.000")  // waitsec
    }

    @Test func epochSecondsAreEnoughWithoutMicroseconds() throws {
        var v = Self.base
        for key in ["start_uepoch", "answer_uepoch", "end_uepoch"] { v[key] = nil }
        let out = OthersHarness.read(FreeSWITCHJSONReader.self, Self.document(v))
        #expect(out.calls.first?.start == Timestamp(seconds: 1_515_666_344))
    }

    @Test func queueWaitComesFromTheCallcenterEpochs() throws {
        var v = Self.base
        v["cc_queue"] = "support@default"
        v["cc_agent"] = "agent-1001"
        v["cc_queue_joined_epoch"] = "1515666345"
        v["cc_queue_answered_epoch"] = "1515666372"
        let out = OthersHarness.read(FreeSWITCHJSONReader.self, Self.document(v))
        let call = try #require(out.calls.first)
        #expect(call.queue == "support@default")
        #expect(call.agent == "agent-1001")
        #expect(call.waitTime?.seconds3 == "27.000")
        // Answered when the agent answered, not when mod_callcenter picked the caller up.
        #expect(call.answeredAt == Timestamp(seconds: 1_515_666_372))
    }

    @Test func anAbandonedQueueCallWaitsUntilItWasCanceled() throws {
        var v = Self.base
        v["billsec"] = "0"; v["answer_epoch"] = "0"; v["answer_uepoch"] = "0"
        v["hangup_cause"] = "ORIGINATOR_CANCEL"; v["hangup_cause_q850"] = "487"
        v["cc_queue"] = "support"
        v["cc_queue_joined_epoch"] = "1515666345"
        v["cc_queue_canceled_epoch"] = "1515666400"
        let call = try #require(OthersHarness.read(FreeSWITCHJSONReader.self, Self.document(v)).calls.first)
        #expect(call.outcome == .abandoned)
        #expect(call.answeredAt == nil)
        #expect(call.waitTime?.seconds3 == "55.000")
    }

    @Test(arguments: [
        ("recv_bye", "inbound", CallParty.caller),
        ("recv_cancel", "inbound", .caller),
        ("send_bye", "inbound", .callee),
        ("send_cancel", "inbound", .callee),
        ("recv_bye", "outbound", .callee),
        ("send_bye", "outbound", .caller),
        ("send_refuse", "inbound", nil),
        ("recv_refuse", "outbound", nil),
    ] as [(String, String, CallParty?)])
    func sipHangupDispositionSaysWhoEnded(disposition: String, direction: String, party: CallParty?) throws {
        var v = Self.base
        v["sip_hangup_disposition"] = disposition
        v["direction"] = direction
        let call = try #require(OthersHarness.read(FreeSWITCHJSONReader.self, Self.document(v)).calls.first)
        #expect(call.endedBy == party)
    }

    @Test func unansweredOutcomeAndCauseFromHangupCause() throws {
        var v = Self.base
        v["billsec"] = "0"; v["answer_epoch"] = "0"; v["answer_uepoch"] = "0"
        v["hangup_cause"] = "USER_BUSY"; v["hangup_cause_q850"] = "17"
        let call = try #require(OthersHarness.read(FreeSWITCHJSONReader.self, Self.document(v)).calls.first)
        #expect(call.outcome == .busy)
        #expect(call.reasonCause == 17)
        #expect(call.waitTime?.seconds3 == "70.500")  // end - start: waitsec is not a give-up time
    }

    @Test func numbersFallBackToTheFirstDialplanProfile() throws {
        var v = Self.base
        v["caller_id_number"] = nil; v["destination_number"] = nil
        let callflow = """
        ,
        \t"callflow": [
        \t\t{"profile_index": "2", "caller_profile": {"caller_id_number": "1001", "destination_number": "1002"}},
        \t\t{"profile_index": "1", "caller_profile": {"caller_id_number": "1001", "destination_number": "800"}}
        \t]
        """
        let call = try #require(OthersHarness.read(FreeSWITCHJSONReader.self, Self.document(v, extra: callflow)).calls.first)
        #expect(call.caller == "1001")
        #expect(call.dialed == "800")
    }

    @Test func concatenatedAndLineDelimitedDocumentsAreAllRead() {
        var a = Self.base, b = Self.base
        a["uuid"] = "leg-a"; b["uuid"] = "leg-b"
        let oneLine = { (v: [String: String]) in Self.document(v).replacingOccurrences(of: "\n", with: "").replacingOccurrences(of: "\t", with: "") }
        let concatenated = Self.document(a) + Self.document(b)
        let perLine = oneLine(a) + "\n" + oneLine(b) + "\n"
        let array = "[" + Self.document(a) + ",\n" + Self.document(b) + "]"
        for text in [concatenated, perLine, array] {
            let out = OthersHarness.read(FreeSWITCHJSONReader.self, text)
            #expect(out.calls.map(\.callID) == ["leg-a", "leg-b"])
            #expect(out.rows == 2 && out.badRows == 0)
        }
    }

    @Test func aBridgedBLegDocumentMergesIntoTheCall() throws {
        var a = Self.base, b = Self.base
        a["uuid"] = "leg-a"; a["bridge_uuid"] = "leg-b"; a["direction"] = "inbound"
        a["sip_hangup_disposition"] = "recv_bye"
        b["uuid"] = "leg-b"; b["bridge_uuid"] = "leg-a"; b["direction"] = "outbound"; b["originating_leg_uuid"] = "leg-a"
        b["destination_number"] = "1002"
        b["answer_uepoch"] = "1515666352000000"; b["billsec"] = "63"
        let out = OthersHarness.read(FreeSWITCHJSONReader.self, Self.document(b) + "\n" + Self.document(a))
        let call = try #require(out.calls.first)
        #expect(out.calls.count == 1)
        #expect(call.callID == "leg-a")
        #expect(call.agent == "1002")
        #expect(call.answeredAt == Timestamp(seconds: 1_515_666_352))
        #expect(call.endedBy == .caller)
        #expect(call.packets == 2)
    }

    @Test(arguments: [
        ("{\"variables\": {\"uuid\": \"x\"", "JSON document not terminated"),
        ("{\"core-uuid\": \"x\"}", "no \"variables\" object (not a mod_json_cdr document)"),
        ("{\"variables\": {\"start_epoch\": \"1\"}}", "no uuid in variables"),
        ("{\"variables\": {\"uuid\": \"u1\", \"start_epoch\": \"999999999999999999\"}}", "no start time (start_uepoch, start_epoch or start_stamp) for leg u1"),
        ("{\"variables\": {\"uuid\": \"u1\"}}", "no start time (start_uepoch, start_epoch or start_stamp) for leg u1"),
        ("hello", "not a JSON document: 'hello'"),
    ])
    func badDocumentsAreReported(text: String, message: String) {
        let out = OthersHarness.read(FreeSWITCHJSONReader.self, text)
        #expect(out.badRows == 1)
        #expect(out.errors == [message])
        #expect(out.calls.isEmpty)
    }

    @Test func invalidJSONIsABadRecordWithItsLine() {
        let out = OthersHarness.read(FreeSWITCHJSONReader.self, Self.document(Self.base) + "\n{\"variables\": {\"uuid\": nope}}")
        #expect(out.calls.count == 1)
        #expect(out.badRows == 1)
        #expect(out.diagnostics.first?.line == 19)
        #expect(out.errors.first?.hasPrefix("invalid JSON") == true)
    }
}
