import CallMetrics
import CallModel
@testable import CallStore
import CaptureSynthesis
import Foundation
import Testing
import TestSupport

/// ``CallDatabase/report(_:)`` (the narrow column pass) against the metrics engine over the
/// same calls read whole, and over the calls as they were before the store: every grouping,
/// open and closed ranges, other windows and thresholds, campaigns, unknown directions counted
/// as inbound. A generated call-centre mix with what the mix lacks added: transferred calls
/// with each agent's talk on legs, unknown directions, equal starts, diverted numbers, PDD,
/// visit attribution, few customers (repeat callers, callbacks), withheld callers.
@Suite struct StoreReportTests {
    static func generated() -> [Call] {
        var calls = SyntheticCallRecords.generate(count: 4_000, seed: 7)
        for i in calls.indices {
            calls[i].callID = "gen-\(i % 7)-\(i)"
            // Few customers, so that repeat callers, callbacks and recalls are common; some withheld.
            let customer = "+44770091" + String(1_000 + i % 97)
            if calls[i].direction == .inbound { calls[i].caller = i % 29 == 0 ? "anonymous" : customer }
            if calls[i].direction == .outbound { calls[i].dialed = "+44770091" + String(1_000 + (i * 7) % 97) }
            if i % 11 == 0, calls[i].outcome == .answered, let answered = calls[i].answeredAt {
                // A transfer: the first agent talked 30 s, then another the rest.
                calls[i].transfers = 1
                calls[i].legs = [CallLeg(id: "\(i).1", status: "ANSWERED", start: calls[i].start, answered: true, agent: calls[i].agent, talkNanoseconds: 30_000_000_000),
                                 CallLeg(id: "\(i).2", status: "ANSWERED", start: answered, answered: true, agent: "SIP/3\(i % 5)", talkNanoseconds: 45_000_000_000)]
            }
            if i % 13 == 0 { calls[i].direction = nil }
            if i % 17 == 0 { calls[i].divertedFrom = SyntheticCallRecords.trackingNumbers[i % 20] }
            if i % 5 == 0 { calls[i].pddMilliseconds = Int64(i % 900) }
            if i % 19 == 0, i > 0 { calls[i].start = calls[i - 1].start }  // equal starts: ordered by Call-ID
            if i % 23 == 0 { calls[i].outcome = .ivrDropoff; calls[i].answeredAt = nil }
            if i % 7 == 0 {
                calls[i].attribution = VisitAttribution(kind: .pool, owner: nil, visitorID: "v\(i % 300)", source: i % 2 == 0 ? "google" : "bing",
                                                        medium: "cpc", campaign: "spring", keyword: nil, landingPage: "/offer", clickID: nil, ambiguous: false)
            }
        }
        return calls.sorted { $0.start < $1.start }
    }

    static let campaigns = [Campaign(name: "even", numbers: ["+44207946010*"]), Campaign(name: "one", numbers: ["+442079460111"])]

    @Test func theNarrowPassGivesTheFiguresOfTheWholeCalls() throws {
        let dir = TemporaryDirectory()
        let db = try CallDatabase(path: dir.file("r.sqlite"))
        let calls = Self.generated()
        _ = try db.importFile(identity("generated.csv"), calls: calls, rows: calls.count, badRows: 0)
        let zone = try #require(TimeZone(identifier: "Europe/London"))
        let day: Int64 = 86_400_000_000_000
        let first = SyntheticCallRecords.firstDay * 1_000_000_000
        let optionSets = [
            MetricsOptions(timeZone: zone, campaigns: Self.campaigns),
            MetricsOptions(timeZone: zone, from: Timestamp(nanoseconds: first + 10 * day), to: Timestamp(nanoseconds: first + 12 * day), campaigns: Self.campaigns),
            MetricsOptions(timeZone: TimeZone(identifier: "Asia/Kolkata") ?? zone, from: Timestamp(nanoseconds: first + 3 * day),
                           shortAbandon: .seconds(2), serviceLevelThreshold: .seconds(30), repeatWindow: .seconds(3_600),
                           callbackWindow: .seconds(600), qualifiedTalk: .seconds(90), campaigns: Self.campaigns, unknownDirectionIsInbound: true),
        ]
        let rules = DirectionRules(ownNumbers: ["+442079460100"], extensionDigits: 3...3)
        for options in optionSets {
            for groupBy in [nil] + GroupBy.allCases {
                for direction in [DirectionRules(), rules] {
                    let request = StoreReportRequest(groupBy: groupBy, options: options, direction: direction)
                    let computed = try #require(try db.report(request))
                    let range = options.storedRange
                    let whole = request.report(of: try db.calls(from: range.from, to: range.to, legs: true))
                    #expect(computed.report == whole.report, "\(String(describing: groupBy))")
                    #expect(computed.firstStart == whole.firstStart && computed.lastStart == whole.lastStart)
                    // And the calls before they were stored, as many as `report --db` reads.
                    let before = calls.filter { call in range.from.map { call.start >= $0 } ?? true && range.to.map { call.start < $0 } ?? true }
                    #expect(computed.report == request.report(of: before).report, "\(String(describing: groupBy))")
                    #expect(computed.report.overall.kpis.offered > 0)
                }
            }
        }
    }

