import ArgumentParser
import CDRImport
import Foundation

/// `callscope-dev bench cdr FILE`: the CDR readers' throughput.
struct BenchCDRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cdr",
        abstract: "Read a CDR file into calls (detection, parsing, grouping; no output) three times and print the best rows/s."
    )

    @Argument(help: ArgumentHelp("The CDR file to read (e.g. one made by scripts/bench-cdr.sh).", valueName: "file"))
    var file: String

    func run() throws {
        let importer = CDRImporter(options: CDRImportOptions(timeZone: TimeZone(identifier: "UTC") ?? .current))
        var best = Double.infinity
        var rows = 0, callCount = 0
        for _ in 0..<3 {
            var result: CDRImporter.FileResult?
            let seconds = try measureSeconds {
                do { result = try importer.importFile(file) { _ in } } catch { throw BenchFailure(description: String(describing: error)) }
            }
            rows = result?.rows ?? 0
            callCount = result?.result.calls.count ?? 0
            best = min(best, seconds)
        }
        print("\(file): \(rows) rows, \(callCount) calls; best of 3: \(String(format: "%.3f", best)) s, \(Int(Double(rows) / best)) rows/s (reading the file included, no output)")
    }
}
