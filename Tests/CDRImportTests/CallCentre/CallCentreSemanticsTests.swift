import CallModel
import Foundation
import Testing
@testable import CDRImport

/// Call-centre semantics on the hand-made Asterisk files of `Fixtures/call-centre` (their
/// README gives the dialplan and what happened in each call): a system answer is not a
/// person's, the queue_log decides the queue part, IVR drop-offs, transfers and leg talk.
@Suite struct CallCentreSemanticsTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/call-centre")

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: folder.appendingPathComponent(name)))
    }

    static func master() throws -> [Call] {
        try readAsterisk(AsteriskCSVReader(), try bytes("Master.csv"), name: "Master.csv").calls
    }

    static func queueLog() throws -> [Call] {
        try QueueLogRun.read(QueueLogReader.self, bytes: try bytes("queue_log"), path: "queue_log").calls
    }

    static func joined() throws -> [Call] {
        QueueLogJoin.enrich(try master(), with: try queueLog()).calls
    }

    static func call(_ calls: [Call], _ id: String) throws -> Call {
        try #require(calls.first { $0.callID == id }, "no call \(id)")
    }

    static func talk(_ call: Call) -> [String: Int64] {
        var parts: [String: Int64] = [:]
        for leg in call.legs { if let agent = leg.agent, let talk = leg.talkNanoseconds { parts[agent, default: 0] += talk } }
        return parts
    }

    static let s: Int64 = 1_000_000_000

    /// The caller's row says ANSWERED (Answer() in the IVR) and names 201, whose phone only
    /// rang: the queue_log's ABANDON decides, nobody answered, 201 is not credited.
    @Test func ivrAnsweredThenAbandonedInTheQueue() throws {
        for (label, calls) in [("Master.csv", try Self.master()), ("Master.csv + queue_log", try Self.joined())] {
            let call = try Self.call(calls, "1775037600.1")
            #expect(call.outcome == .abandoned, "\(label)")
            #expect(call.answeredAt == nil && call.agent == nil, "\(label)")
            #expect(call.systemAnsweredAt == utc("2026-04-01 10:00:00"), "\(label)")
            #expect(call.legs.allSatisfy { $0.talkNanoseconds == nil }, "\(label)")
        }
        let joined = try Self.call(try Self.joined(), "1775037600.1")
        #expect(joined.waitNanoseconds == 22 * Self.s)   // ABANDON waittime
        #expect(joined.ivrNanoseconds == 8 * Self.s)     // ENTERQUEUE - start
        // From Master.csv alone the queue entry is not written: until 201's phone rang.
        #expect(try Self.call(try Self.master(), "1775037600.1").ivrNanoseconds == 9 * Self.s)
    }

    @Test func callerWhoHangsUpInTheIVRIsAnIVRDropoff() throws {
        let call = try Self.call(try Self.joined(), "1775037900.5")
        #expect(call.outcome == .ivrDropoff)
        #expect(call.answeredAt == nil && call.agent == nil)
        #expect(call.systemAnsweredAt == utc("2026-04-01 10:05:00"))
        #expect(call.ivrNanoseconds == 12 * Self.s)
    }

    /// 201 answers after the IVR and the queue, then blind-transfers to 202: one call, the
    /// first agent's answer, the wait from the start (not the 0 the caller's billsec gives).
    @Test func blindTransferIsOneCallWithTwoAgentLegs() throws {
        for (label, calls) in [("Master.csv", try Self.master()), ("Master.csv + queue_log", try Self.joined())] {
            let call = try Self.call(calls, "1775038200.7")
            #expect(call.outcome == .answered, "\(label)")
            #expect(call.answeredAt == utc("2026-04-01 10:10:16"), "\(label)")
            #expect(call.agent == "201", "\(label)")
            #expect(call.transfers == 1, "\(label)")
            #expect(call.endedAt == utc("2026-04-01 10:15:22"), "\(label)")
            #expect(call.talkTime?.nanoseconds == 306 * Self.s, "\(label)")  // the transfer ring (6 s) included
            #expect(Self.talk(call) == ["201": 120 * Self.s, "202": 180 * Self.s], "\(label)")
            #expect(call.systemAnsweredAt == utc("2026-04-01 10:10:00"), "\(label)")
        }
        #expect(try Self.call(try Self.master(), "1775038200.7").waitNanoseconds == 16 * Self.s)  // answer - start
        #expect(try Self.call(try Self.joined(), "1775038200.7").waitNanoseconds == 6 * Self.s)   // CONNECT holdtime
    }

    /// 201 consults 202 and completes the transfer: 202's part starts at the transfer, not at
    /// the consultation's answer.
    @Test func attendedTransferCreditsEachAgentWithTheirPart() throws {
        for calls in [try Self.master(), try Self.joined()] {
            let call = try Self.call(calls, "1775038800.15")
            #expect(call.outcome == .answered && call.agent == "201" && call.transfers == 1)
            #expect(call.answeredAt == utc("2026-04-01 10:20:05"))
            #expect(call.systemAnsweredAt == nil && call.ivrNanoseconds == nil)  // the queue rang: answered when 201 answered
            #expect(Self.talk(call) == ["201": 95 * Self.s, "202": 180 * Self.s])
        }
    }

    /// queue_log alone: the transfer events count, each CONNECT leg has its agent's talk.
    @Test func queueLogAloneCountsTransfers() throws {
        let calls = try Self.queueLog()
        #expect(calls.map(\.callID) == ["1775037600.1", "1775038200.7", "1775038800.15"])
        let blind = try Self.call(calls, "1775038200.7")
        #expect(blind.transfers == 1 && Self.talk(blind) == ["201": 120 * Self.s])
        #expect(blind.legs.contains { $0.status == "BLINDTRANSFER" && $0.destination == "202" })
        let attended = try Self.call(calls, "1775038800.15")
        #expect(attended.transfers == 1 && Self.talk(attended) == ["201": 95 * Self.s])
        let abandoned = try Self.call(calls, "1775037600.1")
        #expect(abandoned.outcome == .abandoned && abandoned.transfers == 0 && abandoned.agent == nil)
    }
}
