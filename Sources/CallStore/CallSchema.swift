import GRDB

/// The versioned schema of a callscope database (docs/store.md "Schema").
///
/// Each version is one GRDB migration, applied in order and recorded in GRDB's
/// `grdb_migrations` table; `PRAGMA user_version` holds the number of the last one and
/// `PRAGMA application_id` marks the file as a callscope database, so that `sqlite3` users and
/// older callscope binaries can tell what they hold.
enum CallSchema {
    /// `PRAGMA application_id`: "CSCP".
    static let applicationID: Int32 = 0x4353_4350
    /// The migrations this callscope knows, in order.
    static let versions = ["v1", "v2"]
    static var currentVersion: Int { versions.count }

    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                PRAGMA application_id = \(applicationID);
                CREATE TABLE files (
                    id INTEGER PRIMARY KEY,
                    path TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    sha256 TEXT NOT NULL,
                    rows INTEGER NOT NULL,
                    calls INTEGER NOT NULL,
                    bad_rows INTEGER NOT NULL,
                    inserted INTEGER NOT NULL,
                    updated INTEGER NOT NULL,
                    unchanged INTEGER NOT NULL,
                    imported_at TEXT NOT NULL,
                    imported_at_ns INTEGER NOT NULL,
                    UNIQUE (path, sha256)
                );
                CREATE TABLE calls (
                    id INTEGER PRIMARY KEY,
                    call_id TEXT NOT NULL,
                    source TEXT NOT NULL,
                    start TEXT NOT NULL,
                    caller TEXT,
                    dialed TEXT,
                    diverted_from TEXT,
                    outcome TEXT NOT NULL,
                    final_status INTEGER,
                    reason_cause INTEGER,
                    pdd_ms INTEGER,
                    answered_at TEXT,
                    ended_at TEXT,
                    ring_s REAL,
                    talk_s REAL,
                    hold_s REAL NOT NULL,
                    ended_by TEXT,
                    packets INTEGER NOT NULL,
                    retransmissions INTEGER NOT NULL,
                    truncated INTEGER NOT NULL,
                    transport TEXT,
                    agent TEXT,
                    queue TEXT,
                    wait_s REAL,
                    direction TEXT,
                    format TEXT NOT NULL,
                    media TEXT,
                    start_ns INTEGER NOT NULL,
                    answered_at_ns INTEGER,
                    ended_at_ns INTEGER,
                    hold_ns INTEGER NOT NULL,
                    wait_ns INTEGER,
                    natural_key TEXT NOT NULL UNIQUE,
                    content_hash INTEGER NOT NULL,
                    file INTEGER REFERENCES files(id) ON DELETE SET NULL
                );
                CREATE INDEX calls_on_start ON calls(start_ns);
                CREATE INDEX calls_on_caller ON calls(caller);
                CREATE INDEX calls_on_dialed ON calls(dialed);
                CREATE TABLE legs (
                    call INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
                    seq INTEGER NOT NULL,
                    id TEXT NOT NULL,
                    status TEXT NOT NULL,
                    start TEXT NOT NULL,
                    answered INTEGER NOT NULL,
                    destination TEXT,
                    answered_at TEXT,
                    ended_at TEXT,
                    start_ns INTEGER NOT NULL,
                    answered_at_ns INTEGER,
                    ended_at_ns INTEGER,
                    PRIMARY KEY (call, seq)
                ) WITHOUT ROWID;
                PRAGMA user_version = 1;
                """)
        }
        migrator.registerMigration("v2") { db in
            // Counts per format and source (`db stats`) from a covering index instead of the table.
            try db.execute(sql: """
                CREATE INDEX calls_on_format_source ON calls(format, source);
                CREATE INDEX files_on_imported_at ON files(imported_at_ns);
                PRAGMA user_version = 2;
                """)
        }
        return migrator
    }
}
