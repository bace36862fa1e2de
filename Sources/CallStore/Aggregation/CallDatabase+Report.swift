import CallMetrics
import CallModel
import GRDB

extension CallDatabase {
    /// The KPI report of the stored calls in one narrow pass: only the columns the metrics read
    /// (no media JSON, no SIP messages; legs only for `--by agent`, and then only their agent
    /// and talk), read by the `calls_on_start` index into compact rows (``MetricRow``; calls
    /// that carry just those fields for the groupings rows do not carry: source, the visit
    /// fields), then the same ``MetricsEngine`` rules as `report` over calls read whole.
    ///
    /// Nil when the store holds queue_log calls: `report` joins them to their CDR calls in
    /// memory (`QueueLogJoin`), which needs whole calls; the caller then reads them whole.
    ///
    /// - Complexity: O(k log k) for the k calls in the range widened by the history windows
    ///   (``StoreReportRequest/storedRange``), O(k) memory.
    public func report(_ request: StoreReportRequest) throws(StoreError) -> StoreReport? {
        // Indexed by (format, source): a seek, not a scan.
        let queueLogs = try read("cannot read calls") { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM calls WHERE format IN ('queue-log', 'queue-log-sql'))") ?? false
        }
        guard !queueLogs else { return nil }
        let range = request.storedRange
        if MetricRows.canGroup(by: request.groupBy) { return try pagedReport(request) }
        return request.report(of: try metricCalls(from: range.from, to: range.to, legs: request.needsLegs, attribution: request.needsAttribution))
    }

    /// Stored calls with `from <= start < to` (either bound nil) in the order of
    /// ``calls(from:to:legs:messages:)``, each with only the fields the metrics read: Call-ID,
    /// source, format, caller, dialed, diverted-from, outcome, PDD, agent, queue, direction,
    /// start, answer and end times, wait, transfers; the visit attribution when `attribution`;
    /// when `legs`, the legs that credit an agent with talk, with only their agent and talk.
    /// Every other field is empty. What ``report(_:)`` and the dashboard's figures read.
    /// - Complexity: O(log N + k) for k calls in the range.
    public func metricCalls(from: Timestamp?, to: Timestamp?, legs: Bool, attribution: Bool) throws(StoreError) -> [Call] {
        let lower = from?.nanoseconds ?? .min
        let (rangeSQL, arguments): (String, StatementArguments) = to.map { ("c.start_ns >= ? AND c.start_ns < ?", [lower, $0.nanoseconds]) }
            ?? ("c.start_ns >= ?", [lower])
        return try read("cannot read calls") { db -> [Call] in
            let columns = MetricColumns.select + (attribution ? ", " + MetricColumns.attribution : "")
            let statement = try db.makeStatement(sql: "SELECT \(columns) FROM calls c WHERE \(rangeSQL) ORDER BY c.start_ns, c.id")
            try statement.setArguments(arguments)
            var calls: [Call] = []
            var ids: [Int64] = []
            // Counted on the index first (same snapshot): growing the array by doubling copied
            // every call about twice, a fifth of the pass at 1M calls.
            let expected = try Int.fetchOne(db, sql: "SELECT count(*) FROM calls c WHERE \(rangeSQL)", arguments: arguments) ?? 0
            calls.reserveCapacity(expected)
            if legs { ids.reserveCapacity(expected) }
            var repeated = MetricColumns.Repeated()
            try forEachRow(db, statement) { row in
                MetricColumns.append(row, attribution: attribution, repeated: &repeated, to: &calls)
                if legs { ids.append(row.int64(0)) }
            }
            guard legs else { return calls }
            try TalkLegs.forEach(db, ids: ids, rangeSQL: rangeSQL, arguments: arguments) { position, agent, talk in
                calls[position].legs.append(CallLeg(id: "", status: "", start: calls[position].start, answered: true,
                                                    agent: agent, talkNanoseconds: talk))
            }
            return calls
        }
    }
}

