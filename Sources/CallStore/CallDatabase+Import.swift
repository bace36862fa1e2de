import CallModel
import Foundation
import GRDB

/// An input file as the ledger knows it: where it was, how big, and the SHA-256 of its bytes.
public struct FileIdentity: Sendable, Hashable {
    /// The absolute, standardised path (`stdin` for standard input).
    public var path: String
    public var size: Int64
    /// SHA-256 of the content, 64 lowercase hex digits.
    public var sha256: String

    public init(path: String, size: Int64, sha256: String) {
        self.path = path; self.size = size; self.sha256 = sha256
    }

    /// Reads and hashes the file at `path` (in 1 MiB chunks).
    /// - Complexity: O(file size).
    public static func of(path: String) throws(StoreError) -> FileIdentity {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        guard let handle = FileHandle(forReadingAtPath: absolute) else { throw .unreadable(path, "cannot open the file") }
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                chunk.withUnsafeBytes { hasher.update(buffer: $0) }
                size += Int64(chunk.count)
            }
        } catch {
            throw .unreadable(path, "cannot read the file: \(error.localizedDescription)")
        }
        return FileIdentity(path: absolute, size: size, sha256: SHA256.hex(hasher.finalize()))
    }

    /// The identity of bytes that are not a file on disk (standard input).
    public static func of(bytes: [UInt8], path: String = "stdin") -> FileIdentity {
        FileIdentity(path: path, size: Int64(bytes.count), sha256: SHA256.hex(of: bytes))
    }
}

/// What an import did with one file.
public enum ImportOutcome: Sendable, Hashable, CustomStringConvertible {
    /// The file was stored in one transaction.
    case imported(file: FileIdentity, counts: ImportCounts)
    /// The ledger already holds this path with this content, and its calls are stored as they are.
    case alreadyImported(file: FileIdentity, importedAt: Timestamp)
    /// The ledger already holds this file, but this run completed or enriched some of its calls
    /// (the next rotated capture, a queue_log given with it now).
    case completed(file: FileIdentity, importedAt: Timestamp, counts: ImportCounts)

    public var description: String {
        switch self {
        case .imported(let file, let c) where c.calls == 0:
            // A queue_log given with its Master.csv: its calls joined that file's calls.
            return "\(file.path): recorded; no calls of its own"
        case .imported(let file, let c):
            return "\(file.path): \(c.calls) calls, \(c.inserted) new, \(c.updated) updated, \(c.unchanged) unchanged" + (c.pruned > 0 ? ", \(c.pruned) older than the prune date skipped" : "")
        case .alreadyImported(let file, let at):
            return "\(file.path): already imported at \(at.iso8601) (same content), nothing to do"
        case .completed(let file, let at, let c):
            return "\(file.path): already imported at \(at.iso8601); this run completed or enriched \(c.inserted + c.updated) of its calls (\(c.inserted) new, \(c.updated) updated)"
        }
    }
}

/// Calls of one imported file, by what happened to each (docs/store.md "Idempotency").
public struct ImportCounts: Sendable, Hashable {
    /// Calls whose natural key was new.
    public var inserted = 0
    /// Stored calls replaced by this file's version (different content, and not a truncated copy of a complete call).
    public var updated = 0
    /// Calls already stored with the same content, or stored complete while this file has them truncated.
    public var unchanged = 0
    /// Calls older than the prune horizon (`db prune --before`), not stored again.
    public var pruned = 0
    public var calls: Int { inserted + updated + unchanged + pruned }
    public init(inserted: Int = 0, updated: Int = 0, unchanged: Int = 0) {
        self.inserted = inserted; self.updated = updated; self.unchanged = unchanged
    }
}

extension CallDatabase {
    /// Stores the calls read from one file, in one transaction, and records the file in the ledger.
    ///
    /// Calls are matched on their natural key. A new key is inserted; a stored call with the same
    /// content is left alone (its `source` stays the first file that stored it); a stored call with
    /// other content is replaced with its legs, unless the stored call is complete and this one is
    /// truncated. When the ledger already has `file.path` with `file.sha256`, nothing is written.
    ///
    /// - Parameters:
    ///   - rows: records (or packets) read from the file; `badRows`: of those, unusable ones.
    /// - Complexity: O(n log N) for n calls into a store of N.
    public func importFile(_ file: FileIdentity, calls: [Call], rows: Int, badRows: Int) throws(StoreError) -> ImportOutcome {
        try importFile(file, calls: calls, rows: rows, badRows: badRows, afterEachCall: nil)
    }

