import CallModel
@testable import CallStore
import Foundation
import GRDB
import Testing
import TestSupport

/// A large file into a small store: the secondary indexes of `calls` are dropped during the
/// inserts and made again before the commit (`BulkIndexes`); the store must end with the same
/// indexes, the same rules and the same answers as a call-by-call import.
@Suite struct BulkImportTests {
    static func calls(_ count: Int, from first: Int = 0) -> [Call] {
        (first..<first + count).map { i in
            let start = Timestamp(nanoseconds: 1_772_442_000_000_000_000 + Int64(i) * 1_000_000_000)
            return Call(callID: "bulk-\(i)", source: "Master.csv", start: start, caller: "+4420\(7_000_000 + i % 9_973)",
                        dialed: "+44800\(i % 17)", outcome: i % 3 == 0 ? .noAnswer : .answered, endedAt: Timestamp(nanoseconds: start.nanoseconds + 30_000_000_000),
                        agent: "agent-\(i % 40)", format: "asterisk-csv",
                        legs: [CallLeg(id: "bulk-\(i).1", status: "ANSWERED", start: start, answered: i % 3 != 0, destination: "SIP/\(i % 40)")])
        }
    }

    static func indexes(_ db: CallDatabase) throws -> [String] {
        try db.read("indexes") { try String.fetchAll($0, sql: "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name") }
    }

    @Test func aBulkImportKeepsTheIndexesAndTheRules() throws {
        let dir = TemporaryDirectory()
        let db = try CallDatabase(path: dir.file("bulk.sqlite"))
        let before = try Self.indexes(db)
        #expect(before.contains { $0.contains("calls_on_caller") })
        let first = Self.calls(BulkIndexes.minimumCalls)
        let file = FileIdentity(path: "/data/Master.csv", size: 1, sha256: String(repeating: "a", count: 64))
        #expect(try db.importFile(file, calls: first, rows: first.count, badRows: 0).description == "/data/Master.csv: 50000 calls, 50000 new, 0 updated, 0 unchanged")
        #expect(try Self.indexes(db) == before)
        #expect(try db.read("check") { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
        let plan = try db.read("plan") { try Row.fetchAll($0, sql: "EXPLAIN QUERY PLAN SELECT id FROM calls WHERE caller = '+44207000001'").map { $0["detail"] as String? ?? "" } }
        #expect(plan.joined().contains("calls_on_caller"), "\(plan)")

        // A second large file overlapping half of the first, one call changed: the natural-key rules as ever.
        var second = Self.calls(BulkIndexes.minimumCalls, from: BulkIndexes.minimumCalls / 2)
        second[0].agent = "someone else"
        let next = FileIdentity(path: "/data/Master-2.csv", size: 1, sha256: String(repeating: "b", count: 64))
        #expect(try db.importFile(next, calls: second, rows: second.count, badRows: 0).description == "/data/Master-2.csv: 50000 calls, 25000 new, 1 updated, 24999 unchanged")
        #expect(try Self.indexes(db) == before)
        let stored = try db.calls(from: nil, to: nil)
        #expect(stored.count == 75_000)
        #expect(stored[25_000] == second[0])
        #expect(stored.prefix(25_000).elementsEqual(first.prefix(25_000)))
        // The same file again: nothing, indexes untouched.
        #expect(try db.importFile(next, calls: second, rows: second.count, badRows: 0).description.hasSuffix("(same content), nothing to do"))
        #expect(try db.read("check") { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
    }
}