/// The legs that credit an agent with talk (`MetricsEngine.agentTalk`) of calls read by a range query.
enum TalkLegs {
    /// Calls `body` with the position in `ids` (the store ids of the calls read, in read order)
    /// of each leg's call, the leg's agent and talk, in leg order; legs of calls not read are
    /// left out. `rangeSQL` and `arguments` are the range query's, over `calls c`.
    ///
    /// Calls imported in time order have ids in about the range's order: then one scan of the
    /// legs' primary key over the ids read costs a quarter of probing the legs of each call
    /// (12 ms against 42 ms for the 60,193 calls of the dashboard's benchmark, docs/performance.md
    /// "Dashboard"); otherwise the legs are joined to the range.
    static func forEach(_ db: Database, ids: [Int64], rangeSQL: String, arguments: StatementArguments,
                        _ body: (_ position: Int, _ agent: String, _ talk: Int64) throws -> Void) throws {
        guard let low = ids.min(), let high = ids.max() else { return }
        let scan = high - low < 4 * Int64(ids.count)
        let legs = try db.makeStatement(sql: scan ? """
            SELECT l.call, l.agent, l.talk_ns FROM legs l
            WHERE l.call BETWEEN ? AND ? AND l.agent IS NOT NULL AND l.agent <> '' AND l.talk_ns IS NOT NULL
            ORDER BY l.call, l.seq
            """ : """
            SELECT l.call, l.agent, l.talk_ns FROM calls c JOIN legs l ON l.call = c.id
            WHERE \(rangeSQL) AND l.agent IS NOT NULL AND l.agent <> '' AND l.talk_ns IS NOT NULL
            ORDER BY c.id, l.seq
            """)
        try legs.setArguments(scan ? [low, high] : arguments)
        var positions: [Int64: Int]?
        try forEachRow(db, legs) { row in
            if positions == nil { positions = Dictionary(ids.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a }) }
            guard let position = positions?[row.int64(0)] else { return }
            try body(position, row.string(1), row.int64(2))
        }
    }
}

/// The columns of `calls` a report reads, and the call they make (every other field empty).
enum MetricColumns {
    static let select = """
        c.id, c.call_id, c.source, c.caller, c.dialed, c.diverted_from, c.outcome, c.pdd_ms, c.agent, c.queue, \
        c.direction, c.format, c.start_ns, c.answered_at_ns, c.ended_at_ns, c.wait_ns, c.transfers
        """
    static let attribution = """
        c.attribution, c.attribution_owner, c.visitor_id, c.utm_source, c.utm_medium, c.utm_campaign, c.keyword, \
        c.landing_page, c.click_id, c.ambiguous
        """

    /// The columns whose values repeat from call to call.
    struct Repeated {
        var source = RepeatedColumn(2) { $0 }
        var outcome = RepeatedColumn(6) { CallOutcome(rawValue: $0) ?? .unknown }
        var direction = RepeatedColumn(10) { CallDirection(rawValue: $0) }
        var format = RepeatedColumn(11) { $0 }
    }

    /// Appends the call of row `c`, set in place (a `Call` is large: each copy of one costs).
    static func append(_ c: Columns, attribution: Bool, repeated: inout Repeated, to calls: inout [Call]) {
        calls.append(Call(
            callID: c.string(1), source: repeated.source.read(c) ?? "", transport: nil, start: Timestamp(nanoseconds: c.int64(12)),
            caller: c.stringOrNil(3), dialed: c.stringOrNil(4), divertedFrom: c.stringOrNil(5),
            outcome: repeated.outcome.read(c) ?? .unknown, finalStatus: nil, reasonCause: nil,
            pddMilliseconds: c.int64OrNil(7),
            answeredAt: c.int64OrNil(13).map(Timestamp.init(nanoseconds:)),
            endedAt: c.int64OrNil(14).map(Timestamp.init(nanoseconds:)),
            holdNanoseconds: 0, endedBy: nil, agent: c.stringOrNil(8), queue: c.stringOrNil(9), waitNanoseconds: c.int64OrNil(15),
            direction: repeated.direction.read(c) ?? nil,
            format: repeated.format.read(c) ?? "", packets: 0, retransmissions: 0, truncated: false, legs: [], media: []))
        let i = calls.count - 1
        calls[i].transfers = c.int(16)
        if attribution, let kind = c.stringOrNil(17).flatMap(VisitAttribution.Kind.init(rawValue:)) {
            calls[i].attribution = VisitAttribution(
                kind: kind, owner: c.stringOrNil(18), visitorID: c.stringOrNil(19), source: c.stringOrNil(20), medium: c.stringOrNil(21),
                campaign: c.stringOrNil(22), keyword: c.stringOrNil(23), landingPage: c.stringOrNil(24), clickID: c.stringOrNil(25),
                ambiguous: c.bool(26))
        }
    }
}
