import Foundation
import Testing
import TestSupport

/// `--clickhouse` on a two-shard cluster on this machine: two clickhouse-server processes whose
/// `remote_servers` name both, Distributed tables over local ones, compared with SQLite; then a
/// shard down during an import and the retry.
@Suite(.serialized, .enabled(if: ClickHouseServer.isInstalled || ProcessInfo.processInfo.environment["CI"] != nil))
struct ClickHouseClusterTests {
    let directory = TemporaryDirectory("callscope-ch-cluster")
    static let zone = ["--timezone", "Europe/London", "-q"]

    /// Two servers, each knowing the cluster `callscope` of both.
    static func startCluster() throws -> (ClickHouseServer, ClickHouseServer) {
        let ports = try (0..<4).map { _ in try ClickHouseServer.freePort() }
        let shards = [ports[1], ports[3]]
        let first = try ClickHouseServer.start(cluster: shards, ports: (ports[0], ports[1]))
        let second = try ClickHouseServer.start(cluster: shards, ports: (ports[2], ports[3]))
        return (first, second)
    }

    static func url(_ first: ClickHouseServer, _ second: ClickHouseServer) -> String {
        "http://default:\(first.password)@127.0.0.1:\(first.httpPort)/?database=calls&cluster=callscope&shards=127.0.0.1:\(first.httpPort),127.0.0.1:\(second.httpPort)"
    }

    func run(_ arguments: [String]) throws -> ProcessOutput {
        let result = try CLI.run(arguments)
        #expect(result.status == 0, "\(arguments.prefix(3)): \(result.stderr)")
        return result
    }

    @Test func importSpreadsCallsOverTwoShardsAndEveryReportEqualsSQLite() throws {
        let (first, second) = try Self.startCluster()
        defer { first.stop(); second.stop() }
        let url = Self.url(first, second)
        let database = directory.file("calls.sqlite")
        _ = try run(["import", "--clickhouse", url] + ClickHouseCommandTests.inputs)
        _ = try run(["import", "--db", database] + ClickHouseCommandTests.inputs)
        let onFirst = try #require(Int(first.query("SELECT count() FROM calls.calls_local FINAL")))
        let onSecond = try #require(Int(second.query("SELECT count() FROM calls.calls_local FINAL")))
        #expect(onFirst > 0 && onSecond > 0, "\(onFirst) + \(onSecond)")
        let sqliteStats = try run(["db", "stats", "--db", database]).stdout
        #expect(sqliteStats.contains("\n\(onFirst + onSecond) calls, "), "\(sqliteStats)")
        for command in [["report", "-f", "json"], ["report", "-f", "json", "--by", "hour"], ["calls", "-f", "ndjson"], ["lost", "-f", "json"]] {
            let fromSQLite = try run(command + ["--db", database] + Self.zone)
            let fromCluster = try run(command + ["--clickhouse", url] + Self.zone)
            #expect(fromCluster.stdout == fromSQLite.stdout, "\(command)")
        }
    }

    @Test func aShardDownDuringAnImportIsAClearErrorAndTheRetryStoresEveryCallOnce() throws {
        let (first, second) = try Self.startCluster()
        defer { first.stop(); second.stop() }
        let url = Self.url(first, second)
        _ = try run(["import", "--clickhouse", url, "--timezone", "Europe/London", "captures/answered-udp.pcap"])
        second.stop()
        let failed = try CLI.run(["import", "--clickhouse", url, "--timezone", "Europe/London", "cdr-samples/asterisk-master.csv"])
        #expect(failed.status == 1)
        // The store checks every shard's schema when it opens: the shard down is named there.
        #expect(failed.stderr.contains("http://127.0.0.1:\(second.httpPort)/?database=calls&cluster=callscope: cannot reach the ClickHouse server (connection refused)"), "\(failed.stderr)")
        #expect(!failed.stderr.contains(first.password))
        try second.restart()
        let retried = try run(["import", "--clickhouse", url, "--timezone", "Europe/London", "cdr-samples/asterisk-master.csv"])
        #expect(retried.stderr.contains("asterisk-master.csv: 13 calls,"), "\(retried.stderr)")
        let database = directory.file("calls.sqlite")
        _ = try run(["import", "--db", database, "--timezone", "Europe/London", "captures/answered-udp.pcap", "cdr-samples/asterisk-master.csv"])
        let total = try Int(first.query("SELECT count() FROM calls.calls_local FINAL")) ?? -1
        let other = try Int(second.query("SELECT count() FROM calls.calls_local FINAL")) ?? -1
        let stored = try run(["calls", "-f", "ndjson", "--clickhouse", url] + Self.zone).stdout
        let sqlite = try run(["calls", "-f", "ndjson", "--db", database] + Self.zone).stdout
        #expect(stored == sqlite)
        #expect(total + other == sqlite.split(separator: "\n").count)
    }
}
