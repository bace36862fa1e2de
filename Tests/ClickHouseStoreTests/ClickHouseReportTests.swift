import CallMetrics
import CallModel
import CallStore
import CaptureSynthesis
import Foundation
import Testing
import TestSupport
@testable import ClickHouseStore

/// ``ClickHouseStore/report(_:)`` computed in ClickHouse SQL (``ClickHouseStore/sqlReport(_:)``)
/// against SQLite's report, the narrow-read path and the metrics over the calls in memory: on a
/// generated call-centre mix, on the bundled samples, and on a two-shard cluster, on real servers.
@Suite(.serialized, .enabled(if: ClickHouseServer.isInstalled || ProcessInfo.processInfo.environment["CI"] != nil))
struct ClickHouseReportTests {
    static let day: Int64 = 86_400
    static let groupings: [GroupBy?] = [nil] + GroupBy.allCases.filter { !Self.visitFields.contains($0) }
    static let visitFields: [GroupBy] = [.utmSource, .utmMedium, .utmCampaign, .keyword, .landingPage, .attribution]

    /// The generated mix made to exercise every history fact: callers from a pool of 60 numbers
    /// (repeat callers, callbacks to them, answered recalls), withheld and written-with-separators
    /// numbers, calls of the same number at the same instant, duplicates (the same Call-ID and
    /// start under another format), calls without a direction (the direction rules decide), and
    /// transfers crediting two agents.
    static func calls() -> [Call] {
        var calls = SyntheticCallRecords.generate(count: 3_000, seed: 11)
        for i in calls.indices {
            let suffix = String(10 + i % 60)
            let number = "+4477009000" + suffix
            let written = "+44 7700 9000" + String(suffix.prefix(1)) + "-" + String(suffix.suffix(1))
            if calls[i].direction == .inbound {
                calls[i].caller = i % 31 == 0 ? "anonymous" : (i % 17 == 0 ? written : number)
            } else {
                calls[i].dialed = number
            }
            if i % 13 == 0 { calls[i].direction = nil }
            if i % 29 == 0 { calls[i].queue = nil }
            if i % 41 == 0 { calls[i].outcome = .ivrDropoff }
            if i % 43 == 0 { calls[i].outcome = .redirected }
            if i % 47 == 0 { calls[i].waitNanoseconds = nil }
            if i % 53 == 0 { calls[i].pddMilliseconds = Int64(i % 900) }
            if i % 5 == 0 {
                calls[i].attribution = VisitAttribution(kind: i % 10 == 0 ? .pool : .static, source: i % 3 == 0 ? "google" : nil, medium: "cpc",
                                                        campaign: "c\(i % 4)", keyword: i % 7 == 0 ? "kw" : nil, landingPage: "/p\(i % 3)")
            }
            if i > 0, i % 37 == 0 { calls[i].start = calls[i - 1].start; calls[i].caller = calls[i - 1].caller }
            if i % 9 == 0 && calls[i].outcome == .answered {
                calls[i].transfers = 1
                calls[i].legs = [CallLeg(id: "\(i).1", status: "ANSWERED", start: calls[i].start, answered: true, agent: calls[i].agent, talkNanoseconds: 20_000_000_000),
                                 CallLeg(id: "\(i).2", status: "ANSWERED", start: calls[i].start, answered: true, agent: "SIP/9\(i % 3)", talkNanoseconds: 40_000_000_000)]
            }
        }
        // Duplicates: the same call read from another format (same Call-ID and start, another natural key).
        var copies = calls.enumerated().filter { $0.offset % 101 == 0 }.map { $0.element }
        for i in copies.indices { copies[i].format = "copy" }
        return (calls + copies).sorted { $0.start < $1.start }
    }

