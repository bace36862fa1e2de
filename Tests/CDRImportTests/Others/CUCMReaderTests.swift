import CallModel
import Foundation
import Testing
@testable import CDRImport

/// Cisco CUCM rules (docs/cdr-formats.md, "Cisco CUCM").
@Suite struct CUCMReaderTests {
    static let names = [
        "cdrRecordType", "globalCallID_callManagerId", "globalCallID_callId", "dateTimeOrigination",
        "callingPartyNumber", "origCause_value", "originalCalledPartyNumber", "finalCalledPartyNumber",
        "destCause_value", "dateTimeConnect", "dateTimeDisconnect", "pkid", "duration", "huntPilotDN",
        "totalWaitTimeInQueue",
    ]
    static let types = "INTEGER,INTEGER,INTEGER,INTEGER,VARCHAR(50),INTEGER,VARCHAR(50),VARCHAR(50),INTEGER,INTEGER,INTEGER,UNIQUEIDENTIFIER,INTEGER,VARCHAR(50),INTEGER"

    struct Leg {
        var manager = "1", callID = "100", origination = "1452774590", calling = "3364605900"
        var origCause = "0", originalCalled = "3091", finalCalled = "3091", destCause = "0"
        var connect = "1452774600", disconnect = "1452774660", pkid = "p1", duration = "70"
        var huntPilot = "", wait = "0"
        var csv: String {
            ["1", manager, callID, origination, calling, origCause, originalCalled, finalCalled, destCause,
             connect, disconnect, pkid, duration, huntPilot, wait].map { "\"\($0)\"" }.joined(separator: ",")
        }
    }

    static func file(_ legs: [Leg], typeRow: Bool = true) -> String {
        ([names.map { "\"\($0)\"" }.joined(separator: ",")] + (typeRow ? [types] : []) + legs.map(\.csv)).joined(separator: "\r\n")
    }

    @Test func aConnectedLegIsAnAnsweredCall() throws {
        let out = OthersHarness.read(CUCMReader.self, Self.file([Leg()]), name: "cdr.csv")
        let call = try #require(out.calls.first)
        #expect(out.rows == 1 && out.badRows == 0)  // the type row is not data
        #expect(call.callID == "1-100")
        #expect(call.caller == "3364605900")
        #expect(call.dialed == "3091")
        #expect(call.agent == "3091")
        #expect(call.format == "cucm")
        #expect(call.start == Timestamp(seconds: 1_452_774_590))
        #expect(call.answeredAt == Timestamp(seconds: 1_452_774_600))
        #expect(call.endedAt == Timestamp(seconds: 1_452_774_660))
        #expect(call.waitTime?.seconds3 == "10.000")
        #expect(call.outcome == .answered)
        #expect(call.legs.map(\.id) == ["p1"])
    }

    @Test func legsSharingTheGlobalCallIDAreOneCallAndTheConnectedLegNamesTheAgent() throws {
        var first = Leg(); first.connect = "0"; first.finalCalled = "2001"; first.destCause = "19"; first.disconnect = "1452774610"
        var second = Leg(); second.pkid = "p2"; second.origination = "1452774611"; second.finalCalled = "2002"
        second.connect = "1452774620"; second.disconnect = "1452774700"
        var other = Leg(); other.callID = "101"; other.pkid = "p3"
        let out = OthersHarness.read(CUCMReader.self, Self.file([first, second, other]))
        #expect(out.calls.map(\.callID) == ["1-100", "1-101"])
        let call = try #require(out.calls.first)
        #expect(call.packets == 2)
        #expect(call.outcome == .answered)
        #expect(call.agent == "2002")
        #expect(call.answeredAt == Timestamp(seconds: 1_452_774_620))
        #expect(call.endedAt == Timestamp(seconds: 1_452_774_700))
        #expect(call.legs.map(\.answered) == [false, true])
        #expect(call.legs.map(\.destination) == ["2001", "2002"])
    }

    @Test func anAnsweredCallTakesTheCauseOfTheLegThatEndedLast() throws {
        var first = Leg(); first.origCause = "16"; first.disconnect = "1452774650"
        var transfer = Leg(); transfer.pkid = "p2"; transfer.origCause = "0"; transfer.destCause = "31"; transfer.disconnect = "1452774800"
        let call = try #require(OthersHarness.read(CUCMReader.self, Self.file([transfer, first])).calls.first)
        #expect(call.reasonCause == 31)
        #expect(call.endedAt == Timestamp(seconds: 1_452_774_800))
    }