    /// `importFile(_:calls:rows:badRows:)`, calling `afterEachCall` with each call's index inside
    /// the transaction: the durability test's child process (Tests/CallStoreKillChild) waits there
    /// to be killed in the middle of an import.
    public func importFile(_ file: FileIdentity, calls: [Call], rows: Int, badRows: Int, afterEachCall: ((Int) -> Void)?) throws(StoreError) -> ImportOutcome {
        let now = Timestamp(nanoseconds: Int64(Date().timeIntervalSince1970 * 1e9))
        return try writeTransaction("cannot import \(file.path)") { db -> ImportOutcome in
            // A file already in the ledger still passes its calls through the natural-key rules:
            // this run may have completed them (the rest of a rotated capture) or enriched them
            // (a queue_log joined to an unchanged Master.csv). Only the ledger row is not added.
            let previous = try Row.fetchOne(db, sql: "SELECT id, imported_at_ns FROM files WHERE path = ? AND sha256 = ?", arguments: [file.path, file.sha256])
            let fileID: Int64
            if let previous {
                fileID = previous["id"]
            } else {
                try db.execute(sql: """
                    INSERT INTO files (path, size, sha256, rows, calls, bad_rows, inserted, updated, unchanged, imported_at, imported_at_ns)
                    VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, ?, ?)
                    """, arguments: [file.path, file.size, file.sha256, rows, calls.count, badRows, now.iso8601, now.nanoseconds])
                fileID = db.lastInsertedRowID
            }
            var insert = Binder(try db.makeStatement(sql: CallRow.insertSQL))
            var insertLeg = Binder(try db.makeStatement(sql: CallRow.legInsertSQL))
            var insertMessage = Binder(try db.makeStatement(sql: CallRow.messageInsertSQL))
            var counts = ImportCounts()
            let prunedBefore = try db.tableExists("meta")
                ? Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'pruned_before_ns'") ?? .min
                : .min
            let rebuilt = previous == nil ? try BulkIndexes.dropIfCheaperToRebuild(db, adding: calls.count) : BulkIndexes()
            for (index, call) in calls.enumerated() {
                if call.start.nanoseconds < prunedBefore { counts.pruned += 1; continue }
                let media = MediaJSON.encode(call.media)
                let hash = ContentHash.of(call, media: media)
                CallRow.bind(call, media: media, hash: hash, file: fileID, into: &insert)
                if try insert.step(db) == 1 {
                    let id = db.lastInsertedRowID
                    for (seq, leg) in call.legs.enumerated() {
                        CallRow.bind(leg, call: id, seq: seq, into: &insertLeg)
                        _ = try insertLeg.step(db)
                    }
                    try insertMessages(db, call.messages, call: id, into: &insertMessage)
                    counts.inserted += 1
                } else if try replaceIfNewer(db, call: call, media: media, hash: hash, file: fileID, insertLeg: &insertLeg, insertMessage: &insertMessage, onlyIfRicher: previous != nil) {
                    counts.updated += 1
                } else {
                    counts.unchanged += 1
                }
                afterEachCall?(index)
            }
            try rebuilt.create(db)
            if let previous {
                let importedAt = Timestamp(nanoseconds: previous["imported_at_ns"])
                guard counts.inserted > 0 || counts.updated > 0 else { return .alreadyImported(file: file, importedAt: importedAt) }
                try db.execute(sql: "UPDATE files SET inserted = inserted + ?, updated = updated + ? WHERE id = ?",
                               arguments: [counts.inserted, counts.updated, fileID])
                return .completed(file: file, importedAt: importedAt, counts: counts)
            }
            try db.execute(sql: "UPDATE files SET inserted = ?, updated = ?, unchanged = ? WHERE id = ?",
                           arguments: [counts.inserted, counts.updated, counts.unchanged, fileID])
            return .imported(file: file, counts: counts)
        }
    }

