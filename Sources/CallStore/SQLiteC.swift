#if canImport(GRDBSQLite)
import GRDBSQLite
#else
import SQLite3
#endif
import GRDB

/// Binds values to a prepared statement through the SQLite C API, one parameter after the other.
///
/// The import hot path: GRDB's `StatementArguments` box every value in an existential and an
/// array, which costs more than SQLite's own insert work; this writes them straight in.
struct Binder {
    /// Keeps the statement alive: GRDB finalizes it on deinit.
    let owner: Statement
    let statement: OpaquePointer
    private var index: Int32 = 0
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ statement: Statement) {
        self.owner = statement
        self.statement = statement.sqliteStatement
    }

    mutating func bind(_ value: String?) {
        index += 1
        guard var value else { sqlite3_bind_null(statement, index); return }
        value.withUTF8 { bytes in
            // An empty string has no base address; bind "" rather than NULL.
            if let base = bytes.baseAddress {
                _ = sqlite3_bind_text(statement, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(bytes.count), Self.transient)
            } else {
                _ = sqlite3_bind_text(statement, index, "", 0, Self.transient)
            }
        }
    }

    mutating func bind(_ value: Int64?) {
        index += 1
        if let value { sqlite3_bind_int64(statement, index, value) } else { sqlite3_bind_null(statement, index) }
    }

    mutating func bind(_ value: Int?) { bind(value.map(Int64.init)) }
    mutating func bind(_ value: Bool) { bind(Int64(value ? 1 : 0)) }

    /// Runs the statement once and resets it; returns `sqlite3_changes`.
    mutating func step(_ db: Database) throws -> Int {
        index = 0
        let rc = sqlite3_step(statement)
        sqlite3_reset(statement)
        guard rc == SQLITE_DONE else { throw sqliteError(db, rc) }
        return Int(sqlite3_changes(db.sqliteConnection))
    }
}

func sqliteError(_ db: Database, _ rc: Int32) -> DatabaseError {
    let message = db.sqliteConnection.map { String(cString: sqlite3_errmsg($0)) }
    return DatabaseError(resultCode: ResultCode(rawValue: rc), message: message)
}

/// Reads the current row of a stepped statement through the SQLite C API.
struct Columns {
    let statement: OpaquePointer

    func isNull(_ i: Int32) -> Bool { sqlite3_column_type(statement, i) == SQLITE_NULL }
    func int64(_ i: Int32) -> Int64 { sqlite3_column_int64(statement, i) }
    func int(_ i: Int32) -> Int { Int(sqlite3_column_int64(statement, i)) }
    func int64OrNil(_ i: Int32) -> Int64? { isNull(i) ? nil : int64(i) }
    func intOrNil(_ i: Int32) -> Int? { isNull(i) ? nil : int(i) }
    func bool(_ i: Int32) -> Bool { sqlite3_column_int64(statement, i) != 0 }
    func timestamp(_ i: Int32) -> Int64? { isNull(i) ? nil : int64(i) }

    func string(_ i: Int32) -> String {
        guard let text = sqlite3_column_text(statement, i) else { return "" }
        return String(decoding: UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(statement, i))), as: UTF8.self)
    }

    func stringOrNil(_ i: Int32) -> String? { isNull(i) ? nil : string(i) }
}

/// A column whose few values repeat from row to row (source file, format, outcome, direction):
/// each distinct value is built and parsed once, then found by its bytes. Building a `String`
/// per row for them was a quarter of the narrow read's Swift side (docs/performance.md "Dashboard").
struct RepeatedColumn<Value> {
    let column: Int32
    private let parse: (String) -> Value
    /// Up to `limit` values seen, with their bytes; past that, values are built each time.
    private var seen: [(bytes: [UInt8], value: Value)] = []
    private let limit = 16

    init(_ column: Int32, _ parse: @escaping (String) -> Value) { self.column = column; self.parse = parse }

    /// The parsed value of the current row's text; nil when the column is NULL.
    mutating func read(_ row: Columns) -> Value? {
        guard let text = sqlite3_column_text(row.statement, column) else { return nil }
        let bytes = UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(row.statement, column)))
        for entry in seen where entry.bytes.elementsEqual(bytes) { return entry.value }
        let value = parse(String(decoding: bytes, as: UTF8.self))
        if seen.count < limit { seen.append((Array(bytes), value)) }
        return value
    }
}

/// Steps `statement` (already bound) over its rows, calling `body` with each.
func forEachRow(_ db: Database, _ statement: Statement, _ body: (Columns) throws -> Void) throws {
    let handle = statement.sqliteStatement
    defer { sqlite3_reset(handle) }
    let columns = Columns(statement: handle)
    while true {
        let rc = sqlite3_step(handle)
        if rc == SQLITE_DONE { return }
        guard rc == SQLITE_ROW else { throw sqliteError(db, rc) }
        try body(columns)
    }
}
