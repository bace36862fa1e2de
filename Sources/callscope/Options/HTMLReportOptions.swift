import ArgumentParser
import Foundation
import Reports

/// What `report --format html` takes besides the report's options: the output file, the site's
/// name for the header, KPI targets, and control rules (README "HTML report"). The blocked-rate target is
/// `--blocked-target` of ``KPIThresholdOptions``. A site profile can later supply the same.
struct HTMLReportOptions: ParsableArguments {
    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("--format html: write the page to this file instead of standard output.", valueName: "file"))
    var outputFile: String?

    @Option(help: ArgumentHelp("--format html: the site's name, shown in the page's title.", valueName: "name"))
    var site: String?

    @Option(name: .customLong("target-service-level"), help: ArgumentHelp("--format html: service-level target in percent (met when at least this).", valueName: "P"))
    var serviceLevel: Double?

    @Option(name: .customLong("target-abandonment"), help: ArgumentHelp("--format html: abandonment-rate target in percent (met when at most this).", valueName: "P"))
    var abandonment: Double?

    @Option(help: ArgumentHelp("--format html: control rules (YAML, as for callscope events); the page lists their events.", valueName: "file"))
    var rules: String?

    @Option(help: ArgumentHelp("--format html: agents' shifts for the rules that need them (CSV, as for callscope events).", valueName: "file"))
    var shifts: String?

    @Flag(help: "--format html: decode the calls' audio for the talk-ownership section (slower; see the talk analysis options).")
    var talk = false

    func validate() throws {
        if let serviceLevel { try checkRange("--target-service-level", serviceLevel, maximum: 100) }
        if let abandonment { try checkRange("--target-abandonment", abandonment, maximum: 100) }
        if let outputFile, outputFile.isEmpty { throw ValidationError("--output needs a file path.") }
    }

    /// The targets as fractions; the blocked-rate one from `--blocked-target` (percent).
    func targets(blockedPercent: Double) -> ReportTargets {
        ReportTargets(serviceLevel: serviceLevel.map { $0 / 100 }, abandonment: abandonment.map { $0 / 100 }, blockedRate: blockedPercent / 100)
    }

    /// Writes the page to `--output` (or standard output).
    func write(_ page: String) throws {
        guard let outputFile else { return Output.write(page) }
        do {
            try Data(page.utf8).write(to: URL(fileURLWithPath: outputFile))
        } catch {
            throw CommandFailure(.output, "Cannot write '\(outputFile)': \(error.localizedDescription)")
        }
    }

    /// Whether any of these options was given (they are for `--format html` only).
    var anyGiven: Bool { outputFile != nil || site != nil || serviceLevel != nil || abandonment != nil || rules != nil || shifts != nil || talk }
}