    @Test(arguments: [
        ("16", "0", CallOutcome.abandoned, 16),
        ("0", "17", .busy, 17),
        ("0", "19", .noAnswer, 19),
        ("0", "34", .congestion, 34),
        ("0", "21", .rejected, 21),
        ("31", "17", .abandoned, 31),
    ])
    func anUnconnectedCallTakesItsOutcomeFromTheClearingCause(orig: String, dest: String, outcome: CallOutcome, cause: Int) throws {
        var leg = Leg(); leg.connect = "0"; leg.origCause = orig; leg.destCause = dest
        let call = try #require(OthersHarness.read(CUCMReader.self, Self.file([leg])).calls.first)
        #expect(call.outcome == outcome)
        #expect(call.reasonCause == cause)
        #expect(call.answeredAt == nil)
        #expect(call.agent == nil)
        #expect(call.waitTime?.seconds3 == "70.000")
    }

    @Test func huntPilotIsTheQueueAndItsWaitWins() throws {
        var leg = Leg(); leg.huntPilot = "7000"; leg.wait = "42"
        let call = try #require(OthersHarness.read(CUCMReader.self, Self.file([leg])).calls.first)
        #expect(call.queue == "7000")
        #expect(call.waitTime?.seconds3 == "42.000")
    }

    @Test func aNamesOnlyHeaderInAnotherCaseIsEnough() throws {
        let lower = Self.file([Leg()], typeRow: false).replacingOccurrences(of: "globalCallID_callId", with: "GLOBALCALLID_CALLID")
        let out = OthersHarness.read(CUCMReader.self, lower)
        #expect(out.rows == 1)
        #expect(out.calls.first?.callID == "1-100")
    }

    @Test func aMissingDisconnectIsOriginationPlusDuration() throws {
        var leg = Leg(); leg.disconnect = "0"
        let call = try #require(OthersHarness.read(CUCMReader.self, Self.file([leg])).calls.first)
        #expect(call.endedAt == Timestamp(seconds: 1_452_774_660))
    }

    @Test(arguments: [
        ({ var l = Leg(); l.finalCalled = "9.12678E+11"; return l.csv }(),
         "finalCalledPartyNumber '9.12678E+11' is in scientific notation: a spreadsheet re-save lost its digits"),
        ({ var l = Leg(); l.calling = "3.36461E+09"; return l.csv }(),
         "callingPartyNumber '3.36461E+09' is in scientific notation: a spreadsheet re-save lost its digits"),
        ({ var l = Leg(); l.callID = "8.72E+05"; return l.csv }(), "globalCallID_callId '8.72E+05' is not an integer"),
        ({ var l = Leg(); l.origination = "14/01/2016 12:29"; return l.csv }(), "dateTimeOrigination '14/01/2016 12:29' is not an integer"),
        ({ var l = Leg(); l.connect = ""; return l.csv }(), "dateTimeConnect '' is not an integer"),
        ({ var l = Leg(); l.origination = "999999999999999999"; return l.csv }(), "dateTimeOrigination '999999999999999999' is not an epoch time"),
        ("1,2,3", "3 fields, expected 15 (as in the header)"),
    ])
    func badRowsAreReported(row: String, message: String) {
        var good = Leg(); good.callID = "200"
        let out = OthersHarness.read(CUCMReader.self, Self.file([good]) + "\r\n" + row)
        #expect(out.rows == 2 && out.badRows == 1)
        #expect(out.errors == [message])
        #expect(out.diagnostics.first?.line == 4)
        #expect(out.calls.map(\.callID) == ["1-200"])
    }

    @Test func aHeaderWithoutTheGlobalCallIDIsAnError() {
        let out = OthersHarness.read(CUCMReader.self, "a,b,dateTimeOrigination\n1,2,3\n", name: "x.csv")
        #expect(out.error?.description == "x.csv:1: not a CUCM CDR header: no column globalCallID_callManagerId, globalCallID_callId, dateTimeConnect")
    }

    @Test func detection() {
        #expect(CUCMReader.detect(CDRSample(bytes: Array(Self.file([Leg()]).utf8))) == 95)
        #expect(CUCMReader.detect(CDRSample(bytes: Array("uniqueid,src,dst\n".utf8))) == 0)
    }
}
