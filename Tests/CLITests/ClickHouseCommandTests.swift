import Foundation
import Testing
import TestSupport

/// `import`, the reading commands and `db stats` with `--clickhouse`, end to end against a
/// ClickHouse server each test starts (Debian's clickhouse-server, 18.16 in CI), compared with
/// the same commands on the SQLite store.
@Suite(.serialized, .enabled(if: ClickHouseServer.isInstalled || ProcessInfo.processInfo.environment["CI"] != nil))
struct ClickHouseCommandTests {
    let directory = TemporaryDirectory("callscope-ch-cli")
    var database: String { directory.file("calls.sqlite") }

    /// The bundled samples: every SIP sample capture and the CDR samples (Asterisk with its queue_log, CUCM, FreeSWITCH).
    static let inputs = ["cdr-samples/asterisk-master.csv", "cdr-samples/asterisk-queue_log", "cdr-samples/cucm-cdr.csv", "cdr-samples/freeswitch-master.csv"]
        + CLI.sipSampleCaptures + ["--timezone", "Europe/London"]

    func run(_ arguments: [String]) throws -> ProcessOutput {
        let result = try CLI.run(arguments)
        #expect(result.status == 0, "\(arguments.prefix(3)): \(result.stderr)")
        return result
    }

    @Test func importAndEveryReadingCommandGiveWhatSQLiteGives() throws {
        let server = try ClickHouseServer.start()
        defer { server.stop() }
        let url = server.url(database: "calls")
        let imported = try run(["import", "--clickhouse", url] + Self.inputs)
        _ = try run(["import", "--db", database] + Self.inputs)
        #expect(imported.stderr.contains("asterisk-master.csv: 13 calls, 13 new, 0 updated, 0 unchanged"), "\(imported.stderr)")
        #expect(imported.stderr.contains("callscope: database http://127.0.0.1:\(server.httpPort)/?database=calls\n"))
        #expect(!imported.stderr.contains(server.password))

        let zone = ["--timezone", "Europe/London", "-q"]
        for command in [["report", "-f", "json"], ["report", "-f", "json", "--by", "agent"], ["calls", "-f", "ndjson"], ["lost", "-f", "json"], ["heatmap", "-f", "csv"]] {
            let fromSQLite = try run(command + ["--db", database] + zone)
            let fromClickHouse = try run(command + ["--clickhouse", url] + zone)
            #expect(!fromSQLite.stdout.isEmpty)
            #expect(fromClickHouse.stdout == fromSQLite.stdout, "\(command)")
        }

        // The same files again: nothing to do, and the counts stay.
        let again = try run(["import", "--clickhouse", url] + Self.inputs)
        #expect(again.stderr.components(separatedBy: "already imported").count - 1 == Self.inputs.count - 2, "\(again.stderr)")
        let stats = try run(["db", "stats", "--clickhouse", url]).stdout
        let sqliteStats = try run(["db", "stats", "--db", database]).stdout
        // Same calls, legs and sources; the ledger paths and times differ only by when they ran.
        #expect(stats.split(separator: "\n")[1] == sqliteStats.split(separator: "\n")[1])
        #expect(stats.components(separatedBy: "last imports")[0].split(separator: "\n").dropFirst() == sqliteStats.components(separatedBy: "last imports")[0].split(separator: "\n").dropFirst())
        #expect(stats.hasPrefix("database http://127.0.0.1:\(server.httpPort)/?database=calls (schema v3)\n"))

        // Master.csv again under another path, without its queue_log: the same counts as SQLite
        // (its calls without queue data replace the enriched ones there too), nothing doubled.
        let copy = directory.url.appendingPathComponent("Master-copy.csv")
        try FileManager.default.copyItem(at: TestPaths.root.appendingPathComponent("cdr-samples/asterisk-master.csv"), to: copy)
        let overlap = try run(["import", "--clickhouse", url, copy.path, "--timezone", "Europe/London"])
        let sqliteOverlap = try run(["import", "--db", database, copy.path, "--timezone", "Europe/London"])
        #expect(overlap.stderr.contains("Master-copy.csv: 13 calls, 0 new, "), "\(overlap.stderr)")
        #expect(overlap.stderr.split(separator: "\n").first == sqliteOverlap.stderr.split(separator: "\n").first)
        let report = try run(["report", "-f", "json", "--clickhouse", url] + zone)
        let sqliteReport = try run(["report", "-f", "json", "--db", database] + zone)
        #expect(report.stdout == sqliteReport.stdout)
    }

    @Test func aServerThatCannotBeReachedOrRefusesTheLoginIsAClearErrorWithoutThePassword() throws {
        let server = try ClickHouseServer.start()
        let wrong = "http://default:not-the-password@127.0.0.1:\(server.httpPort)/?database=calls"
        let refused = try CLI.run(["import", "--clickhouse", wrong, "cdr-samples/asterisk-master.csv"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("http://127.0.0.1:\(server.httpPort)/?database=calls: the server refused"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("not-the-password"))
        // Credentials from the environment work as from the URL.
        let fromEnvironment = try ProcessRunner.run(CLI.binary, ["import", "--clickhouse", server.url(database: "calls", credentials: false), "cdr-samples/asterisk-master.csv", "-q"],
                                                    in: TestPaths.root, environment: ["CALLSCOPE_CLICKHOUSE_USER": "default", "CALLSCOPE_CLICKHOUSE_PASSWORD": server.password])
        #expect(fromEnvironment.status == 0, "\(fromEnvironment.stderr)")
        // A reading command on a database no import created.
        let missing = try CLI.run(["report", "--clickhouse", server.url(database: "nothing_here"), "-q"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no database 'nothing_here'"), "\(missing.stderr)")
        server.stop()
        let down = try CLI.run(["import", "--clickhouse", server.url(database: "calls"), "cdr-samples/asterisk-master.csv"])
        #expect(down.status == 1)
        #expect(down.stderr.contains("cannot reach the ClickHouse server (connection refused)"), "\(down.stderr)")
        #expect(!down.stderr.contains(server.password))
    }
}
