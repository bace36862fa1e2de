import CallMetrics
import CallModel
import CallStore

extension ClickHouseStore {
    /// The KPI report of the stored calls (``CallStoring/report(_:)``), computed by the server in
    /// SQL (``sqlReport(_:)``: only the report's rows come back), else from the narrow columns
    /// read back (``narrowReport(_:)``) where the SQL is not exact (docs/clickhouse.md "Reports in SQL").
    /// Nil when queue_log calls are stored (their join to CDR calls runs over whole calls).
    public func report(_ request: StoreReportRequest) throws(StoreError) -> StoreReport? {
        let queueLogs = text(try client.query("SELECT count() FROM calls WHERE format IN ('queue-log', 'queue-log-sql') FORMAT TabSeparated"))
        guard queueLogs == "0" else { return nil }
        if let report = try sqlReport(request) { return report }
        return try narrowReport(request)
    }

    /// The report computed in ClickHouse SQL (``ClickHouseReportSQL``): one query over the range
    /// widened by the history windows, answering one row per group and the totals.
    /// Nil, with nothing but that query run, where the SQL would not be exact:
    /// - an Asterisk `--extension-pattern` in the direction rules, own or campaign numbers with
    ///   non-ASCII characters, a grouping by a visit field (read by the narrow path: not yet in SQL);
    /// - a call read whose Call-ID, caller, dialled or diverted-from number has a non-ASCII
    ///   character (Swift compares those as Unicode text, the server as bytes);
    /// - a negative wait or agent talk (malformed rows: the engine's running sums depend on their order);
    /// - two group keys equal as Unicode text but not as bytes.
    /// - Complexity: one scan of the widened range on the server, an array sort per number;
    ///   O(groups) transferred.
    func sqlReport(_ request: StoreReportRequest) throws(StoreError) -> StoreReport? {
        let stored = request.options.storedRange
        let range = Self.rangeCondition(from: stored.from, to: stored.to)
        // The rows read (one per natural key), whose copies of one (start, Call-ID) pair beyond the first are left out.
        var span = TabSeparatedRows(try client.query("SELECT count(), min(start_ns), max(start_ns) FROM calls FINAL WHERE \(range) FORMAT TabSeparated"))
        let bounds = TabSeparatedRow(fields: span.next() ?? [])
        let low = bounds.int(0) > 0 ? bounds.int64(1) : 0, high = bounds.int(0) > 0 ? bounds.int64(2) : 0
        guard let query = ClickHouseReportSQL(request: request, low: low / 1_000_000_000 - 1, high: high / 1_000_000_000 + 1) else { return nil }
        var groups: [(key: TalliedGroupKey, tally: KPITally)] = []
        var totals: TabSeparatedRow?
        var afterBlank = false
        for fields in TabSeparatedRows(try client.query(query.sql(range: range))) {
            if fields.count == 1 && fields[0] == "" { afterBlank = true; continue }
            let row = TabSeparatedRow(fields: fields)
            if afterBlank { totals = row; break }
            let key: TalliedGroupKey
            switch row.int(0) {
            case -1: continue  // history-only calls
            case 0: key = .number(row.int64(1))
            case 1: key = .text(row.string(2))
            case 2: key = .unattributed
            case 3: key = .notInbound(row.string(2))
            default: key = .none
            }
            groups.append((key, ClickHouseReportSQL.tally(row, overall: false)))
        }
        guard let totals else { throw StoreError.server("\(endpoint): the report query answered no totals row") }
        let counts = (totals.fields.count - ClickHouseReportSQL.countColumns..<totals.fields.count).map { totals.int64($0) }
        guard counts.count == ClickHouseReportSQL.countColumns, counts[5] == 0, counts[6] == 0 else { return nil }
        let overall = ClickHouseReportSQL.tally(totals, overall: true)
        let counted = overall.offered
        guard let report = MetricsReport.tallied(
            overall: overall, groups: groups, groupBy: request.groupBy, options: request.options,
            duplicatesExcluded: bounds.int(0) - Int(counts[0]), historyOnlyCalls: Int(counts[1]),
            directionCoverage: DirectionCoverage(unknown: Int(counts[2]), calls: counted)) else { return nil }
        return StoreReport(report: report, firstStart: counted > 0 ? Timestamp(nanoseconds: counts[3]) : nil,
                           lastStart: counted > 0 ? Timestamp(nanoseconds: counts[4]) : nil)
    }

    /// The report from the columns the metrics read, returned for the range widened by the
    /// history windows (and, for `--by agent`, only the legs that credit an agent with talk),
    /// then the same engine as SQLite's report: the path where ``sqlReport(_:)`` is not exact.
    func narrowReport(_ request: StoreReportRequest) throws(StoreError) -> StoreReport {
        let storedRange = request.options.storedRange
        let range = Self.rangeCondition(from: storedRange.from, to: storedRange.to)
        let columns = [
            "natural_key", "version", "call_id", "source", "caller", "dialed", "diverted_from", "outcome", "pdd_ms", "agent", "queue",
            "direction", "format", "start_ns", "answered_at_ns", "ended_at_ns", "wait_ns", "transfers",
        ]
        let attribution: Bool
        switch request.groupBy {
        case .utmSource?, .utmMedium?, .utmCampaign?, .keyword?, .landingPage?, .attribution?: attribution = true
        default: attribution = false
        }
        let selected = columns + (attribution ? ClickHouseRows.attributionColumns : [])
        let sql = "SELECT \(selected.joined(separator: ", ")) FROM calls FINAL WHERE \(range) ORDER BY start_ns, natural_key FORMAT TabSeparated"
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
            if attribution { call.attribution = ClickHouseRows.attribution(from: r, at: columns.count) }
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
