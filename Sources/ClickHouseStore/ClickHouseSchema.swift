/// The tables callscope keeps in ClickHouse, created and migrated by callscope like the SQLite
/// schema (docs/clickhouse.md "Schema"). Each migration is frozen text applied once, in order,
/// and recorded in `callscope_schema`; a schema change is a new migration.
///
/// Written for ClickHouse 18.16 (Debian's `clickhouse-server`) and later: no `Date` from a
/// time zone (days and months are computed from the UTC nanoseconds), no data-skipping indexes.
enum ClickHouseSchema {
    /// The latest schema version this callscope knows.
    static var currentVersion: Int { migrations(local: "").count }

    /// One day in nanoseconds: calls and legs are sorted by their UTC day, then natural key.
    static let day = "intDiv(start_ns, 86400000000000)"
    /// The partition: the UTC month of the start.
    static let month = "toYYYYMM(toDateTime(intDiv(start_ns, 1000000000), 'UTC'))"

    /// The migrations, with `local` after each table name: empty on one server; `_local` on each
    /// shard of a cluster, where the Distributed tables of ``distributed(cluster:database:)`` read and write them.
    static func migrations(local: String) -> [[String]] { [
        // v1: calls, legs, the ledger.
        [
            """
            CREATE TABLE IF NOT EXISTS calls\(local) (
                natural_key String, version UInt64,
                call_id String, source String, caller Nullable(String), dialed Nullable(String), diverted_from Nullable(String),
                outcome String, final_status Nullable(Int64), reason_cause Nullable(Int64), pdd_ms Nullable(Int64),
                ended_by Nullable(String), packets Int64, retransmissions Int64, truncated UInt8,
                transport Nullable(String), agent Nullable(String), queue Nullable(String), direction Nullable(String),
                format String, media Nullable(String), start_ns Int64, answered_at_ns Nullable(Int64), ended_at_ns Nullable(Int64),
                hold_ns Int64, wait_ns Nullable(Int64), system_answered_at_ns Nullable(Int64), ivr_ns Nullable(Int64),
                transfers Int64, content_hash Int64, file String
            ) ENGINE = ReplacingMergeTree(version) PARTITION BY \(month) ORDER BY (\(day), natural_key)
            """,
            """
            CREATE TABLE IF NOT EXISTS legs\(local) (
                natural_key String, version UInt64, start_ns Int64, seq UInt32,
                id String, status String, answered UInt8, destination Nullable(String),
                leg_start_ns Int64, answered_at_ns Nullable(Int64), ended_at_ns Nullable(Int64),
                agent Nullable(String), talk_ns Nullable(Int64)
            ) ENGINE = ReplacingMergeTree PARTITION BY \(month) ORDER BY (\(day), natural_key, version, seq)
            """,
            """
            CREATE TABLE IF NOT EXISTS files\(local) (
                path String, sha256 String, size Int64, rows Int64, bad_rows Int64, calls Int64,
                inserted Int64, updated Int64, unchanged Int64, imported_at_ns Int64, version UInt64
            ) ENGINE = ReplacingMergeTree(version) ORDER BY (path, sha256)
            """,
        ],
        // v2: the SIP message summaries of each version of a call (the ladder, `Call.messages`).
        [
            """
            CREATE TABLE IF NOT EXISTS messages\(local) (
                natural_key String, version UInt64, start_ns Int64, seq UInt32,
                time_ns Int64, source String, destination String, transport String, label String,
                cseq UInt32, cseq_method String, first_line String
            ) ENGINE = ReplacingMergeTree PARTITION BY \(month) ORDER BY (\(day), natural_key, version, seq)
            """,
        ],
        // v3: the visit attribution of each call (README "Visit attribution"), as SQLite's v6 columns.
        [
            """
            ALTER TABLE calls\(local) ADD COLUMN attribution Nullable(String), ADD COLUMN attribution_owner Nullable(String),
                ADD COLUMN visitor_id Nullable(String), ADD COLUMN utm_source Nullable(String), ADD COLUMN utm_medium Nullable(String),
                ADD COLUMN utm_campaign Nullable(String), ADD COLUMN keyword Nullable(String), ADD COLUMN landing_page Nullable(String),
                ADD COLUMN click_id Nullable(String), ADD COLUMN ambiguous UInt8 DEFAULT 0
            """,
        ],
    ] }

    /// The tables callscope reads and writes on a cluster: Distributed over the shards' local
    /// tables, a call, its legs and its messages on the shard of the hash of the natural key, a ledger row on that of its path.
    static func distributed(cluster: String, database: String) -> [String] {
        [("calls", "sipHash64(natural_key)"), ("legs", "sipHash64(natural_key)"), ("messages", "sipHash64(natural_key)"), ("files", "sipHash64(path)")].map { table, key in
            "CREATE TABLE IF NOT EXISTS \(table) AS \(table)_local ENGINE = Distributed(\(cluster), \(database), \(table)_local, \(key))"
        }
    }

    /// Where the applied versions are recorded.
    static let versionTable = "CREATE TABLE IF NOT EXISTS callscope_schema (version UInt32, applied_at_ns Int64) ENGINE = ReplacingMergeTree ORDER BY version"
}