    static func optionSets() throws -> [(MetricsOptions, DirectionRules)] {
        let zone = try #require(TimeZone(identifier: "Europe/London"))
        let campaigns = [Campaign(name: "low", numbers: ["+44207946010*", "+442079460115"]), Campaign(name: "high", numbers: ["+44207946011*"]),
                         Campaign(name: "it's \"quoted\"", numbers: ["+442079460119"])]
        let first = SyntheticCallRecords.firstDay
        return [
            (MetricsOptions(timeZone: zone, campaigns: campaigns), DirectionRules()),
            // A range inside the data (history before, look-ahead after), short windows, DST in London on 29 March.
            (MetricsOptions(timeZone: zone, from: Timestamp(seconds: first + 12 * day), to: Timestamp(seconds: first + 29 * day),
                            repeatWindow: .seconds(3 * 86_400), callbackWindow: .seconds(7_200), campaigns: campaigns),
             DirectionRules(ownNumbers: ["+4420794601*"])),
            (MetricsOptions(timeZone: try #require(TimeZone(identifier: "America/New_York")), from: Timestamp(seconds: first + 3 * day),
                            shortAbandon: .seconds(10), serviceLevelThreshold: .seconds(30), qualifiedTalk: .seconds(120),
                            unknownDirectionIsInbound: true),
             DirectionRules(ownNumbers: ["+447700900010"], extensionDigits: 3...3)),
        ]
    }

    /// The generated mix imported into a new ClickHouse database `name` and a new SQLite store.
    struct Loaded {
        let server: ClickHouseServer
        let store: ClickHouseStore
        let database: CallDatabase
        let calls: [Call]
        let directory: TemporaryDirectory
    }

    static func loaded(_ name: String) throws -> Loaded {
        let server = try ClickHouseServer.start()
        let store = try ClickHouseStore(endpoint: ClickHouseEndpoint(parsing: server.url(database: name), environment: [:]))
        let directory = TemporaryDirectory()
        let database = try CallDatabase(path: directory.file(name + ".sqlite"))
        let calls = Self.calls()
        let file = FileIdentity(path: "/bench/generated.csv", size: 3_000, sha256: String(repeating: "b", count: 64))
        _ = try store.importFile(file, calls: calls, rows: calls.count, badRows: 0)
        _ = try database.importFile(file, calls: calls, rows: calls.count, badRows: 0)
        return Loaded(server: server, store: store, database: database, calls: calls, directory: directory)
    }

    @Test func sqlReportsEqualSQLiteTheNarrowReadAndTheCallsInMemory() throws {
        let loaded = try Self.loaded("r")
        defer { loaded.server.stop() }
        let (store, database, calls) = (loaded.store, loaded.database, loaded.calls)
        for (options, rules) in try Self.optionSets() {
            for groupBy in Self.groupings {
                let request = StoreReportRequest(groupBy: groupBy, options: options, direction: rules)
                let label = "\(String(describing: groupBy)) \(rules.ownNumbers)"
                let fromSQL = try #require(try store.sqlReport(request), "\(label): the SQL path was not taken")
                let fromSQLite = try #require(try database.report(request))
                #expect(fromSQL.report == fromSQLite.report, "\(label): \(differences(fromSQL.report, fromSQLite.report))")
                #expect(fromSQL.firstStart == fromSQLite.firstStart && fromSQL.lastStart == fromSQLite.lastStart, "\(label)")
                #expect(fromSQL.report == (try store.narrowReport(request)).report, "\(label): narrow read")
                let range = options.storedRange
                let inMemory = calls.filter { call in range.from.map { call.start >= $0 } ?? true && range.to.map { call.start < $0 } ?? true }
                #expect(fromSQL.report == request.report(of: inMemory).report, "\(label): \(differences(fromSQL.report, request.report(of: inMemory).report))")
                let overall = fromSQL.report.overall.kpis
                #expect(overall.offered > 0 && overall.repeatCallers > 0 && overall.lostCalls > 0, "\(label)")
                #expect(fromSQL.report.duplicatesExcluded > 0, "\(label)")
            }
        }
    }