    /// The mix exercises the history facts: repeat callers, returned and withheld lost calls.
    @Test func theGeneratedMixHasHistory() {
        let report = MetricsEngine.report(calls: Self.generated(), groupBy: nil, options: MetricsOptions())
        #expect(report.overall.kpis.repeatCallers > 100)
        #expect(report.overall.details.lostReturned > 100 && report.overall.details.lostWithheld > 10)
        #expect(report.overall.details.transferredCalls > 100 && report.duplicatesExcluded == 0)
    }

    /// The narrow read finds the agents' talk legs by scanning the legs of the ids it read when
    /// ids follow time (calls imported in time order), and by joining otherwise: both give each
    /// call its own legs, for a range and for every call.
    @Test(arguments: [false, true]) func theNarrowReadGivesEachCallItsTalkLegs(shuffled: Bool) throws {
        let dir = TemporaryDirectory()
        let db = try CallDatabase(path: dir.file("l.sqlite"))
        var calls = Self.generated()
        if shuffled {  // ids in no relation to start times
            calls = calls.indices.map { calls[($0 * 1_009) % calls.count] }
        }
        _ = try db.importFile(identity("generated.csv"), calls: calls, rows: calls.count, badRows: 0)
        let day: Int64 = 86_400_000_000_000
        let first = SyntheticCallRecords.firstDay * 1_000_000_000
        for (from, to) in [(Timestamp(nanoseconds: first + 10 * day), Timestamp(nanoseconds: first + 12 * day)), (nil, nil)] as [(Timestamp?, Timestamp?)] {
            let narrow = try db.metricCalls(from: from, to: to, legs: true, attribution: false)
            let whole = try db.calls(from: from, to: to, legs: true)
            #expect(narrow.map(\.callID) == whole.map(\.callID))
            let talkLegs = { (call: Call) -> [String] in
                call.legs.compactMap { leg in
                    guard let agent = leg.agent, !agent.isEmpty, let talk = leg.talkNanoseconds else { return nil }
                    return "\(agent) \(talk)"
                }
            }
            #expect(narrow.map(talkLegs) == whole.map(talkLegs))
            #expect(narrow.filter { !$0.legs.isEmpty }.count > 10)
        }
    }

