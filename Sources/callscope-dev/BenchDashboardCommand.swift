import ArgumentParser
import CallMetrics
import CallModel
import CallStore
import CaptureSynthesis
import Dashboard
import Foundation

/// `callscope-dev bench dashboard`: the time of the dashboard's pages for a 7-day range over a
/// store of N generated calls (README "Dashboard", docs/performance.md "Dashboard").
struct BenchDashboardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Import N generated calls (30 days) into a new database, then time each dashboard page for a 7-day range: first load and reload.",
        discussion: "In process (no HTTP). The database is made in a temporary folder and removed afterwards, unless --keep names a file."
    )

    @OptionGroup var generated: GeneratedCallsOptions

    @Option(help: "Loads of each page timed after the first; the best is printed.")
    var repeats = 5

    @Option(help: ArgumentHelp("Write the database here and keep it (to time serve or report --db on it); default a temporary one, removed.", valueName: "file"))
    var keep: String?

    @Option(help: ArgumentHelp("Time the pages over this database, kept by an earlier --keep run with the same --calls and --seed, instead of making one (the import is left out).", valueName: "file"))
    var db: String?

    func validate() throws {
        if db != nil, keep != nil { throw ValidationError("Give --keep (make a database and keep it) or --db (use one made before), not both.") }
        if let db, !FileManager.default.fileExists(atPath: db) { throw ValidationError("No database at '\(db)': make one with --keep.") }
    }

    func run() throws {
        let count = generated.calls
        let calls = GeneratedCallsOptions.callsWithLegs(count: count, seed: generated.seed)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("callscope-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = db ?? keep ?? folder.appendingPathComponent("bench.sqlite").path
        if db == nil {
            do throws(StoreError) {
                let database = try CallDatabase(path: path)
                _ = try database.importFile(FileIdentity(path: "/bench/generated-\(count).csv", size: Int64(count), sha256: String(repeating: "0", count: 64)),
                                            calls: calls, rows: count, badRows: 0)
            } catch {
                throw BenchFailure(description: error.description)
            }
        }
        let options = MetricsOptions(timeZone: TimeZone(identifier: "Europe/London") ?? .current)
        let renderer: DashboardRenderer
        do { renderer = try DashboardRenderer(DashboardConfiguration(databasePath: path, options: options)) } catch { throw BenchFailure(description: error.description) }
        let day = 86_400
        let from = Date(timeIntervalSince1970: Double(SyntheticCallRecords.firstDay + 10 * Int64(day)))
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withFullDate]
        let range = "from=\(format.string(from: from))&to=\(format.string(from: from.addingTimeInterval(7 * Double(day))))"
        let inRange = calls.filter { $0.start.nanoseconds >= Int64(from.timeIntervalSince1970) * 1_000_000_000 && $0.start.nanoseconds < Int64(from.timeIntervalSince1970 + 7 * Double(day)) * 1_000_000_000 }.count
        print("store of \(count) generated calls over 30 days; 7-day range \(range) holds \(inRange) calls")
        for page in ["/", "/lost", "/agents", "/heatmap", "/calls"] {
            var bytes = 0
            var failure: String?
            // A store written since: the cache is cold (first load); then reloads of the same range.
            // Wall time and this thread's CPU time: on a loaded machine the CPU time is the page's cost.
            var cpu = threadCPUSeconds()
            let first = measureSeconds { do { bytes = try renderer.page(page, query: range).utf8.count } catch { failure = String(describing: error) } }
            let firstCPU = threadCPUSeconds() - cpu
            if let failure { throw BenchFailure(description: failure) }
            var best = Double.infinity, bestCPU = Double.infinity
            for _ in 0..<max(1, repeats) {
                cpu = threadCPUSeconds()
                best = min(best, measureSeconds { _ = try? renderer.page(page, query: range) })
                bestCPU = min(bestCPU, threadCPUSeconds() - cpu)
            }
            func ms(_ s: Double) -> String { String(format: "%7.1f", s * 1000) }
            print("\(page.padding(toLength: 9, withPad: " ", startingAt: 0)) first load \(ms(first)) ms (CPU \(ms(firstCPU)))   reload \(ms(best)) ms (CPU \(ms(bestCPU)))   \(bytes / 1024) KiB")
        }
    }
}