    /// The visit fields (schema v3) are stored and read back: `--by utm_source` and the others
    /// (the narrow read) equal SQLite's.
    @Test func visitFieldReportsEqualSQLite() throws {
        let loaded = try Self.loaded("v")
        defer { loaded.server.stop() }
        let (store, database) = (loaded.store, loaded.database)
        // Calls of the same start come in natural-key order from ClickHouse, in insertion order from SQLite.
        func visits(_ calls: [Call]) -> [String: VisitAttribution] {
            Dictionary(calls.map { ($0.format + ":" + $0.callID, $0.attribution ?? .none) }, uniquingKeysWith: { a, _ in a })
        }
        let stored = visits(try store.calls(from: nil, to: nil, legs: true))
        #expect(stored == visits(try database.calls(from: nil, to: nil, legs: true, messages: false)))
        #expect(stored.values.filter { $0.kind != .none }.count > 500)
        for field in Self.visitFields {
            let request = StoreReportRequest(groupBy: field, options: MetricsOptions())
            let fromClickHouse = try #require(try store.report(request))
            let fromSQLite = try #require(try database.report(request))
            #expect(fromClickHouse.report == fromSQLite.report, "\(field): \(differences(fromClickHouse.report, fromSQLite.report))")
            #expect(fromClickHouse.report.groups.count > 2, "\(field)")
        }
    }

