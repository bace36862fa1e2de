import CallMetrics
import CallModel
import CallStore
import CaptureSynthesis
import Foundation
import Testing
import TestSupport
@testable import ClickHouseStore

/// ``ClickHouseStore/report(_:)`` against SQLite's and against the metrics over the calls in
/// memory, on a generated call-centre mix (with transfers crediting two agents), on a real server.
@Suite(.serialized, .enabled(if: ClickHouseServer.isInstalled || ProcessInfo.processInfo.environment["CI"] != nil))
struct ClickHouseReportTests {
    @Test func reportsEqualSQLiteAndTheCallsInMemory() throws {
        let server = try ClickHouseServer.start()
        defer { server.stop() }
        let store = try ClickHouseStore(endpoint: ClickHouseEndpoint(parsing: server.url(database: "r"), environment: [:]))
        let directory = TemporaryDirectory()
        let database = try CallDatabase(path: directory.file("r.sqlite"))
        var calls = SyntheticCallRecords.generate(count: 3_000, seed: 11)
        for i in calls.indices where i % 9 == 0 && calls[i].outcome == .answered {
            calls[i].transfers = 1
            calls[i].legs = [CallLeg(id: "\(i).1", status: "ANSWERED", start: calls[i].start, answered: true, agent: calls[i].agent, talkNanoseconds: 20_000_000_000),
                             CallLeg(id: "\(i).2", status: "ANSWERED", start: calls[i].start, answered: true, agent: "SIP/9\(i % 3)", talkNanoseconds: 40_000_000_000)]
        }
        let file = FileIdentity(path: "/bench/generated.csv", size: 3_000, sha256: String(repeating: "b", count: 64))
        _ = try store.importFile(file, calls: calls, rows: calls.count, badRows: 0)
        _ = try database.importFile(file, calls: calls, rows: calls.count, badRows: 0)
        let zone = try #require(TimeZone(identifier: "Europe/London"))
        let campaigns = [Campaign(name: "low", numbers: ["+44207946010*"]), Campaign(name: "high", numbers: ["+44207946011*"])]
        let day: Int64 = 86_400
        for options in [MetricsOptions(timeZone: zone, campaigns: campaigns),
                        MetricsOptions(timeZone: zone, from: Timestamp(seconds: SyntheticCallRecords.firstDay + 12 * day),
                                       to: Timestamp(seconds: SyntheticCallRecords.firstDay + 14 * day), callbackWindow: .seconds(7_200), campaigns: campaigns)] {
            for groupBy in [nil, GroupBy.hour, .day, .agent, .campaign, .queue, .direction, .weekday] {
                let request = StoreReportRequest(groupBy: groupBy, options: options)
                let fromClickHouse = try #require(try store.report(request))
                let fromSQLite = try #require(try database.report(request))
                #expect(fromClickHouse.report == fromSQLite.report, "\(String(describing: groupBy))")
                let range = options.storedRange
                let inMemory = calls.filter { call in range.from.map { call.start >= $0 } ?? true && range.to.map { call.start < $0 } ?? true }
                #expect(fromClickHouse.report == request.report(of: inMemory).report, "\(String(describing: groupBy))")
                #expect(fromClickHouse.report.overall.kpis.offered > 0)
            }
        }
    }
}
