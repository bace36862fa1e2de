import CallMetrics
import CallModel
import CallStore

extension ClickHouseStore {
    /// The KPI report of the stored calls (``CallStoring/report(_:)``): the server returns only
    /// the columns the metrics read for the request's range widened by the history windows
    /// (and, for `--by agent`, only the legs that credit an agent with talk), then the same
    /// engine as SQLite's report runs over them, so the figures are equal by construction.
    /// Nil when queue_log calls are stored (their join to CDR calls runs over whole calls).
    ///
    /// Not yet in ClickHouse SQL: the history facts (repeat callers, callbacks) and the exact
    /// nearest-rank percentiles need every call of a number in order, which the 18.x servers
    /// have no window functions for (docs/performance.md "Store reports").
    public func report(_ request: StoreReportRequest) throws(StoreError) -> StoreReport? {
        let queueLogs = text(try client.query("SELECT count() FROM calls WHERE format IN ('queue-log', 'queue-log-sql') FORMAT TabSeparated"))
        guard queueLogs == "0" else { return nil }
        let storedRange = request.options.storedRange
        let range = Self.rangeCondition(from: storedRange.from, to: storedRange.to)
        let columns = [
            "natural_key", "version", "call_id", "source", "caller", "dialed", "diverted_from", "outcome", "pdd_ms", "agent", "queue",
            "direction", "format", "start_ns", "answered_at_ns", "ended_at_ns", "wait_ns", "transfers",
        ]
        let sql = "SELECT \(columns.joined(separator: ", ")) FROM calls FINAL WHERE \(range) ORDER BY start_ns, natural_key FORMAT TabSeparated"
        var calls: [Call] = []
        var index: [String: (position: Int, version: UInt64)] = [:]
        for fields in TabSeparatedRows(try client.query(sql)) {
            let r = TabSeparatedRow(fields: fields)
            if request.groupBy == .agent { index[r.string(0)] = (calls.count, r.uint64(1)) }
            var call = Call(
                callID: r.string(2), source: r.string(3), start: Timestamp(nanoseconds: r.int64(13)),
                caller: r[4], dialed: r[5], divertedFrom: r[6], outcome: CallOutcome(rawValue: r.string(7)) ?? .unknown,
                pddMilliseconds: r.int64OrNil(8),
                answeredAt: r.int64OrNil(14).map(Timestamp.init(nanoseconds:)), endedAt: r.int64OrNil(15).map(Timestamp.init(nanoseconds:)),
                agent: r[9], queue: r[10], waitNanoseconds: r.int64OrNil(16),
                direction: r[11].flatMap(CallDirection.init(rawValue:)), format: r.string(12))
            call.transfers = r.int(17)
            calls.append(call)
        }
        if request.groupBy == .agent, !calls.isEmpty {
            let legSQL = """
                SELECT natural_key, version, agent, talk_ns FROM legs FINAL
                WHERE \(range) AND isNotNull(agent) AND agent != '' AND isNotNull(talk_ns)
                ORDER BY natural_key, version, seq FORMAT TabSeparated
                """
            for fields in TabSeparatedRows(try client.query(legSQL)) {
                let r = TabSeparatedRow(fields: fields)
                // Legs of an older version of a call (replaced since) are not its legs.
                guard let owner = index[r.string(0)], owner.version == r.uint64(1) else { continue }
                calls[owner.position].legs.append(CallLeg(id: "", status: "", start: calls[owner.position].start, answered: true,
                                                          agent: r[2], talkNanoseconds: r.int64OrNil(3)))
            }
        }
        return request.report(of: calls)
    }
}
