import ArgumentParser
import CallMetrics
import CallModel
import CallStore
import CaptureSynthesis
import Foundation

/// `callscope-dev bench store`: import, range query and full read of generated calls, and the
/// common reports computed by the store (docs/performance.md "Store reports").
struct BenchStoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Import N generated calls (one leg each) into a new database, then time a one-day range query, a full read and the common reports.",
        discussion: """
            The reports (overall, by hour, day, agent, campaign) are timed as the store computes \
            them (`report --db`), and with --whole also as reading every call and running the \
            metrics over them, checking both give the same figures. Calls are generated and \
            imported a million at a time (chunk k: seed + k, ids bench-k-i). The database is made \
            in a temporary folder and removed afterwards, unless --keep names a file; an existing \
            --keep file is reused as it is (no import).
            """
    )

    @OptionGroup var generated: GeneratedCallsOptions

    @Option(help: ArgumentHelp("Write the database here and keep it; reuse it when it exists.", valueName: "file"))
    var keep: String?

    @Flag(inversion: .prefixedNo, help: "Also read every call and time the reports over them (the path before the store computed them), checking the figures are equal; default on up to 2,000,000 calls.")
    var whole: Bool?

    static let chunk = 1_000_000

    /// Four campaigns over the generator's tracking numbers, for `--by campaign`.
    static let campaigns = (0..<4).map { k in
        Campaign(name: "campaign-\(k)", numbers: SyntheticCallRecords.trackingNumbers.enumerated().filter { $0.offset % 4 == k }.map(\.element))
    }

    func run() throws {
        let count = generated.calls
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("callscope-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = keep ?? folder.appendingPathComponent("bench.sqlite").path
        let reuse = FileManager.default.fileExists(atPath: path)
        do throws(StoreError) {
            let database = try CallDatabase(path: path)
            if reuse {
                print("reusing \(path): \(try database.stats(lastImports: 0).calls) calls")
            } else {
                var importing = 0.0
                for k in stride(from: 0, to: count, by: Self.chunk) {
                    let n = min(Self.chunk, count - k)
                    let chunk = k / Self.chunk
                    let calls = GeneratedCallsOptions.callsWithLegs(count: n, seed: generated.seed &+ UInt64(chunk), idPrefix: count > Self.chunk ? "bench-\(chunk)-" : nil)
                    let file = FileIdentity(path: "/bench/generated-\(count)-\(chunk).csv", size: Int64(n), sha256: String(repeating: "0", count: 63) + String(chunk % 10))
                    importing += try measureSeconds { () throws(StoreError) in _ = try database.importFile(file, calls: calls, rows: n, badRows: 0) }
                }
                print("import of \(count) calls (1 leg each)   \(String(format: "%7.3f", importing)) s   \(Int(Double(count) / importing)) calls/s")
            }
            let whole = self.whole ?? (count <= 2_000_000)
            var stored: [Call] = []
            if whole {
                let day = Timestamp(seconds: SyntheticCallRecords.firstDay + 15 * 86_400)
                var inRange = 0
                let range = try measureSeconds { () throws(StoreError) in inRange = try database.calls(from: day, to: Timestamp(nanoseconds: day.nanoseconds + 86_400_000_000_000)).count }
                print("one-day range query (\(inRange) calls)    \(String(format: "%7.3f", range)) s")
                let read = try measureSeconds { () throws(StoreError) in stored = try database.allCalls() }
                print("full read of \(stored.count) calls         \(String(format: "%7.3f", read)) s")
            }
            let options = MetricsOptions(timeZone: TimeZone(identifier: "Europe/London") ?? .current, campaigns: Self.campaigns)
            for groupBy in [nil, GroupBy.hour, .day, .agent, .campaign] {
                let request = StoreReportRequest(groupBy: groupBy, options: options)
                var computed: StoreReport?
                let cpu = threadCPUSeconds()
                let seconds = try measureSeconds { () throws(StoreError) in computed = try database.report(request) }
                let cpuSeconds = threadCPUSeconds() - cpu
                let label = "report " + (groupBy.map { "--by \($0.rawValue)" } ?? "(overall)")
                var line = "\(label.padding(toLength: 24, withPad: " ", startingAt: 0)) store \(String(format: "%7.3f", seconds)) s (CPU \(String(format: "%.3f", cpuSeconds)))"
                if whole {
                    var reference: StoreReport?
                    let wholeSeconds = measureSeconds { reference = request.report(of: stored) }
                    line += "   metrics over the full read \(String(format: "%7.3f", wholeSeconds)) s   " + (reference?.report == computed?.report ? "equal" : "DIFFERENT")
                }
                print(line)
            }
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            print("database size                       \(size / 1_048_576) MiB")
        } catch {
            throw BenchFailure(description: error.description)
        }
    }
}
