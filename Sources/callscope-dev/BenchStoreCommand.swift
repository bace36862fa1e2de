import ArgumentParser
import CallMetrics
import CallModel
import CallStore
import CaptureSynthesis
import Foundation

/// `callscope-dev bench store`: import, range query and full read of generated calls.
struct BenchStoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Import N generated calls (one leg each) into a new database, then time a one-day range query, a full read and a report.",
        discussion: "The database is made in a temporary folder and removed afterwards."
    )

    @OptionGroup var generated: GeneratedCallsOptions

    func run() throws {
        let count = generated.calls
        let calls = GeneratedCallsOptions.callsWithLegs(count: count, seed: generated.seed)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("callscope-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("bench.sqlite").path
        do throws(StoreError) {
            let database = try CallDatabase(path: path)
            let file = FileIdentity(path: "/bench/generated-\(count).csv", size: Int64(count), sha256: String(repeating: "0", count: 64))
            let importing = try measureSeconds { () throws(StoreError) in _ = try database.importFile(file, calls: calls, rows: count, badRows: 0) }
            print("import of \(count) calls (1 leg each)   \(String(format: "%7.3f", importing)) s   \(Int(Double(count) / importing)) calls/s")
            let day = Timestamp(seconds: SyntheticCallRecords.firstDay + 15 * 86_400)
            var inRange = 0
            let range = try measureSeconds { () throws(StoreError) in inRange = try database.calls(from: day, to: Timestamp(nanoseconds: day.nanoseconds + 86_400_000_000_000)).count }
            print("one-day range query (\(inRange) calls)    \(String(format: "%7.3f", range)) s")
            var stored: [Call] = []
            let read = try measureSeconds { () throws(StoreError) in stored = try database.allCalls() }
            print("full read of \(stored.count) calls         \(String(format: "%7.3f", read)) s")
            let options = MetricsOptions(timeZone: TimeZone(identifier: "Europe/London") ?? .current)
            let report = measureSeconds { _ = MetricsEngine.report(calls: stored, groupBy: .day, options: options) }
            print("report --by day over them           \(String(format: "%7.3f", report)) s   (read + report \(String(format: "%.3f", read + report)) s)")
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            print("database size                       \(size / 1_048_576) MiB")
        } catch {
            throw BenchFailure(description: error.description)
        }
    }
}
