import CallMetrics
import CallModel
import GRDB

extension CallDatabase {
    /// Stored calls with `from <= start < to` (either bound nil) as compact rows
    /// (``MetricRow``): in start order, equal starts by Call-ID as `report` orders the calls it
    /// reads, with the agents' talk legs when `legs`. What ``report(_:)`` reads for the groupings
    /// rows carry (``MetricRows/canGroup(by:)``).
    /// - Complexity: O(log N + k) for k calls in the range.
    public func metricRows(from: Timestamp?, to: Timestamp?, legs: Bool) throws(StoreError) -> MetricRows {
        try read("cannot read calls") { db in try MetricRowReader.read(db, from: from, to: to, legs: legs) }
    }
}

/// The columns of `calls` a ``MetricRow`` is made of.
enum MetricRowColumns {
    static let select = """
        c.id, c.call_id, c.caller, c.dialed, c.diverted_from, c.outcome, c.pdd_ms, c.agent, c.queue, \
        c.direction, c.start_ns, c.answered_at_ns, c.ended_at_ns, c.wait_ns, c.transfers
        """
}

/// Turns rows of ``MetricRowColumns`` in (start, id) order into ``MetricRows``, putting each
/// run of equal starts in Call-ID order (the order `report` gives the calls it reads) and
/// ranking its Call-IDs so that the history pass finds duplicates.
struct MetricRowReader {
    private(set) var rows = MetricRows()
    /// The store id of each row, when kept (to attach legs).
    private(set) var ids: [Int64] = []
    private let keepIDs: Bool
    private var outcome = RepeatedColumn(5) { CallOutcome(rawValue: $0) ?? .unknown }
    private var direction = RepeatedColumn(9) { CallDirection(rawValue: $0) }
    private var runStart = Int64.min
    private var runFirst = 0
    private var runCallIDs: [String] = []

    init(keepIDs: Bool) { self.keepIDs = keepIDs }

    /// ``CallDatabase/metricRows(from:to:legs:)`` in a transaction already open.
    static func read(_ db: Database, from: Timestamp?, to: Timestamp?, legs: Bool) throws -> MetricRows {
        let lower = from?.nanoseconds ?? .min
        let (rangeSQL, arguments): (String, StatementArguments) = to.map { ("c.start_ns >= ? AND c.start_ns < ?", [lower, $0.nanoseconds]) }
            ?? ("c.start_ns >= ?", [lower])
        let statement = try db.makeStatement(sql: "SELECT \(MetricRowColumns.select) FROM calls c WHERE \(rangeSQL) ORDER BY c.start_ns, c.id")
        try statement.setArguments(arguments)
        var reader = MetricRowReader(keepIDs: legs)
        let expected = try Int.fetchOne(db, sql: "SELECT count(*) FROM calls c WHERE \(rangeSQL)", arguments: arguments) ?? 0
        reader.reserve(expected)
        try forEachRow(db, statement) { row in reader.append(row) }
        var result = reader.finish()
        guard legs else { return result }
        try TalkLegs.forEach(db, ids: reader.ids, rangeSQL: rangeSQL, arguments: arguments) { position, agent, talk in
            result.talkLegs[position, default: []].append(AgentTalkLeg(agent: result.intern(agent), talkNanoseconds: talk))
        }
        return result
    }

    mutating func reserve(_ count: Int) {
        rows.rows.reserveCapacity(count)
        if keepIDs { ids.reserveCapacity(count) }
    }

    mutating func append(_ c: Columns) {
        let start = c.int64(10)
        if start != runStart {
            finishRun()
            runStart = start
            runFirst = rows.rows.count
        }
        runCallIDs.append(c.string(1))
        rows.rows.append(MetricRow(
            start: start, answeredAt: c.int64OrNil(11), endedAt: c.int64OrNil(12), wait: c.int64OrNil(13), pddMilliseconds: c.int64OrNil(6),
            caller: rows.intern(c.stringOrNil(2)), dialed: rows.intern(c.stringOrNil(3)), divertedFrom: rows.intern(c.stringOrNil(4)),
            agent: rows.intern(c.stringOrNil(7)), queue: rows.intern(c.stringOrNil(8)), transfers: c.int(14),
            outcome: outcome.read(c) ?? .unknown, direction: direction.read(c) ?? nil))
        if keepIDs { ids.append(c.int64(0)) }
    }

    /// Orders the run of equal starts just read by Call-ID (stable) and ranks its Call-IDs.
    private mutating func finishRun() {
        defer { runCallIDs.removeAll(keepingCapacity: true) }
        guard runCallIDs.count > 1 else { return }
        let order = runCallIDs.indices.sorted { runCallIDs[$0] != runCallIDs[$1] ? runCallIDs[$0] < runCallIDs[$1] : $0 < $1 }
        let run = Array(rows.rows[runFirst...])
        let runIDs = keepIDs ? Array(ids[runFirst...]) : []
        var rank: Int32 = 0
        for (offset, from) in order.enumerated() {
            if offset > 0, runCallIDs[from] != runCallIDs[order[offset - 1]] { rank += 1 }
            rows.rows[runFirst + offset] = run[from]
            rows.rows[runFirst + offset].sameStartRank = rank
            if keepIDs { ids[runFirst + offset] = runIDs[from] }
        }
    }

    mutating func finish() -> MetricRows {
        finishRun()
        return rows
    }
}