    /// The report pages (schema v7) follow every change of their days: a second import into the
    /// same days (new calls, and changed copies of stored ones), a prune, and a read-only open
    /// of the file; each report equals the metrics over the calls read whole.
    @Test func reportPagesFollowEveryChangeOfTheirDays() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("p.sqlite")
        let db = try CallDatabase(path: path)
        let calls = Self.generated()
        let zone = try #require(TimeZone(identifier: "Europe/London"))
        let options = MetricsOptions(timeZone: zone, campaigns: Self.campaigns)
        func check(_ db: CallDatabase, _ step: String) throws {
            for groupBy in [nil, GroupBy.day, .agent, .campaign] {
                let request = StoreReportRequest(groupBy: groupBy, options: options)
                let computed = try #require(try db.report(request))
                let whole = request.report(of: try db.calls(from: nil, to: nil, legs: true))
                #expect(computed.report == whole.report, "\(step) \(String(describing: groupBy))")
                #expect(computed.firstStart == whole.firstStart && computed.lastStart == whole.lastStart)
            }
            // Every page read back is the rows the calls give.
            #expect(try Self.described(db.pagedMetricRows(from: nil, to: nil, legs: true)) == Self.described(db.metricRows(from: nil, to: nil, legs: true)), "\(step)")
        }
        let evens = calls.indices.filter { $0 % 2 == 0 }.map { calls[$0] }
        let odds = calls.indices.filter { $0 % 2 == 1 }.map { calls[$0] }
        _ = try db.importFile(identity("evens.csv"), calls: evens, rows: evens.count, badRows: 0)
        try check(db, "first import")
        let pages = try db.read("") { try Int.fetchOne($0, sql: "SELECT count(*) FROM report_pages") ?? 0 }
        #expect(pages >= 30)
        _ = try db.importFile(identity("odds.csv"), calls: odds, rows: odds.count, badRows: 0)
        try check(db, "second import into the same days")
        var changed = Array(calls.prefix(300))
        for i in changed.indices where changed[i].outcome == .answered { changed[i].outcome = .abandoned; changed[i].answeredAt = nil }
        let outcome = try db.importFile(identity("changed.csv"), calls: changed, rows: changed.count, badRows: 0)
        #expect(outcome.counts?.updated ?? 0 > 10)
        try check(db, "changed copies")
        let day: Int64 = 86_400_000_000_000
        _ = try db.prune(before: Timestamp(nanoseconds: SyntheticCallRecords.firstDay * 1_000_000_000 + 5 * day + day / 2))
        try check(db, "prune")
        // Legs changed alone (the sqlite3 shell): their day's page is dropped too.
        _ = try db.report(StoreReportRequest(groupBy: .agent, options: options))
        try db.writeTransaction("") { try $0.execute(sql: "UPDATE legs SET talk_ns = talk_ns + 7000000000 WHERE (call, seq) IN (SELECT call, seq FROM legs WHERE talk_ns IS NOT NULL AND agent IS NOT NULL LIMIT 40)") }
        try check(db, "legs updated")
        try db.writeTransaction("") { try $0.execute(sql: "DELETE FROM legs WHERE (call, seq) IN (SELECT call, seq FROM legs WHERE talk_ns IS NOT NULL LIMIT 40)") }
        try check(db, "legs deleted")
        // A damaged page is built again, and the report is still the calls' report.
        try db.writeTransaction("") { try $0.execute(sql: "UPDATE report_pages SET rows = substr(rows, 1, length(rows) / 2) WHERE day = (SELECT min(day) + 3 FROM report_pages)") }
        try check(db, "damaged page")
        try check(try CallDatabase.opened(forReading: path), "read-only")
    }

    /// Each row with its strings (ids differ between pages and a read of the calls) and talk legs.
    static func described(_ rows: MetricRows) -> [String] {
        func text(_ id: Int32) -> String { id < 0 ? "-" : rows.strings[Int(id)] }
        return rows.rows.enumerated().map { i, r in
            "\(r.startNanoseconds) \(r.answeredAt?.nanoseconds ?? -1) \(r.endedAt?.nanoseconds ?? -1) \(r.waitNanoseconds ?? -1) "
                + "\(r.pddMilliseconds ?? -1) \(text(r.caller)) \(text(r.dialed)) \(text(r.divertedFrom)) \(text(r.agent)) \(text(r.queue)) "
                + "\(r.transfers) \(r.sameStartRank) \(r.outcome) \(String(describing: r.direction)) "
                + (rows.talkLegs[i] ?? []).map { "\(text($0.agent))=\($0.talkNanoseconds)" }.joined(separator: ",")
        }
    }

    /// A page decodes to the rows it was made of, and a damaged page (every prefix, a flipped
    /// byte) is refused or read without trapping.
    @Test func aReportPageRoundTripsAndADamagedOneNeverTraps() throws {
        var rows = MetricRows()
        for (i, call) in Self.generated().prefix(400).enumerated() {
            rows.rows.append(MetricRow(start: call.start.nanoseconds, answeredAt: call.answeredAt?.nanoseconds, endedAt: call.endedAt?.nanoseconds,
                                       wait: call.waitNanoseconds, pddMilliseconds: i % 50 == 0 ? .max : call.pddMilliseconds,
                                       caller: rows.intern(call.caller), dialed: rows.intern(call.dialed), divertedFrom: rows.intern(call.divertedFrom),
                                       agent: rows.intern(call.agent), queue: rows.intern(call.queue), transfers: i % 3,
                                       outcome: call.outcome, direction: call.direction, sameStartRank: Int32(i % 2)))
            if i % 9 == 0 { rows.talkLegs[i] = [AgentTalkLeg(agent: rows.intern("SIP/3\(i)"), talkNanoseconds: Int64(i) * -7)] }
        }
        let page = ReportPage.encode(rows, global: { $0 })
        var decoded = MetricRows(strings: rows.strings)
        let ok = page.withUnsafeBytes { ReportPage.decode($0, into: &decoded, lower: .min, upper: nil, legs: true) }
        #expect(ok && decoded.rows == rows.rows && decoded.talkLegs == rows.talkLegs)
        for length in stride(from: 0, to: page.count, by: 7) {
            var partial = MetricRows(strings: rows.strings)
            #expect(!Array(page.prefix(length)).withUnsafeBytes { ReportPage.decode($0, into: &partial, lower: .min, upper: nil, legs: true) })
            #expect(partial.rows.isEmpty)
        }
        for index in stride(from: 0, to: page.count, by: 5) {
            var damaged = page
            damaged[index] ^= 0xA5
            var read = MetricRows(strings: rows.strings)
            _ = damaged.withUnsafeBytes { ReportPage.decode($0, into: &read, lower: .min, upper: nil, legs: true) }
        }
    }

    @Test func storedQueueLogCallsAreLeftToTheWholeRead() throws {
        let dir = TemporaryDirectory()
        let db = try CallDatabase(path: dir.file("q.sqlite"))
        var call = cdrCall("q1", 0)
        call.format = "queue-log"
        _ = try db.importFile(identity("queue_log"), calls: [call], rows: 1, badRows: 0)
        #expect(try db.report(StoreReportRequest(groupBy: nil, options: MetricsOptions())) == nil)
    }
}
