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
    static var versions: [String] { migrations.map(\.version) }
    /// The number of the last migration (`v6`: 6), which its SQL writes in `PRAGMA user_version`.
    /// Read from the name rather than counted, so that versions numbered apart can land apart.
    static var currentVersion: Int { migrations.last.flatMap { Int($0.version.dropFirst()) } ?? 0 }

    /// The migrations, in order: each one's SQL text exactly as the callscope that introduced it
    /// applied it. Frozen: a database migrated by an older callscope holds what this text made,
    /// so it is never edited (`CallStoreTests.migrationTextsAreFrozen` pins their SHA-256) and
    /// nothing is interpolated into it; a schema change is a new version appended here.
    ///
    /// Generated columns turn the nanosecond columns into the README's text: times as ISO-8601
    /// UTC with milliseconds truncated (as `Timestamp.iso8601`, floor division included) and
    /// seconds with three decimals rounded half away from zero to the millisecond (as
    /// `Duration3`); NULL stays NULL. `PRAGMA application_id` 1129530192 is "CSCP".
    static let migrations: [(version: String, sql: String)] = [
        ("v1", """
        PRAGMA application_id = 1129530192;
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
            start TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', ((start_ns) - (((start_ns) % 1000000000) + 1000000000) % 1000000000) / 1000000000, 'unixepoch') || printf('.%03dZ', ((((start_ns) % 1000000000) + 1000000000) % 1000000000) / 1000000)) VIRTUAL,
            caller TEXT,
            dialed TEXT,
            diverted_from TEXT,
            outcome TEXT NOT NULL,
            final_status INTEGER,
            reason_cause INTEGER,
            pdd_ms INTEGER,
            answered_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', ((answered_at_ns) - (((answered_at_ns) % 1000000000) + 1000000000) % 1000000000) / 1000000000, 'unixepoch') || printf('.%03dZ', ((((answered_at_ns) % 1000000000) + 1000000000) % 1000000000) / 1000000)) VIRTUAL,
            ended_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', ((ended_at_ns) - (((ended_at_ns) % 1000000000) + 1000000000) % 1000000000) / 1000000000, 'unixepoch') || printf('.%03dZ', ((((ended_at_ns) % 1000000000) + 1000000000) % 1000000000) / 1000000)) VIRTUAL,
            ring_s REAL GENERATED ALWAYS AS ((CASE WHEN (coalesce(answered_at_ns, ended_at_ns) - start_ns) >= 0 THEN ((coalesce(answered_at_ns, ended_at_ns) - start_ns) + 500000) / 1000000 ELSE ((coalesce(answered_at_ns, ended_at_ns) - start_ns) - 500000) / 1000000 END) / 1000.0) VIRTUAL,
            talk_s REAL GENERATED ALWAYS AS (CASE WHEN ended_at_ns IS NULL THEN NULL WHEN answered_at_ns IS NULL THEN 0.0 ELSE (CASE WHEN (max(0, ended_at_ns - answered_at_ns)) >= 0 THEN ((max(0, ended_at_ns - answered_at_ns)) + 500000) / 1000000 ELSE ((max(0, ended_at_ns - answered_at_ns)) - 500000) / 1000000 END) / 1000.0 END) VIRTUAL,
            hold_s REAL GENERATED ALWAYS AS ((CASE WHEN (hold_ns) >= 0 THEN ((hold_ns) + 500000) / 1000000 ELSE ((hold_ns) - 500000) / 1000000 END) / 1000.0) VIRTUAL,
            ended_by TEXT,
            packets INTEGER NOT NULL,
            retransmissions INTEGER NOT NULL,
            truncated INTEGER NOT NULL,
            transport TEXT,
            agent TEXT,
            queue TEXT,
            wait_s REAL GENERATED ALWAYS AS ((CASE WHEN (wait_ns) >= 0 THEN ((wait_ns) + 500000) / 1000000 ELSE ((wait_ns) - 500000) / 1000000 END) / 1000.0) VIRTUAL,
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
            start TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', ((start_ns) - (((start_ns) % 1000000000) + 1000000000) % 1000000000) / 1000000000, 'unixepoch') || printf('.%03dZ', ((((start_ns) % 1000000000) + 1000000000) % 1000000000) / 1000000)) VIRTUAL,
            answered INTEGER NOT NULL,
            destination TEXT,
            answered_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', ((answered_at_ns) - (((answered_at_ns) % 1000000000) + 1000000000) % 1000000000) / 1000000000, 'unixepoch') || printf('.%03dZ', ((((answered_at_ns) % 1000000000) + 1000000000) % 1000000000) / 1000000)) VIRTUAL,
            ended_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', ((ended_at_ns) - (((ended_at_ns) % 1000000000) + 1000000000) % 1000000000) / 1000000000, 'unixepoch') || printf('.%03dZ', ((((ended_at_ns) % 1000000000) + 1000000000) % 1000000000) / 1000000)) VIRTUAL,
            start_ns INTEGER NOT NULL,
            answered_at_ns INTEGER,
            ended_at_ns INTEGER,
            PRIMARY KEY (call, seq)
        ) WITHOUT ROWID;
        PRAGMA user_version = 1;
        """),
        // Counts per format and source (`db stats`) from a covering index instead of the table.
        ("v2", """
        CREATE INDEX calls_on_format_source ON calls(format, source);
        CREATE INDEX files_on_imported_at ON files(imported_at_ns);
        PRAGMA user_version = 2;
        """),
        // The prune horizon: calls that started before it are not stored again by a later
        // import (a Master.csv that keeps growing, a re-run of an old file).
        ("v3", """
        CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL);
        PRAGMA user_version = 3;
        """),
        // Call-centre semantics (README "Outcomes"): the system answer apart from a person's,
        // the time in the IVR, transfers, and each agent leg's own talk. Calls stored before
        // keep NULL (not known) and 0 transfers until their file is imported again.
        ("v4", """
        ALTER TABLE calls ADD COLUMN system_answered_at_ns INTEGER;
        ALTER TABLE calls ADD COLUMN ivr_ns INTEGER;
        ALTER TABLE calls ADD COLUMN transfers INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE calls ADD COLUMN system_answered_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', ((system_answered_at_ns) - (((system_answered_at_ns) % 1000000000) + 1000000000) % 1000000000) / 1000000000, 'unixepoch') || printf('.%03dZ', ((((system_answered_at_ns) % 1000000000) + 1000000000) % 1000000000) / 1000000)) VIRTUAL;
        ALTER TABLE calls ADD COLUMN ivr_s REAL GENERATED ALWAYS AS ((CASE WHEN (ivr_ns) >= 0 THEN ((ivr_ns) + 500000) / 1000000 ELSE ((ivr_ns) - 500000) / 1000000 END) / 1000.0) VIRTUAL;
        ALTER TABLE legs ADD COLUMN agent TEXT;
        ALTER TABLE legs ADD COLUMN talk_ns INTEGER;
        ALTER TABLE legs ADD COLUMN talk_s REAL GENERATED ALWAYS AS ((CASE WHEN (talk_ns) >= 0 THEN ((talk_ns) + 500000) / 1000000 ELSE ((talk_ns) - 500000) / 1000000 END) / 1000.0) VIRTUAL;
        PRAGMA user_version = 4;
        """),
        // The SIP ladder (README "Dashboard"): one row per SIP message of a captured call, in
        // capture order. Calls stored before have none until their capture is imported again.
        ("v5", """
        CREATE TABLE messages (
            call INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            time TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', ((time_ns) - (((time_ns) % 1000000000) + 1000000000) % 1000000000) / 1000000000, 'unixepoch') || printf('.%03dZ', ((((time_ns) % 1000000000) + 1000000000) % 1000000000) / 1000000)) VIRTUAL,
            source TEXT NOT NULL,
            destination TEXT NOT NULL,
            transport TEXT NOT NULL,
            label TEXT NOT NULL,
            cseq INTEGER NOT NULL,
            cseq_method TEXT NOT NULL,
            first_line TEXT NOT NULL,
            time_ns INTEGER NOT NULL,
            PRIMARY KEY (call, seq)
        ) WITHOUT ROWID;
        PRAGMA user_version = 5;
        """),
        // Visit attribution (README "Visit attribution"): what brought each call, as `calls`
        // writes it with --visits or --pool. Calls stored before, or without attribution, keep
        // NULL `attribution`.
        ("v6", """
        ALTER TABLE calls ADD COLUMN attribution TEXT;
        ALTER TABLE calls ADD COLUMN attribution_owner TEXT;
        ALTER TABLE calls ADD COLUMN visitor_id TEXT;
        ALTER TABLE calls ADD COLUMN utm_source TEXT;
        ALTER TABLE calls ADD COLUMN utm_medium TEXT;
        ALTER TABLE calls ADD COLUMN utm_campaign TEXT;
        ALTER TABLE calls ADD COLUMN keyword TEXT;
        ALTER TABLE calls ADD COLUMN landing_page TEXT;
        ALTER TABLE calls ADD COLUMN click_id TEXT;
        ALTER TABLE calls ADD COLUMN ambiguous INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX calls_on_utm_source ON calls(utm_source);
        PRAGMA user_version = 6;
        """),
        // The report's page cache (docs/store.md "Report pages"): per UTC day, the columns a
        // KPI report reads of that day's calls, packed (`rows`), with numbers, agents and queues
        // as ids into `report_strings`. Derived data: a page is built by the first report that
        // reads its day, and the triggers drop the page of every day whose calls are inserted,
        // updated or deleted, or whose legs are updated or deleted, whoever writes them (import,
        // `db prune`, the sqlite3 shell). A leg is only ever inserted with its call (whose insert
        // or update drops the page): a trigger per inserted leg would cost the import a lookup
        // of its call per leg.
        ("v7", """
        CREATE TABLE report_strings (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);
        CREATE TABLE report_pages (day INTEGER PRIMARY KEY, calls INTEGER NOT NULL, rows BLOB NOT NULL);
        CREATE TRIGGER report_pages_on_insert AFTER INSERT ON calls BEGIN
            DELETE FROM report_pages WHERE day = CASE WHEN NEW.start_ns >= 0 THEN NEW.start_ns / 86400000000000 ELSE (NEW.start_ns + 1) / 86400000000000 - 1 END;
        END;
        CREATE TRIGGER report_pages_on_delete AFTER DELETE ON calls BEGIN
            DELETE FROM report_pages WHERE day = CASE WHEN OLD.start_ns >= 0 THEN OLD.start_ns / 86400000000000 ELSE (OLD.start_ns + 1) / 86400000000000 - 1 END;
        END;
        CREATE TRIGGER report_pages_on_update AFTER UPDATE ON calls BEGIN
            DELETE FROM report_pages WHERE day = CASE WHEN OLD.start_ns >= 0 THEN OLD.start_ns / 86400000000000 ELSE (OLD.start_ns + 1) / 86400000000000 - 1 END;
            DELETE FROM report_pages WHERE day = CASE WHEN NEW.start_ns >= 0 THEN NEW.start_ns / 86400000000000 ELSE (NEW.start_ns + 1) / 86400000000000 - 1 END;
        END;
        CREATE TRIGGER report_pages_on_leg_update AFTER UPDATE ON legs BEGIN
            DELETE FROM report_pages WHERE day IN (SELECT CASE WHEN start_ns >= 0 THEN start_ns / 86400000000000 ELSE (start_ns + 1) / 86400000000000 - 1 END FROM calls WHERE id IN (OLD.call, NEW.call));
        END;
        CREATE TRIGGER report_pages_on_leg_delete AFTER DELETE ON legs BEGIN
            DELETE FROM report_pages WHERE day IN (SELECT CASE WHEN start_ns >= 0 THEN start_ns / 86400000000000 ELSE (start_ns + 1) / 86400000000000 - 1 END FROM calls WHERE id = OLD.call);
        END;
        PRAGMA user_version = 7;
        """),
    ]

    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in migrations {
            migrator.registerMigration(migration.version) { db in try db.execute(sql: migration.sql) }
        }
        return migrator
    }
}
