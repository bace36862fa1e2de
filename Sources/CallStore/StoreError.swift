import Foundation
import GRDB

/// Why the call store could not do what was asked, with the database path in the message.
///
/// A struct with a private kind (as swift-nio's public errors are), so that new cases can be
/// added without breaking callers; `description` is the sentence the CLI prints.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    enum Kind: Sendable, Hashable {
        case locked
        case notCallscope
        case newerSchema
        case unreadableFile
        case readOnlyDirectory
        case needsMigration
        case sqlite
        /// A server store (ClickHouse) could not be reached or refused a request.
        case server
    }

    let kind: Kind
    /// The sentence the CLI prints, e.g. `callscope.sqlite: database is locked by another import (waited 10 s)`.
    public let description: String

    init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }

    /// Whether another process held the write lock for longer than the busy timeout.
    public var isLocked: Bool { kind == .locked }
    /// Whether the file exists but is not a callscope database (another SQLite schema or not SQLite at all).
    public var isNotCallscopeDatabase: Bool { kind == .notCallscope }
    /// Whether the database was migrated by a newer callscope than this one.
    public var isNewerSchema: Bool { kind == .newerSchema }
    /// Whether the database's directory cannot be written (a read-write open was asked for).
    public var isReadOnlyDirectory: Bool { kind == .readOnlyDirectory }

    static func locked(_ path: String, waited seconds: Double) -> StoreError {
        StoreError(.locked, "\(path): database is locked by another import (waited \(formatSeconds(seconds)) s)")
    }

    static func notCallscope(_ path: String) -> StoreError {
        StoreError(.notCallscope, "\(path): not a callscope database")
    }

    static func newerSchema(_ path: String, version: Int) -> StoreError {
        StoreError(.newerSchema, "\(path): created by a newer callscope (schema v\(version)); this callscope knows up to v\(CallSchema.currentVersion)")
    }

    static func readOnlyDirectory(_ path: String) -> StoreError {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return StoreError(.readOnlyDirectory, "\(path): the directory \(directory) is read-only (a read-only share or mount?): import writes the database and its -wal and -shm files there; give --db a path on a writable disk")
    }

    static func needsMigration(_ path: String) -> StoreError {
        StoreError(.needsMigration, "\(path): made by an older callscope and in a read-only directory, so its schema cannot be upgraded here: run `callscope import` on it once where it can be written")
    }

    static func unreadable(_ path: String, _ reason: String) -> StoreError {
        StoreError(.unreadableFile, "\(path): \(reason)")
    }

    /// Maps an error thrown by GRDB/SQLite to a store error about `path`.
    static func wrapping(_ error: any Error, path: String, busyTimeout: Double, doing action: String) -> StoreError {
        if let store = error as? StoreError { return store }
        if let db = error as? DatabaseError {
            switch db.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED: return .locked(path, waited: busyTimeout)
            case .SQLITE_NOTADB: return .notCallscope(path)
            default: return StoreError(.sqlite, "\(path): \(action): \(db.message ?? "\(db.resultCode)")")
            }
        }
        return StoreError(.sqlite, "\(path): \(action): \(error)")
    }

    private static func formatSeconds(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
