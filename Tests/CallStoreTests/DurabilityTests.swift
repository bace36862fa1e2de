import CallModel
@testable import CallStore
import Foundation
import GRDB
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

@Suite struct DurabilityTests {
    /// Two connections (as two `callscope import` processes would have) import overlapping
    /// files at once: one waits for the other's transaction, both complete, no call is lost or doubled.
    @Test func concurrentImportsWaitForEachOther() async throws {
        let dir = TemporaryDirectory()
        let path = dir.file("a.sqlite")
        let first = try CallDatabase(path: path)
        let second = try CallDatabase(path: path)
        let a = (0..<20_000).map { cdrCall("c\($0)", Int64($0), source: "a.csv") }
        let b = (15_000..<30_000).map { cdrCall("c\($0)", Int64($0), source: "b.csv") }
        async let outcomeA = Task.detached { try first.importFile(identity("a.csv"), calls: a, rows: a.count, badRows: 0) }.value
        async let outcomeB = Task.detached { try second.importFile(identity("b.csv"), calls: b, rows: b.count, badRows: 0) }.value
        let (countsA, countsB) = try await (outcomeA.counts, outcomeB.counts)
        let total = (countsA?.inserted ?? 0) + (countsB?.inserted ?? 0)
        #expect(total == 30_000)
        #expect((countsA?.unchanged ?? 0) + (countsB?.unchanged ?? 0) == 5_000)
        let stats = try first.stats()
        #expect(stats.calls == 30_000 && stats.legs == 30_000 && stats.files == 2)
    }

    /// A writer that holds the lock past the busy timeout makes the import fail with a clear message,
    /// and leaves nothing behind.
    @Test func aLockHeldTooLongFailsClearly() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("a.sqlite")
        // An earlier import, still open: the WAL file exists, as it does while `callscope import` runs.
        let earlier = try CallDatabase(path: path)
        _ = try earlier.importFile(identity("z.csv"), calls: [cdrCall("0", 0)], rows: 1, badRows: 0)
        var unsafe = Configuration()
        unsafe.allowsUnsafeTransactions = true  // keep a transaction open across accesses, as another process would
        let holder = try DatabaseQueue(path: path, configuration: unsafe)
        try holder.inDatabase { try $0.execute(sql: "BEGIN IMMEDIATE") }
        let db = try CallDatabase(path: path, busyTimeout: 0.3)
        #expect(try db.allCalls().count == 1)  // readers are not blocked (WAL)
        #expect { try db.importFile(identity("a.csv"), calls: [cdrCall("1", 0)], rows: 1, badRows: 0) } throws: { error in
            (error as? StoreError)?.isLocked == true
                && "\(error)" == "\(path): database is locked by another import (waited 0.3 s)"
        }
        try holder.inDatabase { try $0.execute(sql: "ROLLBACK") }
        #expect(try db.stats().files == 1)
        #expect(try db.importFile(identity("a.csv"), calls: [cdrCall("1", 1)], rows: 1, badRows: 0).counts == ImportCounts(inserted: 1))
    }

    /// A reader sees the state before an import until it commits, never half of it.
    @Test func readersSeeWholeImportsOnly() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("a.sqlite")
        let writer = try CallDatabase(path: path)
        let reader = try CallDatabase(path: path)
        _ = try writer.importFile(identity("a.csv"), calls: [cdrCall("0", 0)], rows: 1, badRows: 0)
        var seenDuring: [Int] = []
        _ = try writer.importFile(identity("b.csv"), calls: (1...100).map { cdrCall("\($0)", Int64($0)) }, rows: 100, badRows: 0) { index in
            if index % 25 == 0 { seenDuring.append((try? reader.stats().calls) ?? -1) }
        }
        #expect(seenDuring == [1, 1, 1, 1])
        #expect(try reader.stats().calls == 101)
    }

    /// The real thing: a child process (`CallStoreKillChild`, a helper executable of this
    /// package) imports `tuesday` and is killed with SIGKILL in the middle of the import's
    /// transaction. The database stays consistent, holds exactly what was committed before,
    /// and a re-run of the import completes it.
    @Test func anImportKilledHalfWayLeavesTheDatabaseConsistent() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("a.sqlite")
        let marker = path + ".halfway"
        let source = dir.file("tuesday.sqlite")
        let tuesdayFile = identity("tue.csv")
        do {
            let db = try CallDatabase(path: path)
            _ = try db.importFile(identity("mon.csv"), calls: Self.monday, rows: Self.monday.count, badRows: 0)
            // The calls the child imports, handed over in a store of their own.
            _ = try CallDatabase(path: source).importFile(tuesdayFile, calls: Self.tuesday, rows: Self.tuesday.count, badRows: 0)
        }
        let child = Process()
        child.executableURL = ProcessRunner.builtExecutable("CallStoreKillChild")
        child.arguments = [source, path, tuesdayFile.path, tuesdayFile.sha256, "1500"]
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        try child.run()
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: marker) && child.isRunning && Date() < deadline { usleep(20_000) }
        let reachedHalfway = FileManager.default.fileExists(atPath: marker)
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        #expect(reachedHalfway, "the child never reached the middle of its import")
        #expect(child.terminationReason == .uncaughtSignal)

        let db = try CallDatabase(path: path)
        let check = try db.pool.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
        #expect(check == ["ok"])
        let fkCheck = try db.pool.read { try Row.fetchAll($0, sql: "PRAGMA foreign_key_check") }
        #expect(fkCheck.isEmpty)
        var stats = try db.stats()
        #expect(stats.calls == Self.monday.count && stats.files == 1)
        let rerun = try db.importFile(identity("tue.csv"), calls: Self.tuesday, rows: Self.tuesday.count, badRows: 0)
        #expect(rerun.counts == ImportCounts(inserted: 2_000, unchanged: 1_000))
        stats = try db.stats()
        #expect(stats.calls == 4_000 && stats.legs == 4_000 && stats.files == 2)
    }

    static let monday = (0..<2_000).map { cdrCall("c\($0)", Int64($0), source: "mon.csv") }
    static let tuesday = (1_000..<4_000).map { cdrCall("c\($0)", Int64($0), source: "tue.csv") }
}
