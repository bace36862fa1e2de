import CallMetrics
import CallModel
import CallStore
import Foundation

/// The report of a ``StoreReportRequest`` as one ClickHouse query (docs/clickhouse.md "Reports
/// in SQL"): the server reads the calls of the widened range, computes each call's history facts
/// and returns one row of counters, sums and percentiles per group plus the totals row.
///
/// Written for ClickHouse 18.16 (no window functions): the history facts of `CallTimeline` come
/// from one array per number, sorted by (start, Call-ID):
/// - caller class: an inbound call is repeat when the previous inbound call of its number
///   started at most the repeat window before it (first-time otherwise; withheld without a number);
/// - lost-call return: the first answered call of the number (inbound: a recall; outbound: a
///   callback) starting strictly after the lost call decides it: returned when within the
///   callback window. Found in O(1) per call: the resolving calls with a start at or before the
///   lost call's are counted by a running sum over the array, so the next one is the one after them.
///
/// Nil (the caller reads the narrow columns and runs ``MetricsEngine`` instead) when the
/// request has what this SQL does not express exactly: an Asterisk `--extension-pattern`, a
/// grouping by a visit field, own numbers or campaign numbers with non-ASCII characters.
/// Inputs reach the SQL only through ``ClickHouseStore/literal(_:)`` and integers.
struct ClickHouseReportSQL {
    let request: StoreReportRequest
    /// UTC seconds at which the zone's offset changes within the calls' span, and the offset
    /// (seconds east of UTC) from each: `offsets[0]` before the first change.
    let transitions: [Int64]
    let offsets: [Int64]

