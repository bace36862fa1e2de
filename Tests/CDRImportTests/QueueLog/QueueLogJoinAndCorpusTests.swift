import CallModel
import Foundation
import Testing
@testable import CDRImport
import TestSupport

@Suite struct QueueLogJoinTests {
    private func cdrCall(_ id: String, legs: [String] = [], agent: String? = nil) -> Call {
        Call(
            callID: id, source: "Master.csv", start: Timestamp(seconds: 100), caller: "5550100", outcome: .answered,
            answeredAt: Timestamp(seconds: 110), endedAt: Timestamp(seconds: 200), agent: agent, waitNanoseconds: 10_000_000_000,
            format: "asterisk-csv", packets: legs.count,
            legs: legs.map { CallLeg(id: $0, status: "ANSWERED", start: Timestamp(seconds: 100), answered: true) })
    }

    private func queueCall(_ id: String, agent: String? = "201", wait: Int64? = 7_000_000_000) -> Call {
        Call(
            callID: id, source: "queue_log", start: Timestamp(seconds: 101), caller: "999", outcome: .answered,
            answeredAt: Timestamp(seconds: 108), endedAt: Timestamp(seconds: 190), endedBy: .caller, agent: agent,
            queue: "sales", waitNanoseconds: wait, format: "queue-log", packets: 3)
    }

    @Test func matchOnCallIDEnrichesAndKeepsTheRest() {
        let cdr = cdrCall("1700000000.1", agent: "Local/201")
        let (calls, joined) = QueueLogJoin.enrich([cdr], with: [queueCall("1700000000.1")])
        #expect(joined == 1 && calls.count == 1)
        let call = calls[0]
        #expect(call.queue == "sales" && call.agent == "201" && call.waitNanoseconds == 7_000_000_000 && call.endedBy == .caller)
        // Everything else is the CDR's.
        #expect(call.source == "Master.csv" && call.format == "asterisk-csv" && call.caller == "5550100")
        #expect(call.start == cdr.start && call.endedAt == cdr.endedAt && call.packets == 0)
        // The queue's CONNECT is the agent's answer.
        #expect(call.answeredAt == Timestamp(seconds: 108) && call.outcome == .answered)
    }

    @Test func matchOnALegIDOfALinkedIDCall() {
        let cdr = cdrCall("1700000000.0", legs: ["1700000000.0", "1700000000.7"], agent: "202")
        let (calls, joined) = QueueLogJoin.enrich([cdr], with: [queueCall("1700000000.7", agent: nil, wait: nil)])
        #expect(joined == 1 && calls.count == 1)
        #expect(calls[0].queue == "sales" && calls[0].endedBy == .caller)
        #expect(calls[0].agent == "202" && calls[0].waitNanoseconds == 10_000_000_000)  // the queue call knew neither
    }

    /// The CDR writes NO ANSWER for a caller who abandoned in the queue: the queue_log says which.
    @Test func queueOutcomeReplacesAnUnansweredCDROutcome() {
        var unanswered = cdrCall("u1")
        unanswered.outcome = .noAnswer
        var abandoned = queueCall("u1", agent: nil)
        abandoned.outcome = .abandoned
        #expect(QueueLogJoin.enrich([unanswered], with: [abandoned]).calls.first?.outcome == .abandoned)
        // The queue decides its part whatever the CDR says: an IVR's ANSWERED is not an agent's.
        let overridden = QueueLogJoin.enrich([cdrCall("a1", agent: "201")], with: [{ var q = queueCall("a1", agent: nil); q.outcome = .abandoned; q.answeredAt = nil; return q }()]).calls.first
        #expect(overridden?.outcome == .abandoned && overridden?.answeredAt == nil && overridden?.agent == nil)
        #expect(overridden?.systemAnsweredAt == Timestamp(seconds: 110))
    }

    @Test func unmatchedQueueCallsAreKeptAsTheyAre() {
        let other = queueCall("q-only")
        let (calls, joined) = QueueLogJoin.enrich([cdrCall("a"), cdrCall("b", legs: ["b1"])], with: [queueCall("b1"), other])
        #expect(joined == 1)
        #expect(calls.map(\.callID) == ["a", "b", "q-only"])
        #expect(calls[0].queue == nil && calls[1].queue == "sales")
        #expect(calls[2] == other)
    }
}

