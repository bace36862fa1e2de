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
    static let versions = ["v1", "v2", "v3", "v4"]
    static var currentVersion: Int { versions.count }

    /// SQL for the README's time format (ISO-8601 UTC, milliseconds truncated) of a nanosecond
    /// column; NULL stays NULL. Same text as `Timestamp.iso8601`, floor division included.
    static func iso(_ ns: String) -> String {
        let floorSeconds = "((\(ns)) - (((\(ns)) % 1000000000) + 1000000000) % 1000000000) / 1000000000"
        let millis = "((((\(ns)) % 1000000000) + 1000000000) % 1000000000) / 1000000"
        return "strftime('%Y-%m-%dT%H:%M:%S', \(floorSeconds), 'unixepoch') || printf('.%03dZ', \(millis))"
    }

    /// SQL for the README's seconds (three decimals, rounded half away from zero to the
    /// millisecond) of a nanosecond expression; NULL stays NULL. Same value as `Duration3`.
    static func seconds(_ ns: String) -> String {
        "(CASE WHEN (\(ns)) >= 0 THEN ((\(ns)) + 500000) / 1000000 ELSE ((\(ns)) - 500000) / 1000000 END) / 1000.0"
    }

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
                    start TEXT GENERATED ALWAYS AS (\(iso("start_ns"))) VIRTUAL,
                    caller TEXT,
                    dialed TEXT,
                    diverted_from TEXT,
                    outcome TEXT NOT NULL,
                    final_status INTEGER,
                    reason_cause INTEGER,
                    pdd_ms INTEGER,
                    answered_at TEXT GENERATED ALWAYS AS (\(iso("answered_at_ns"))) VIRTUAL,
                    ended_at TEXT GENERATED ALWAYS AS (\(iso("ended_at_ns"))) VIRTUAL,
                    ring_s REAL GENERATED ALWAYS AS (\(seconds("coalesce(answered_at_ns, ended_at_ns) - start_ns"))) VIRTUAL,
                    talk_s REAL GENERATED ALWAYS AS (CASE WHEN ended_at_ns IS NULL THEN NULL WHEN answered_at_ns IS NULL THEN 0.0 ELSE \(seconds("max(0, ended_at_ns - answered_at_ns)")) END) VIRTUAL,
                    hold_s REAL GENERATED ALWAYS AS (\(seconds("hold_ns"))) VIRTUAL,
                    ended_by TEXT,
                    packets INTEGER NOT NULL,
                    retransmissions INTEGER NOT NULL,
                    truncated INTEGER NOT NULL,
                    transport TEXT,
                    agent TEXT,
                    queue TEXT,
                    wait_s REAL GENERATED ALWAYS AS (\(seconds("wait_ns"))) VIRTUAL,
                    direction TEXT,
                    format TEXT NOT NULL,
                    media TEXT,
                    start_ns INTEGER NOT NULL,
                    answered_at_ns INTEGER,
                    ended_at_ns INTEGER,
                    hold_ns INTEGER NOT NULL,
                    wait_ns INTEGER,
                    natural_key TEXT GENERATED ALWAYS AS (CASE WHEN format = 'pcap' THEN 'sip:' || call_id || '@' || start ELSE format || ':' || call_id END) VIRTUAL,
                    content_hash INTEGER NOT NULL,
                    file INTEGER REFERENCES files(id) ON DELETE SET NULL
                );
                CREATE UNIQUE INDEX calls_on_natural_key ON calls(natural_key);
                CREATE INDEX calls_on_start ON calls(start_ns);
                CREATE INDEX calls_on_caller ON calls(caller);
                CREATE INDEX calls_on_dialed ON calls(dialed);
                CREATE TABLE legs (
                    call INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
                    seq INTEGER NOT NULL,
                    id TEXT NOT NULL,
                    status TEXT NOT NULL,
                    start TEXT GENERATED ALWAYS AS (\(iso("start_ns"))) VIRTUAL,
                    answered INTEGER NOT NULL,
                    destination TEXT,
                    answered_at TEXT GENERATED ALWAYS AS (\(iso("answered_at_ns"))) VIRTUAL,
                    ended_at TEXT GENERATED ALWAYS AS (\(iso("ended_at_ns"))) VIRTUAL,
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
        migrator.registerMigration("v3") { db in
            // The prune horizon: calls that started before it are not stored again by a later
            // import (a Master.csv that keeps growing, a re-run of an old file).
            try db.execute(sql: """
                CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL);
                PRAGMA user_version = 3;
                """)
        }
        migrator.registerMigration("v4") { db in
            // Call-centre semantics (README "Outcomes"): the system answer apart from a person's,
            // the time in the IVR, transfers, and each agent leg's own talk. Calls stored before
            // keep NULL (not known) and 0 transfers until their file is imported again.
            try db.execute(sql: """
                ALTER TABLE calls ADD COLUMN system_answered_at_ns INTEGER;
                ALTER TABLE calls ADD COLUMN ivr_ns INTEGER;
                ALTER TABLE calls ADD COLUMN transfers INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE calls ADD COLUMN system_answered_at TEXT GENERATED ALWAYS AS (\(iso("system_answered_at_ns"))) VIRTUAL;
                ALTER TABLE calls ADD COLUMN ivr_s REAL GENERATED ALWAYS AS (\(seconds("ivr_ns"))) VIRTUAL;
                ALTER TABLE legs ADD COLUMN agent TEXT;
                ALTER TABLE legs ADD COLUMN talk_ns INTEGER;
                ALTER TABLE legs ADD COLUMN talk_s REAL GENERATED ALWAYS AS (\(seconds("talk_ns"))) VIRTUAL;
                PRAGMA user_version = 4;
                """)
        }
        return migrator
    }
}