    /// Builds the query parts of `request`, with the zone's offsets over `[low, high]` (UTC
    /// seconds of the first and last start read); nil when the SQL cannot be exact.
    init?(request: StoreReportRequest, low: Int64, high: Int64) {
        if request.direction.extensionPattern != nil { return nil }
        switch request.groupBy {
        case .utmSource?, .utmMedium?, .utmCampaign?, .keyword?, .landingPage?, .attribution?: return nil
        default: break
        }
        let patterns = request.direction.ownNumbers + request.options.campaigns.flatMap(\.numbers)
        guard patterns.allSatisfy({ $0.utf8.allSatisfy { $0 < 0x80 } }) else { return nil }
        self.request = request
        let zone = request.options.timeZone
        var transitions: [Int64] = []
        var offsets = [Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(low))))]
        var cursor = Date(timeIntervalSince1970: TimeInterval(low))
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next.timeIntervalSince1970 <= TimeInterval(high) + 1 {
            let at = Int64(next.timeIntervalSince1970.rounded(.down))
            transitions.append(at)
            offsets.append(Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(at)))))
            cursor = next
            if transitions.count > 10_000 { break }
        }
        self.transitions = transitions
        self.offsets = offsets
    }

    private var options: MetricsOptions { request.options }
    private var byAgent: Bool { request.groupBy == .agent }

    // MARK: - Expressions

    private static func lit(_ s: String) -> String { ClickHouseStore.literal(s) }
    private static func list(_ values: [String]) -> String { "[" + values.map(lit).joined(separator: ", ") + "]" }

    /// `PhoneNumber.normalize` of a non-null string: separators removed from a number written with them.
    /// (A number without separators is its own stripped form, and '' or '+' stays as it is.)
    static func normalized(_ x: String) -> String {
        let stripped = "replaceRegexpAll(\(x), '[ ().-]', '')"
        return "if(match(\(x), '^\\\\+?[0-9*# ().-]*$') AND NOT match(\(stripped), '^\\\\+?$'), \(stripped), \(x))"
    }

    /// `NumberKey.normalized`, '' for a withheld number (missing, empty, no digit).
    static func numberKey(_ column: String) -> String {
        let n = normalized("ifNull(\(column), '')")
        return "if(match(\(n), '[0-9]'), \(n), '')"
    }

    /// `DirectionRules.isExtension` (the digit-count rule).
    private func isExtension(_ column: String) -> String {
        guard let digits = request.direction.extensionDigits else { return "0" }
        return "(\(column) IS NOT NULL AND match(ifNull(\(column), ''), '^[0-9]*$') AND length(ifNull(\(column), '')) BETWEEN \(digits.lowerBound) AND \(digits.upperBound))"
    }

    /// `DirectionRules.isOwn`.
    private func isOwn(_ column: String) -> String {
        let own = request.direction.ownNumbers
        guard !own.isEmpty else { return "0" }
        let x = "ifNull(\(column), '')"
        let tests = own.map { o in o.hasSuffix("*") ? "startsWith(\(x), \(Self.lit(String(o.dropLast()))))" : "\(x) = \(Self.lit(o))" }
        return "(\(column) IS NOT NULL AND (\(tests.joined(separator: " OR "))))"
    }

    /// The campaign index of a number column (`CampaignAttribution.campaignIndex(number:)`), -1 for none.
    private func campaignIndex(_ column: String) -> String {
        var exactKeys: [String] = []
        var exactIndex: [Int] = []
        var prefixes: [(prefix: String, index: Int)] = []
        for (index, campaign) in options.campaigns.enumerated() {
            for pattern in campaign.numbers {
                if pattern.hasSuffix("*") {
                    prefixes.append((PhoneNumber.normalize(String(pattern.dropLast())), index))
                } else {
                    let number = PhoneNumber.normalize(pattern)
                    if !exactKeys.contains(number) { exactKeys.append(number); exactIndex.append(index) }
                }
            }
        }
        prefixes = prefixes.enumerated()
            .sorted { a, b in a.element.prefix.utf8.count != b.element.prefix.utf8.count ? a.element.prefix.utf8.count > b.element.prefix.utf8.count : a.offset < b.offset }
            .map(\.element)
        let key = Self.normalized("ifNull(\(column), '')")
        let exact = exactKeys.isEmpty ? "toInt64(-1)"
            : "transform(\(key), \(Self.list(exactKeys)), [\(exactIndex.map { "toInt64(\($0))" }.joined(separator: ", "))], toInt64(-1))"
        let prefix = prefixes.isEmpty ? "toInt64(-1)"
            : "multiIf(" + prefixes.map { "startsWith(\(key), \(Self.lit($0.prefix))), toInt64(\($0.index))" }.joined(separator: ", ") + ", toInt64(-1))"
        return "if(ifNull(\(column), '') = '', toInt64(-1), if(\(exact) != -1, \(exact), \(prefix)))"
    }

    /// The local wall-clock second of the UTC nanoseconds `t`, as `LocalClock` reads it.
    private var wallSeconds: String {
        let s = "(intDiv(t, 1000000000) - (t % 1000000000 < 0))"
        // The offset from the last change at or before the second (no lambda: see `history`).
        var offset = "toInt64(\(offsets[0]))"
        if !transitions.isEmpty {
            offset = "multiIf(" + transitions.indices.map { "\(s) < \(transitions[$0]), toInt64(\(offsets[$0]))" }.joined(separator: ", ")
                + ", toInt64(\(offsets[transitions.count])))"
        }
        return "(\(s) + \(offset))"
    }

    /// The group key columns `gk` (0 number, 1 text, 2 unattributed, 3 notInbound, 4 none), `gi`, `gs` of a call.
    private var groupKey: (kind: String, number: String, text: String) {
        let days = "(intDiv(wall, 86400) - (wall % 86400 < 0))"
        let weekday = "(((\(days) + 3) % 7 + 7) % 7)"
        func text(_ value: String) -> (String, String, String) { ("if(\(value) = '', 4, 1)", "0", value) }
        switch request.groupBy {
        case nil: return ("0", "0", "''")
        case .hour?: return ("0", "intDiv(wall - \(days) * 86400, 3600)", "''")
        case .day?: return ("0", days, "''")
        case .weekday?: return ("0", weekday, "''")
        case .week?: return ("0", "\(days) - \(weekday)", "''")
        case .agent?: return text("ifNull(agent, '')")
        case .queue?: return text("ifNull(queue, '')")
        case .source?: return text("source")
        case .direction?: return text("ifNull(dir, '')")
        case .dialed?:
            let n = Self.normalized("ifNull(dialed, '')")
            return text("if(match(\(n), '[0-9]'), \(n), ifNull(dialed, ''))")
        case .campaign?:
            // As MetricsEngine.groupKey: outbound and internal calls by direction, else the campaign's name or (unattributed).
            let notInbound = "ifNull(dir, '') IN ('outbound', 'internal')"
            let names = options.campaigns.isEmpty ? "''"
                : "transform(ci, [" + options.campaigns.indices.map { "toInt64(\($0))" }.joined(separator: ", ") + "], " + Self.list(options.campaigns.map(\.name)) + ", '')"
            return ("multiIf(\(notInbound), 3, ci >= 0, 1, 2)", "0", "multiIf(\(notInbound), ifNull(dir, ''), ci >= 0, \(names), '')")
        case .utmSource?, .utmMedium?, .utmCampaign?, .keyword?, .landingPage?, .attribution?:
            return ("4", "0", "''")  // not reached: init refuses these
        }
    }

    private var timeGrouped: Bool { [.hour, .day, .weekday, .week].contains(request.groupBy) }

    /// The campaign index of a call (`CampaignAttribution.campaignIndex(of:)`), -1 for none; only computed for `--by campaign`.
    private var campaignColumn: String {
        guard request.groupBy == .campaign else { return "toInt64(-1)" }
        return "if(\(campaignIndex("diverted")) != -1, \(campaignIndex("diverted")), \(campaignIndex("dialed")))"
    }

    // MARK: - The query

    /// The per-call columns carried through the per-number arrays, in tuple order.
    private var carried: [(name: String, expression: String)] {
        var columns: [(String, String)] = [
            ("t", "t"), ("id", "id"), ("inb", "inb"), ("ans", "ans"), ("outb", "outb"), ("lostc", "lostc"), ("counted", "counted"),
            ("outcome", "outcome"), ("pdd", "pdd"), ("ended", "ended"), ("wait", "wait"), ("talk", "talk"),
            ("transfers", "transfers"), ("dirnull", "dir IS NULL"), ("exotic", "exotic"), ("unnumbered", "num = ''"), ("gk", "gk"), ("gi", "gi"), ("gs", "gs"),
        ]
        if byAgent { columns += [("nk", "nk"), ("ver", "ver"), ("agent", "ifNull(agent, '')")] }
        return columns
    }

    /// The query: TabSeparated, one row per group then an empty line and the totals row
    /// (the `overall` row and the report's counts).
    func sql(range: String) -> String {
        let o = options
        let from = o.from.map { "t >= \($0.nanoseconds)" } ?? "1"
        let to = o.to.map { "t < \($0.nanoseconds)" } ?? "1"
        let unknownInbound = o.unknownDirectionIsInbound ? "1" : "0"
        let decided = """
            multiIf(\(isExtension("caller")) AND \(isExtension("dialed")), 'internal', queue IS NOT NULL, 'inbound', \
            (\(isExtension("caller")) OR \(isOwn("caller"))) AND NOT \(isExtension("dialed")), 'outbound', \
            \(isExtension("dialed")) OR \(isOwn("dialed")), 'inbound', NULL)
            """
        let redo = "(dir0 IS NULL OR (queue IS NOT NULL AND ifNull(dir0, '') != 'inbound'))"
        let key = groupKey
        // 1. One row per call: the copy with the lowest natural key of each (start, Call-ID) pair.
        // Pairs stored more than once are few: a grouping by a 64-bit hash of the pair finds the
        // candidates, the exact grouping of their rows names the copies after the first, and
        // GLOBAL NOT IN leaves those out (on a cluster the set goes to the shards). At 1M calls on
        // 18.16 this takes a third of the time of a grouping of every call by the exact pair, and
        // a tenth of an argMin of each row (which also held every call's columns). The copies left
        // out are counted by the caller (the rows of the range less the calls read here).
        // (Without FINAL: an older version of a call only adds a candidate, which the exact step drops.)
        let candidates = "SELECT h FROM (SELECT cityHash64(start_ns, call_id) AS h FROM calls WHERE \(range) GROUP BY h HAVING count() > 1)"
        let later = """
            SELECT start_ns, call_id, arrayJoin(arraySlice(arraySort(groupArray(natural_key)), 2)) AS later FROM calls FINAL
            WHERE \(range) AND cityHash64(start_ns, call_id) GLOBAL IN (\(candidates)) GROUP BY start_ns, call_id
            """
        // 2. The direction rules, the number each call is filed under and its own measures.
        let read = """
            SELECT start_ns AS t, call_id AS id, natural_key AS nk, version AS ver, caller, dialed, diverted_from AS diverted, outcome,
                pdd_ms AS pdd, agent AS agent0, queue, direction AS dir0, source, answered_at_ns AS answered_at, ended_at_ns AS ended,
                wait_ns, transfers
            FROM calls FINAL
            WHERE \(range) AND (start_ns, call_id, natural_key) GLOBAL NOT IN (\(later))
            """
        let prepared = """
            SELECT t, id, nk, ver, caller, dialed, diverted, outcome, pdd, agent0, queue, dir0, source, answered_at, ended, wait_ns, transfers,
                \(decided) AS decided, if(\(redo), decided, dir0) AS dir,
                if(\(redo) AND ifNull(decided, '') = 'outbound' AND \(isExtension("caller")), caller, agent0) AS agent,
                ifNull(dir, '') = 'inbound' OR (dir IS NULL AND \(unknownInbound)) AS inb, ifNull(dir, '') = 'outbound' AS outb,
                \(Self.numberKey("multiIf(inb, caller, outb, dialed, NULL)")) AS num,
                outcome = 'answered' AS ans, outcome != 'answered' AND outcome != 'ivr_dropoff' AS lostc, \(from) AND \(to) AS counted,
                coalesce(wait_ns, coalesce(answered_at, ended) - t) AS wait,
                ifNull(if(ans AND ended IS NOT NULL AND answered_at IS NOT NULL, greatest(toInt64(0), ended - answered_at), toInt64(0)), toInt64(0)) AS talk,
                length(concat(id, ifNull(caller, ''), ifNull(dialed, ''), ifNull(diverted, ''))) != lengthUTF8(concat(id, ifNull(caller, ''), ifNull(dialed, ''), ifNull(diverted, ''))) AS exotic,
                \(timeGrouped ? wallSeconds : "0") AS wall, \(campaignColumn) AS ci, \(key.kind) AS gk, \(key.number) AS gi, \(key.text) AS gs
            FROM (\(read))
            """
        let columns = carried
        let tuple = "(" + columns.map(\.expression).joined(separator: ", ") + ")"
        /// The element `name` of the tuple `element` (a lambda's parameter).
        func field(_ name: String, _ element: String) -> String {
            guard let i = columns.firstIndex(where: { $0.name == name }) else { return name }
            return "\(element).\(i + 1)"
        }
        let w = o.repeatWindow.nanoseconds, cb = o.callbackWindow.nanoseconds
        // 3. Per number, the history facts of each call: caller class (0 not inbound, 1 first-time,
        // 2 repeat, 3 withheld) and the return delay of a lost call (-1 when not returned).
        // Every lambda has parameter names of its own: 18.16 mixes up the expressions of two
        // lambdas of one query that share a parameter name (a wrong caller class, found by the tests).
        let history = """
            SELECT arrayJoin(arrayMap((x0_, c0_, d0_) -> (\(columns.indices.map { "x0_.\($0 + 1)" }.joined(separator: ", ")), c0_, d0_), A, cls, del)) AS r
            FROM (
                SELECT A,
                    arrayMap(x1_ -> x1_.1, A) AS ts,
                    arrayMap(x2_ -> \(field("inb", "x2_")), A) AS inbA,
                    arrayMap(x3_ -> (\(field("inb", "x3_")) OR \(field("outb", "x3_"))) AND \(field("ans", "x3_")), A) AS resA,
                    arrayFilter((t4_, f4_) -> f4_, ts, inbA) AS inbTs,
                    arrayCumSum(inbA) AS inbRank,
                    arrayMap((x5_, k5_) -> k5_ > 1 AND x5_.1 - inbTs[greatest(k5_ - 1, 1)] <= \(w), A, inbRank) AS recent,
                    arrayMap((x6_, r6_) -> toUInt8(if(\(field("unnumbered", "x6_")), if(\(field("inb", "x6_")), 3, 0), if(\(field("inb", "x6_")), if(r6_, 2, 1), 0))), A, recent) AS cls,
                    arrayEnumerate(A) AS idx,
                    arrayMap((t7_, i7_) -> i7_ = length(ts) OR t7_ != ts[i7_ + 1], ts, idx) AS isLast,
                    arrayCumSum(arrayMap((t8_, i8_) -> i8_ = 1 OR t8_ != ts[greatest(i8_ - 1, 1)], ts, idx)) AS gid,
                    arrayFilter((c9_, l9_) -> l9_, arrayCumSum(resA), isLast) AS lastC,
                    arrayFilter((t10_, r10_) -> r10_, ts, resA) AS R,
                    arrayMap(g11_ -> lastC[g11_] + 1, gid) AS nextR,
                    arrayMap(n12_ -> n12_ <= length(R), nextR) AS hasNext,
                    arrayMap(n13_ -> R[n13_], nextR) AS nextT,
                    arrayMap((x14_, h14_, n14_) -> toInt64(if(NOT \(field("unnumbered", "x14_")) AND \(field("inb", "x14_")) AND \(field("lostc", "x14_"))
                        AND \(field("counted", "x14_")) AND h14_ AND n14_ - x14_.1 <= \(cb), n14_ - x14_.1, -1)), A, hasNext, nextT) AS del
                FROM (SELECT num, arraySort(groupArray(\(tuple))) AS A FROM (\(prepared)) GROUP BY num)
            )
            """
        var named = columns.enumerated().map { "r.\($0.offset + 1) AS \($0.element.name)" }
        named += ["r.\(columns.count + 1) AS cls", "r.\(columns.count + 2) AS del"]
        var calls = "SELECT \(named.joined(separator: ", ")) FROM (\(history))"
        var realColumn = "1", creditColumn = "talk", extraTalk = "toInt64(0)", kind = "gk", text = "gs"
        if byAgent {
            // 4. --by agent: each call's own row credited with its agent's part of the legs' talk,
            // and a talk-only row for each other agent on its legs (MetricsEngine.agentTalk).
            let parts = """
                SELECT nk, ver, groupArray(a) AS pa, groupArray(tk) AS pt FROM (
                    SELECT natural_key AS nk, version AS ver, assumeNotNull(agent) AS a, sum(assumeNotNull(talk_ns)) AS tk FROM legs FINAL
                    WHERE \(range) AND isNotNull(agent) AND agent != '' AND isNotNull(talk_ns) GROUP BY nk, ver, a)
                GROUP BY nk, ver
                """
            // `agent` reaches the lambdas as an array (replicate): 18.16 drops a subquery's column
            // that only a lambda reads.
            let rows = """
                if(ans AND counted AND length(pa) > 0,
                   arrayConcat([(agent, toUInt8(1), toInt64(arraySum(arrayFilter((u21_, v21_, w21_) -> v21_ = w21_, pt, pa, replicate(agent, pa)))), toUInt8(1))],
                                arrayMap((v22_, u22_) -> (v22_, toUInt8(0), greatest(toInt64(0), u22_), toUInt8(1)),
                                         arrayFilter((v23_, w23_) -> v23_ != w23_, pa, replicate(agent, pa)),
                                         arrayFilter((u24_, v24_, w24_) -> v24_ != w24_, pt, pa, replicate(agent, pa)))),
                   [(agent, toUInt8(1), toInt64(0), toUInt8(0))])
                """
            calls = "SELECT *, arrayJoin(\(rows)) AS g FROM (\(calls)) ANY LEFT JOIN (\(parts)) USING (nk, ver)"
            realColumn = "g.2"
            creditColumn = "if(g.4, g.3, talk)"
            extraTalk = "g.3"
            kind = "if(g.2, gk, if(g.1 = '', 4, 1))"
            text = "if(g.2, gs, g.1)"
        }
        // 5. The counters of KPIAccumulator per group; history-only calls go to group -1.
        let k = "(real AND counted)"
        let i = "(\(k) AND inb)"
        let lost = "(\(i) AND outcome != 'answered' AND outcome != 'ivr_dropoff')"
        let ended = "ended IS NOT NULL"
        let groupTalk = "((\(k) AND ans AND \(ended)) OR NOT real)"
        func pair(_ value: String, _ condition: String) -> String {
            "sumIf(intDiv(\(value), 1000000000), \(condition)), sumIf(\(value) % 1000000000, \(condition))"
        }
        func percentiles(_ name: String, _ value: String, _ condition: String, _ ps: [Int]) -> [String] {
            // The sorted array is named inside the first expression, so that it is not a column of the answer.
            ps.enumerated().map { n, p in
                let array = n == 0 ? "(arraySort(groupArrayIf(\(value), \(condition))) AS \(name))" : name
                return "if(length(\(array)) = 0, NULL, \(name)[toUInt64(least(length(\(name)), greatest(1, intDiv(\(p) * length(\(name)) + 99, 100))))])"
            }
        }
        let waitKnown = "wait IS NOT NULL"
        let w0 = "assumeNotNull(wait)"
        var aggregates = [
            "countIf(\(k))", "countIf(\(k) AND ans)", "countIf(\(k) AND ans AND NOT (\(ended)))",
            "countIf(\(k) AND ans AND \(ended) AND talk >= \(o.qualifiedTalk.nanoseconds))",
            "sumIf(assumeNotNull(pdd), \(k) AND pdd IS NOT NULL)", "countIf(\(k) AND pdd IS NOT NULL)",
            pair("credited", groupTalk), pair("credited", "\(k) AND ans AND \(ended) AND credited > 0"),
            "countIf(\(k) AND ans AND \(ended) AND credited > 0)",
            pair("talk", "\(k) AND ans AND \(ended)"), pair("talk", "\(k) AND ans AND \(ended) AND talk > 0"),
            "countIf(\(k) AND ans AND \(ended) AND talk > 0)",
            "countIf(\(k) AND ans AND \(ended) AND talk >= 1000000000)", "countIf(\(k) AND outcome = 'redirected')",
            "countIf(\(k) AND outcome IN ('answered', 'ivr_dropoff', 'busy', 'no_answer', 'abandoned', 'rejected'))",
            "countIf(\(k) AND ans AND transfers > 0)", "countIf(\(i))",
            "countIf(\(i) AND \(waitKnown) AND outcome != 'ivr_dropoff')", "maxIf(\(w0), \(i) AND \(waitKnown) AND outcome != 'ivr_dropoff')",
        ]
        for cls in 1...3 {
            let c = "\(i) AND cls = \(cls)"
            aggregates += ["countIf(\(c))", "countIf(\(c) AND ans)", "countIf(\(c) AND ans AND \(waitKnown))", pair(w0, "\(c) AND ans AND \(waitKnown)")]
        }
        let answeredWait = "\(i) AND ans AND \(waitKnown)"
        let abandonWait = "\(i) AND outcome = 'abandoned' AND \(waitKnown)"
        aggregates += [
            pair(w0, answeredWait), "countIf(\(answeredWait))", "countIf(\(answeredWait) AND \(w0) <= \(o.serviceLevelThreshold.nanoseconds))",
            "countIf(\(i) AND outcome IN ('busy', 'congestion'))", "countIf(\(i) AND outcome = 'ivr_dropoff')",
            "countIf(\(i) AND outcome = 'abandoned')", "countIf(\(abandonWait) AND \(w0) < \(o.shortAbandon.nanoseconds))",
            pair(w0, abandonWait), "countIf(\(abandonWait))",
        ]
        let bounds = AbandonTimeDistribution.binLowerBounds.map { Int64($0) * 1_000_000_000 }
        for (b, lower) in bounds.enumerated() {
            var condition = b == 0 ? abandonWait : "\(abandonWait) AND \(w0) >= \(lower)"
            if b + 1 < bounds.count { condition += " AND \(w0) < \(bounds[b + 1])" }
            aggregates.append("countIf(\(condition))")
        }
        aggregates += ["countIf(\(lost))", "countIf(\(lost) AND cls = 3)", "countIf(\(lost) AND cls != 3 AND del >= 0)"]
        aggregates += percentiles("sw_", w0, answeredWait, [50, 90])
        aggregates += percentiles("sa_", w0, abandonWait, [50, 90])
        aggregates += percentiles("sd_", "del", "\(lost) AND cls != 3 AND del >= 0", [50])
        // The report's own counts (read from the totals row).
        aggregates += [
            "countIf(real)", "countIf(real AND NOT counted)", "countIf(\(k) AND dirnull)", "minIf(t, \(k))", "maxIf(t, \(k))",
            "countIf(real AND exotic)", "countIf((\(i) AND \(waitKnown) AND \(w0) < 0) OR credited < 0)",
        ]
        return """
            SELECT if(real AND NOT counted, -1, \(kind)) AS gk_, gi, \(text) AS gs_,
                \(aggregates.joined(separator: ",\n    "))
            FROM (SELECT *, \(realColumn) AS real, if(real, \(creditColumn), \(extraTalk)) AS credited FROM (\(calls)))
            GROUP BY gk_, gi, gs_ WITH TOTALS
            FORMAT TabSeparated
            """
    }

    // MARK: - Reading the answer

    /// The tally of one answer row (the columns after the three key columns, in ``sql(range:)``'s order).
    /// - Parameter overall: the totals row: the whole talk of each call rather than an agent's part.
    static func tally(_ r: TabSeparatedRow, overall: Bool) -> KPITally {
        var t = KPITally()
        var c = 3
        func next() -> Int { defer { c += 1 }; return r.int(c) }
        func next64() -> Int64 { defer { c += 1 }; return r.int64(c) }
        func nextOrNil() -> Int64? { defer { c += 1 }; return r.int64OrNil(c) }
        func sum() -> KPITally.Nanoseconds { KPITally.Nanoseconds(seconds: next64(), remainders: next64()) }
        t.offered = next(); t.answered = next(); t.answeredTalkUnknown = next(); t.qualifiedCalls = next()
        t.pddSum = next64(); t.pddCount = next()
        let groupTalk = sum(), groupPositive = sum(), groupTalked = next()
        let callTalk = sum(), callPositive = sum(), callTalked = next()
        (t.talk, t.talkPositive, t.talkedCalls) = overall ? (callTalk, callPositive, callTalked) : (groupTalk, groupPositive, groupTalked)
        t.completed = next(); t.redirected = next(); t.effectiveCalls = next(); t.transferredCalls = next(); t.inbound = next()
        let longestKnown = next()
        let longest = next64()
        t.longestWait = longestKnown > 0 ? longest : nil
        for cls in 1...3 {
            t.classCalls[cls] = next(); t.classAnswered[cls] = next(); t.classWaitCount[cls] = next(); t.classWaits[cls] = sum()
        }
        t.waitSum = sum(); t.waitCount = next(); t.serviceLevelAnswered = next()
        t.blocked = next(); t.ivrDropoffs = next(); t.abandoned = next(); t.shortAbandons = next()
        t.abandonWaitSum = sum(); t.abandonWaitCount = next()
        for b in t.abandonBins.indices { t.abandonBins[b] = next() }
        t.lostCalls = next(); t.lostWithheld = next(); t.lostReturned = next()
        t.asaP50 = nextOrNil(); t.asaP90 = nextOrNil()
        t.abandonP50 = nextOrNil(); t.abandonP90 = nextOrNil()
        t.callbackMedian = nextOrNil()
        return t
    }

    /// Columns of the report's own counts at the end of the totals row.
    static let countColumns = 7
}

