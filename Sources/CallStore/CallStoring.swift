import CallMetrics
import CallModel

/// What commands need of a call store, whichever keeps the calls: the embedded SQLite file
/// (``CallDatabase``) or a ClickHouse server or cluster (`ClickHouseStore`, docs/clickhouse.md).
///
/// Every implementation follows the same rules (docs/store.md "Natural keys", "Idempotency"):
/// one stored call per natural key, a file whose path and SHA-256 are in the ledger adds no
/// ledger row, a truncated copy never replaces a complete call. So `import`, the reading
/// commands and `db stats` give the same results on either store.
public protocol CallStoring: AnyObject, Sendable {
    /// Where the store is, to print: a path, or a URL without its credentials.
    var location: String { get }

    /// Stores the calls read from one file and records the file in the ledger.
    func importFile(_ file: FileIdentity, calls: [Call], rows: Int, badRows: Int) throws(StoreError) -> ImportOutcome

    /// Stored calls with `from <= start < to` (either bound nil), ordered by start, legs included
    /// unless `legs` is false, SIP message summaries (the ladder) when `messages` is true and the
    /// store keeps them.
    func calls(from: Timestamp?, to: Timestamp?, legs: Bool, messages: Bool) throws(StoreError) -> [Call]

    /// The KPI table of the stored calls (`report --db`, the dashboard), computed by the store
    /// and equal to ``MetricsEngine/report(calls:groupBy:options:)`` over the same calls read
    /// whole with the request's direction rules applied (docs/performance.md "Store reports").
    /// Nil when the store cannot compute it without the whole calls (queue_log calls stored:
    /// their join to CDR calls runs in memory); the caller then reads them with ``calls(from:to:legs:messages:)``.
    func report(_ request: StoreReportRequest) throws(StoreError) -> StoreReport?

    /// Counts per format and source, the date range and the last imports (`db stats`).
    func stats(lastImports: Int) throws(StoreError) -> StoreStats
}

extension CallDatabase: CallStoring {
    public var location: String { path }
}

extension StoreError {
    /// A store other than SQLite (a ClickHouse server) could not do what was asked; `description` is the sentence to print.
    package static func server(_ description: String) -> StoreError {
        StoreError(.server, description)
    }

    /// Whether a server store could not be reached or refused the request.
    public var isServerError: Bool { kind == .server }
}