@Suite struct QueueLogDetectionTests {
    @Test func stockLinesAndTableHeaders() {
        let stock = CDRSample(bytes: Array("1700000000|NONE|NONE|NONE|QUEUESTART|\n1700000001|c1|q|NONE|ENTERQUEUE||200|1\n".utf8))
        #expect(QueueLogReader.detect(stock) > 50)
        #expect(QueueLogSQLReader.detect(stock) < 50)
        let table = CDRSample(bytes: Array("time,callid,queuename,agent,event,data1\n".utf8))
        #expect(QueueLogReader.detect(table) > 50)
        let notQueue = CDRSample(bytes: Array("1700000000|a|b|c|lowercase\n".utf8))
        #expect(QueueLogReader.detect(notQueue) < 50)
    }
}

/// The two queue_log files of the public corpus, against REFERENCE.tsv.
@Suite struct QueueLogCorpusTests {
    static let textFile = "queue-log__voipreports1__queue_log.csv"
    static let sqlFile = "queue-log-sql__MalariaPBX__baseAsterisk-queue_log.sql"

    @Test func tableExportMatchesReference() throws {
        let bytes = try #require(Corpus.cdrBytes(Self.textFile), "\(Corpus.cdr.path) not found")
        let run = try QueueLogRun.read(QueueLogReader.self, bytes: bytes, path: Self.textFile)
        #expect(run.rows == 1000)
        #expect(run.badRows == 0)
        #expect(run.calls.count == 108)
        #expect(run.calls.filter { $0.outcome == .answered }.count == 93)
        // Notes of REFERENCE.tsv: ABANDON=12, EXITWITHTIMEOUT=1, 2 calls without an outcome.
        #expect(run.calls.filter { $0.outcome == .abandoned }.count == 12)
        #expect(run.calls.filter { $0.outcome == .noAnswer }.count == 1)
        #expect(run.calls.filter { $0.outcome == .unknown && $0.truncated }.count == 2)
        #expect(run.calls.allSatisfy { $0.format == "queue-log" && $0.caller != nil })
        // ADDMEMBER=26, AGENTCALLBACKLOGIN=14, AGENTCALLBACKLOGOFF=10, REMOVEMEMBER=10.
        #expect(run.result.agentEvents.filter { $0.callID == nil }.count == 60)
        #expect(run.diagnostics.isEmpty)
        #expect(zip(run.calls, run.calls.dropFirst()).allSatisfy { $0.start <= $1.start })
    }

    @Test func sqlDumpMatchesReference() throws {
        let bytes = try #require(Corpus.cdrBytes(Self.sqlFile), "\(Corpus.cdr.path) not found")
        let run = try QueueLogRun.read(QueueLogSQLReader.self, bytes: bytes, path: Self.sqlFile)
        #expect(run.rows == 85)
        #expect(run.badRows == 0)
        #expect(run.calls.count == 8)
        #expect(run.calls.filter { $0.outcome == .answered }.count == 2)
        #expect(run.calls.filter { $0.outcome == .abandoned }.count == 5)
        #expect(run.calls.filter { $0.outcome == .noAnswer }.count == 1)
        #expect(run.calls.allSatisfy { !$0.truncated })
        #expect(run.diagnostics.isEmpty)
    }

    @Test func detectionOnEveryCorpusFile() throws {
        try #require(Corpus.hasCDR, "\(Corpus.cdr.path) not found")
        let dir = Corpus.cdr
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .filter { $0.hasSuffix(".csv") || $0.hasSuffix(".sql") || $0.hasSuffix(".json") }
        #expect(names.count >= 18)
        for name in names {
            let data = try #require(FileManager.default.contents(atPath: dir.appendingPathComponent(name).path))
            let sample = CDRSample(bytes: Array(data))
            let text = QueueLogReader.detect(sample), sql = QueueLogSQLReader.detect(sample)
            switch name {
            case Self.textFile: #expect(text > 50 && sql < 50, "\(name)")
            case Self.sqlFile: #expect(sql > 50 && text < 50, "\(name)")
            default: #expect(text < 50 && sql < 50, "\(name): queue-log \(text), queue-log-sql \(sql)")
            }
        }
    }
}