    /// The narrow-read path is taken exactly where ``ClickHouseStore/sqlReport(_:)`` says.
    @Test func theNarrowReadIsTakenOnlyWhereTheSQLIsNotExact() throws {
        let server = try ClickHouseServer.start()
        defer { server.stop() }
        let store = try ClickHouseStore(endpoint: ClickHouseEndpoint(parsing: server.url(database: "f"), environment: [:]))
        var calls = Array(Self.calls().prefix(400))
        let file = FileIdentity(path: "/a.csv", size: 1, sha256: String(repeating: "a", count: 64))
        _ = try store.importFile(file, calls: calls, rows: calls.count, badRows: 0)
        let plain = StoreReportRequest(groupBy: .agent, options: MetricsOptions())
        #expect(try store.sqlReport(plain) != nil)
        #expect(try store.sqlReport(StoreReportRequest(groupBy: nil, options: MetricsOptions(), direction: DirectionRules(extensionPattern: "_2XX"))) == nil)
        #expect(try store.sqlReport(StoreReportRequest(groupBy: .day, options: MetricsOptions(), direction: DirectionRules(ownNumbers: ["+44 20 7946 0100 é"]))) == nil)
        for field in Self.visitFields { #expect(try store.sqlReport(StoreReportRequest(groupBy: field, options: MetricsOptions())) == nil) }
        // A caller written with a non-ASCII character: the engine compares numbers as Unicode text.
        calls[5].caller = "+4477009000１1"
        _ = try store.importFile(FileIdentity(path: "/b.csv", size: 1, sha256: String(repeating: "c", count: 64)), calls: [calls[5]], rows: 1, badRows: 0)
        #expect(try store.sqlReport(plain) == nil)
        #expect(try store.report(plain)?.report == (try store.narrowReport(plain)).report)
    }

    /// The samples (captures and CDR files) stored through `import`: `report -f json` from
    /// ClickHouse, computed in SQL, is byte for byte SQLite's for every grouping.
    @Test func theSamplesReportTheSameFromSQLAsFromSQLite() throws {
        let server = try ClickHouseServer.start()
        defer { server.stop() }
        let url = server.url(database: "s")
        let directory = TemporaryDirectory()
        let database = directory.file("s.sqlite")
        let inputs = CLI.sipSampleCaptures + ["cdr-samples/asterisk-master.csv", "cdr-samples/cucm-cdr.csv", "cdr-samples/freeswitch-master.csv"]
        let zone = ["--timezone", "Europe/London", "-q"]
        for target in [["--clickhouse", url], ["--db", database]] {
            let imported = try CLI.run(["import"] + target + zone + inputs)
            #expect(imported.status == 0, "\(imported.stderr)")
        }
        let store = try ClickHouseStore(endpoint: ClickHouseEndpoint(parsing: url, environment: [:]))
        #expect(try store.sqlReport(StoreReportRequest(groupBy: .agent, options: MetricsOptions())) != nil)
        // --by campaign needs a campaigns file: the generated mix covers it.
        for groupBy in Self.groupings where groupBy != .campaign {
            let by = groupBy.map { ["--by", $0.rawValue] } ?? []
            let fromSQL = try CLI.run(["report", "-f", "json", "--clickhouse", url] + by + zone)
            let fromSQLite = try CLI.run(["report", "-f", "json", "--db", database] + by + zone)
            #expect(fromSQL.status == 0 && fromSQL.stdout.contains("\"offered\""), "\(by): \(fromSQL.stderr)")
            #expect(fromSQL.stdout == fromSQLite.stdout, "\(by)")
        }
    }

    /// A two-shard cluster (Distributed tables): the SQL report equals SQLite's.
    @Test func theSQLReportOnATwoShardClusterEqualsSQLite() throws {
        let ports = try (0..<4).map { _ in try ClickHouseServer.freePort() }
        let first = try ClickHouseServer.start(cluster: [ports[1], ports[3]], ports: (ports[0], ports[1]))
        defer { first.stop() }
        let second = try ClickHouseServer.start(cluster: [ports[1], ports[3]], ports: (ports[2], ports[3]))
        defer { second.stop() }
        let url = "http://default:\(first.password)@127.0.0.1:\(first.httpPort)/?database=calls&cluster=callscope&shards=127.0.0.1:\(first.httpPort),127.0.0.1:\(second.httpPort)"
        let store = try ClickHouseStore(endpoint: ClickHouseEndpoint(parsing: url, environment: [:]))
        let directory = TemporaryDirectory()
        let database = try CallDatabase(path: directory.file("c.sqlite"))
        let calls = Self.calls()
        let file = FileIdentity(path: "/bench/generated.csv", size: 3_000, sha256: String(repeating: "b", count: 64))
        _ = try store.importFile(file, calls: calls, rows: calls.count, badRows: 0)
        _ = try database.importFile(file, calls: calls, rows: calls.count, badRows: 0)
        #expect(try Int(first.query("SELECT count() FROM calls.calls_local")) ?? 0 > 0)
        #expect(try Int(second.query("SELECT count() FROM calls.calls_local")) ?? 0 > 0)
        let (options, rules) = try Self.optionSets()[1]
        for groupBy in Self.groupings {
            let request = StoreReportRequest(groupBy: groupBy, options: options, direction: rules)
            let fromSQL = try #require(try store.sqlReport(request), "\(String(describing: groupBy))")
            let fromSQLite = try #require(try database.report(request))
            #expect(fromSQL.report == fromSQLite.report, "\(String(describing: groupBy)): \(differences(fromSQL.report, fromSQLite.report))")
        }
    }
}

/// The paths of the first fields where two values differ (`groups[3].kpis.asaSeconds: 4.0 / 5.0`), for a readable failure.
func differences(_ a: Any, _ b: Any, path: String = "", limit: Int = 12) -> [String] {
    let ma = Mirror(reflecting: a), mb = Mirror(reflecting: b)
    if ma.children.isEmpty || mb.children.isEmpty || ma.children.count != mb.children.count {
        let (x, y) = ("\(a)", "\(b)")
        return x == y ? [] : ["\(path): \(x.prefix(200)) / \(y.prefix(200))"]
    }
    var out: [String] = []
    for (index, (ca, cb)) in zip(ma.children, mb.children).enumerated() where out.count < limit {
        out += differences(ca.value, cb.value, path: path + "." + (ca.label ?? "[\(index)]"), limit: limit - out.count)
    }
    return out
}
