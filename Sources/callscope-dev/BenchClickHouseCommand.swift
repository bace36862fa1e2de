import ArgumentParser
import CallMetrics
import CallModel
import CallStore
import CaptureSynthesis
import ClickHouseStore
import Foundation

/// `callscope-dev bench clickhouse`: the same generated calls imported into a ClickHouse store or
/// a SQLite file through `CallStoring`, then a one-day read and a month's report (scripts/bench-clickhouse.sh).
struct BenchClickHouseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clickhouse",
        abstract: "Import N generated calls (one leg each) into --clickhouse URL or --db PATH in files of --chunk calls, then time a one-day read and a report --by day over the month.",
        discussion: "Calls are generated one chunk at a time (memory stays bounded by the chunk during the import); the report reads every call of the month back."
    )

    @OptionGroup var generated: GeneratedCallsOptions

    @Option(help: ArgumentHelp("The ClickHouse store (as callscope's --clickhouse).", valueName: "url"))
    var clickhouse: String?

    @Option(help: ArgumentHelp("A new SQLite database instead.", valueName: "path"))
    var db: String?

    @Option(help: "Calls per imported file.")
    var chunk = 1_000_000

    @Flag(help: "Import only: no read and no report (for stores larger than memory).")
    var importOnly = false

    func validate() throws {
        if (clickhouse == nil) == (db == nil) { throw ValidationError("Give --clickhouse URL or --db PATH.") }
        if chunk < 1 { throw ValidationError("--chunk must be 1 or more.") }
    }

    func run() throws {
        do {
            let store: any CallStoring
            if let clickhouse {
                do { store = try ClickHouseStore(endpoint: ClickHouseEndpoint(parsing: clickhouse)) } catch let error as ClickHouseEndpointError { throw BenchFailure(description: error.description) }
            } else {
                store = try CallDatabase(path: db ?? "")
            }
            let count = generated.calls
            var importing = 0.0
            var cpu = 0.0
            var done = 0
            var part = 0
            while done < count {
                let size = min(chunk, count - done)
                let calls = GeneratedCallsOptions.callsWithLegs(count: size, seed: generated.seed &+ UInt64(part), idPrefix: "bench-\(part)-")
                let file = FileIdentity(path: "/bench/generated-\(generated.seed)-\(part).csv", size: Int64(size), sha256: String(repeating: "0", count: 64))
                let cpuBefore = processCPUSeconds()
                importing += try measureSeconds { () throws(StoreError) in _ = try store.importFile(file, calls: calls, rows: size, badRows: 0) }
                cpu += processCPUSeconds() - cpuBefore
                done += size
                part += 1
            }
            print("import of \(count) calls (1 leg each), \(part) files   \(String(format: "%8.2f", importing)) s   \(Int(Double(count) / importing)) calls/s")
            // The CPU of this process alone (the server's is not in it): on a shared machine, the figure that does not depend on the load.
            print("  CPU of callscope during the import   \(String(format: "%8.2f", cpu)) s   \(Int(Double(count) / max(cpu, 1e-9))) calls per CPU second")
            guard !importOnly else { return }
            let day = Timestamp(seconds: SyntheticCallRecords.firstDay + 15 * 86_400)
            var inRange = 0
            let range = try measureSeconds { () throws(StoreError) in inRange = try store.calls(from: day, to: Timestamp(nanoseconds: day.nanoseconds + 86_400_000_000_000), legs: true, messages: false).count }
            print("one-day read (\(inRange) calls with legs)        \(String(format: "%8.3f", range)) s")
            var stored: [Call] = []
            let read = try measureSeconds { () throws(StoreError) in stored = try store.calls(from: nil, to: nil, legs: false, messages: false) }
            print("read of all \(stored.count) calls (no legs)      \(String(format: "%8.3f", read)) s")
            let options = MetricsOptions(timeZone: TimeZone(identifier: "Europe/London") ?? .current)
            let report = measureSeconds { _ = MetricsEngine.report(calls: stored, groupBy: .day, options: options) }
            print("report --by day over them              \(String(format: "%8.3f", report)) s   (read + report \(String(format: "%.3f", read + report)) s)")
        } catch let error as StoreError {
            throw BenchFailure(description: error.description)
        }
    }
}

/// CPU seconds of the whole process so far (CLOCK_PROCESS_CPUTIME_ID): every thread, also those
/// of the HTTP client's event loop.
private func processCPUSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}