    /// The update rule for a natural key already stored; returns whether the call was replaced.
    /// - Parameter onlyIfRicher: for a file already in the ledger: replace only when the new
    ///   copy completes a truncated call or adds queue data, never to lose what a run with more
    ///   inputs stored (a Master.csv re-run alone after a run with its queue_log).
    private func replaceIfNewer(_ db: Database, call: Call, media: String?, hash: Int64, file: Int64, insertLeg: inout Binder, insertMessage: inout Binder, onlyIfRicher: Bool = false) throws -> Bool {
        let select = try db.cachedStatement(sql: "SELECT id, truncated, content_hash, queue FROM calls WHERE natural_key = ?")
        guard let row = try Row.fetchOne(select, arguments: [CallRow.naturalKey(call)]) else { return false }
        let id: Int64 = row[0]
        let storedTruncated: Bool = row[1]
        let storedHash: Int64 = row[2]
        let storedQueue: String? = row[3]
        if storedHash == hash || (!storedTruncated && call.truncated) { return false }
        if onlyIfRicher {
            let completes = storedTruncated && !call.truncated
            let enriches = storedQueue == nil && call.queue != nil
            guard completes || enriches else { return false }
        }
        var update = Binder(try db.cachedStatement(sql: CallRow.updateSQL))
        CallRow.bind(call, media: media, hash: hash, file: file, into: &update)
        update.bind(id)
        _ = try update.step(db)
        try db.cachedStatement(sql: "DELETE FROM legs WHERE call = ?").execute(arguments: [id])
        for (seq, leg) in call.legs.enumerated() {
            CallRow.bind(leg, call: id, seq: seq, into: &insertLeg)
            _ = try insertLeg.step(db)
        }
        try db.cachedStatement(sql: "DELETE FROM messages WHERE call = ?").execute(arguments: [id])
        try insertMessages(db, call.messages, call: id, into: &insertMessage)
        return true
    }

    /// The SIP ladder of the stored call `id` (schema v5 `messages`).
    private func insertMessages(_ db: Database, _ messages: [SIPMessageSummary], call id: Int64, into insert: inout Binder) throws {
        for (seq, message) in messages.enumerated() {
            CallRow.bind(message, call: id, seq: seq, into: &insert)
            _ = try insert.step(db)
        }
    }
}

/// The secondary indexes of `calls` (start, caller, dialed, format and source, UTM source) during
/// a bulk import: inserting a large file's calls one by one into each index costs a random B-tree
/// descent per call and index, while making an index again after the inserts sorts once. When a
/// file not in the ledger yet brings at least ``minimumCalls`` calls and at least as many as
/// are stored, they are
/// dropped before its inserts and made again from their own `CREATE INDEX` text before the
/// commit, in the same transaction: readers keep seeing the old snapshot with its indexes, and
/// an import stopped half-way rolls the drop back with the rest. The unique natural-key index
/// stays: the idempotency rules (docs/store.md) look calls up through it during the import.
struct BulkIndexes {
    static let minimumCalls = 50_000
    private(set) var statements: [String] = []

    static func dropIfCheaperToRebuild(_ db: Database, adding calls: Int) throws -> BulkIndexes {
        guard calls >= minimumCalls else { return BulkIndexes() }
        // The highest id bounds the stored calls from above in O(log N) (count(*) reads an index).
        let stored = try Int64.fetchOne(db, sql: "SELECT max(id) FROM calls") ?? 0
        guard Int64(calls) >= stored else { return BulkIndexes() }
        let indexes = try Row.fetchAll(db, sql: """
            SELECT name, sql FROM sqlite_master
            WHERE type = 'index' AND tbl_name = 'calls' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE %'
            ORDER BY name
            """)
        var dropped = BulkIndexes()
        for index in indexes {
            let name: String = index[0]
            dropped.statements.append(index[1])
            try db.execute(sql: "DROP INDEX \(name)")
        }
        return dropped
    }

    /// Makes the dropped indexes again (nothing when none was dropped).
    func create(_ db: Database) throws {
        for statement in statements { try db.execute(sql: statement) }
    }
}