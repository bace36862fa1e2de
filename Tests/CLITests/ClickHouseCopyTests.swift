import Foundation
import Testing
import TestSupport

/// `db copy` between the SQLite store and a ClickHouse server the test starts, and `watch
/// --clickhouse`: the same calls, ladders and figures on both sides, nothing stored twice.
@Suite(.serialized, .enabled(if: ClickHouseServer.isInstalled || ProcessInfo.processInfo.environment["CI"] != nil))
struct ClickHouseCopyTests {
    let directory = TemporaryDirectory("callscope-ch-copy")
    static let zone = ["--timezone", "Europe/London", "-q"]
    static let views = [["report", "-f", "json"], ["report", "-f", "json", "--by", "agent"], ["calls", "-f", "ndjson"], ["lost", "-f", "json"], ["heatmap", "-f", "csv"]]

    func run(_ arguments: [String]) throws -> ProcessOutput {
        let result = try CLI.run(arguments)
        #expect(result.status == 0, "\(arguments.prefix(3)): \(result.stderr)")
        return result
    }

    @Test func copyingASQLiteStoreIntoClickHouseGivesTheSameFiguresAndAgainDuplicatesNothing() throws {
        let server = try ClickHouseServer.start()
        defer { server.stop() }
        let url = server.url(database: "copied")
        let sqlite = directory.file("calls.sqlite")
        _ = try run(["import", "--db", sqlite] + ClickHouseCommandTests.inputs)
        let stored = try run(["db", "stats", "--db", sqlite]).stdout.split(separator: "\n")[1]

        let copied = try run(["db", "copy", "--db", sqlite, "--to-clickhouse", url])
        let total = stored.split(separator: " ").first.map(String.init) ?? "?"
        #expect(copied.stderr.contains("callscope: \(total) calls over "), "\(copied.stderr)")
        #expect(copied.stderr.contains(": \(total) new, 0 updated, 0 unchanged (0 days already copied)"), "\(copied.stderr)")
        #expect(!copied.stderr.contains(server.password))
        for view in Self.views {
            let fromSQLite = try run(view + ["--db", sqlite] + Self.zone)
            let fromClickHouse = try run(view + ["--clickhouse", url] + Self.zone)
            #expect(!fromSQLite.stdout.isEmpty)
            #expect(fromClickHouse.stdout == fromSQLite.stdout, "\(view)")
        }
        // The same calls, legs and range; the ledgers differ (the files there, the copied days here).
        let copiedStats = try run(["db", "stats", "--clickhouse", url]).stdout.split(separator: "\n")[1]
        #expect(copiedStats.split(separator: ",").dropLast().elementsEqual(stored.split(separator: ",").dropLast()), "\(copiedStats)")

        // Again: every day is in the ledger with the same calls; not one row is written.
        let rows = try server.query("SELECT count() FROM copied.calls")
        let again = try run(["db", "copy", "--db", sqlite, "--to-clickhouse", url])
        #expect(again.stderr.contains(": 0 new, 0 updated, \(total) unchanged ("), "\(again.stderr)")
        #expect(try server.query("SELECT count() FROM copied.calls") == rows)

        // A file imported into SQLite since: only its calls are copied, into the days they fall on.
        _ = try run(["import", "--db", sqlite, "captures/hep/hep3.pcap", "--timezone", "Europe/London"])
        let more = try run(["db", "copy", "--db", sqlite, "--to-clickhouse", url])
        #expect(more.stderr.contains(": 2 new, 0 updated, \(total) unchanged ("), "\(more.stderr)")
        let calls = try run(["calls", "-f", "ndjson", "--db", sqlite] + Self.zone).stdout
        #expect(try run(["calls", "-f", "ndjson", "--clickhouse", url] + Self.zone).stdout == calls)

        // And back: ClickHouse into a new SQLite file, the same calls with their ladders.
        let back = directory.file("back.sqlite")
        _ = try run(["db", "copy", "--clickhouse", url, "--to-db", back])
        #expect(try run(["calls", "-f", "ndjson", "--db", back] + Self.zone).stdout == calls)
    }

    @Test func copyNeedsOneDestinationThatIsNotTheSource() throws {
        let none = try CLI.run(["db", "copy", "--db", directory.file("x.sqlite")])
        #expect(none.status != 0)
        #expect(none.stderr.contains("Give where to copy to: --to-clickhouse URL or --to-db PATH."), "\(none.stderr)")
        let sqlite = directory.file("calls.sqlite")
        _ = try run(["import", "--db", sqlite, "cdr-samples/asterisk-master.csv", "-q", "--timezone", "Europe/London"])
        let same = try CLI.run(["db", "copy", "--db", sqlite, "--to-db", sqlite])
        #expect(same.status != 0)
        #expect(same.stderr.contains("the same store"), "\(same.stderr)")
    }

    /// `watch --clickhouse`: the two calls of Kamailio's HEP datagrams stored as they end, with
    /// their ladders; a second run over the same traffic stores nothing twice.
    @Test func watchStoresEachCallInClickHouseOnceAcrossRuns() throws {
        let server = try ClickHouseServer.start()
        defer { server.stop() }
        let url = server.url(database: "live")
        let port = UInt16(try ClickHouseServer.freePort())
        let datagrams = try WatchCommandTests.payloads("hep/hep3.pcap")
        let arguments = ["--hep-listen", "127.0.0.1:\(port)", "--config", "/dev/null", "--clickhouse", url]
        let first = try WatchCommandTests.watch(arguments, expected: 2) { WatchCommandTests.send(datagrams, toPort: port) }
        #expect(first.all.count == 2)
        #expect(first.stderr.contains("stored in http://127.0.0.1:\(server.httpPort)/?database=live: 2 new, 0 updated, 0 unchanged"), "\(first.stderr)")
        #expect(!first.stderr.contains(server.password))
        let second = try WatchCommandTests.watch(arguments, expected: 2) { WatchCommandTests.send(datagrams, toPort: port) }
        #expect(second.stderr.contains(": 0 new, 0 updated, 2 unchanged"), "\(second.stderr)")
        // What watch stored is what import stores from the same datagrams (tcpdump's capture of them).
        let sqlite = directory.file("calls.sqlite")
        _ = try run(["import", "--db", sqlite, "captures/hep/hep3.pcap"])
        let fromSQLite = try run(["calls", "-f", "ndjson", "--db", sqlite, "-q"]).stdout
        let fromClickHouse = try run(["calls", "-f", "ndjson", "--clickhouse", url, "-q"]).stdout
        let ids = try CLI.ndjson(fromClickHouse).map { $0["call_id"] as? String }
        #expect(ids.count == 2)
        #expect(try ids == CLI.ndjson(fromSQLite).map { $0["call_id"] as? String })
        #expect(fromClickHouse.contains(#""messages":[{"#), "\(fromClickHouse)")
        #expect(try server.query("SELECT count() FROM live.calls FINAL") == "2")
    }
}
