import ArgumentParser
import CDRImport
import CallMetrics
import CallModel
import Foundation

/// The thresholds and windows of the metrics (docs/metrics.md), shared by `report`,
/// `heatmap` and `lost`.
struct MetricsOptionsGroup: ParsableArguments {
    @Option(help: ArgumentHelp("Count only calls starting at or after this local date or time (YYYY-MM-DD or YYYY-MM-DDTHH:MM) in --timezone.", valueName: "time"))
    var from: String?

    @Option(help: ArgumentHelp("Count only calls starting before this local date or time (YYYY-MM-DD or YYYY-MM-DDTHH:MM).", valueName: "time"))
    var to: String?

    @Option(help: "Abandons shorter than this many seconds are short abandons, left out of abandonment and service level.")
    var shortAbandon: Double = 5

    @Option(name: .customLong("sl-threshold"), help: "Service level: answered within this many seconds.")
    var serviceLevelThreshold: Double = 20

    @Option(help: "A caller is a repeat caller when the same number called within this many days before.")
    var repeatWindow: Double = 30

    @Option(help: "A lost call counts as returned when called back or answered again within this many hours.")
    var callbackWindow: Double = 24

    @Option(name: .customLong("qualified-s"), help: "A qualified call is answered with at least this many seconds of talk.")
    var qualifiedSeconds: Double = 60

    @Option(help: "Say so when the blocked-call rate is above this percentage.")
    var blockedTarget: Double = 5

    @Option(help: ArgumentHelp("Campaigns: tracking numbers (or prefixes ending in *) to campaign, channel, cost, revenue per qualified call; CSV or YAML (see README).", valueName: "file"))
    var campaigns: String?

    func validate() throws {
        // Seconds-based options must fit a Duration in nanoseconds: at most about 30 years.
        let limits: [(String, Double, Double)] = [
            ("--short-abandon", shortAbandon, 86_400), ("--sl-threshold", serviceLevelThreshold, 86_400),
            ("--repeat-window", repeatWindow, 3650), ("--callback-window", callbackWindow, 87_600),
            ("--qualified-s", qualifiedSeconds, 86_400), ("--blocked-target", blockedTarget, 100),
        ]
        for (name, value, maximum) in limits where !(value.isFinite && value >= 0 && value <= maximum) {
            throw ValidationError("\(name) must be a number from 0 to \(Int(maximum)).")
        }
        if let campaigns, !FileManager.default.fileExists(atPath: campaigns) { throw ValidationError("Campaigns file '\(campaigns)' not found.") }
    }

    /// Checks what needs the time zone and files: --from/--to and the campaigns file, so their
    /// errors are usage errors of the command (exit 64) with its own usage line.
    func validate(timeZone: TimeZone) throws {
        let options = try options(timeZone: timeZone)
        if let from = options.from, let to = options.to, from >= to {
            throw ValidationError("--from must be before --to.")
        }
    }

    /// The engine's options; `--from`/`--to` are read in `timeZone`.
    func options(timeZone: TimeZone) throws -> MetricsOptions {
        MetricsOptions(
            timeZone: timeZone,
            from: try from.map { try Self.localTime($0, option: "--from", timeZone: timeZone) },
            to: try to.map { try Self.localTime($0, option: "--to", timeZone: timeZone) },
            shortAbandon: .milliseconds(Int64((shortAbandon * 1000).rounded())),
            serviceLevelThreshold: .milliseconds(Int64((serviceLevelThreshold * 1000).rounded())),
            repeatWindow: .seconds(Int64((repeatWindow * 86_400).rounded())),
            callbackWindow: .seconds(Int64((callbackWindow * 3600).rounded())),
            qualifiedTalk: .milliseconds(Int64((qualifiedSeconds * 1000).rounded())),
            blockedTarget: blockedTarget / 100,
            campaigns: try campaigns.map(CampaignFile.load) ?? []
        )
    }

    /// The stored calls the metrics need for `options`: the range widened back by the repeat
    /// window (repeat callers, cold calls) and forward by the callback window (callbacks).
    static func storedRange(_ options: MetricsOptions) -> (from: Timestamp?, to: Timestamp?) {
        let back = options.repeatWindow.components.seconds
        let ahead = options.callbackWindow.components.seconds
        return (options.from.map { Timestamp(nanoseconds: $0.nanoseconds - back * 1_000_000_000) },
                options.to.map { Timestamp(nanoseconds: $0.nanoseconds + ahead * 1_000_000_000) })
    }

    /// `2026-03-28`, `2026-03-28T08:00`, `2026-03-28 08:00:00` as an instant in `timeZone`.
    static func localTime(_ text: String, option: String, timeZone: TimeZone) throws -> Timestamp {
        var full = text.replacingOccurrences(of: "T", with: " ")
        if full.count == 10 { full += " 00:00:00" } else if full.count == 16 { full += ":00" }
        let civil = Array(full.utf8).withUnsafeBytes { CivilDateTime.parseISO($0, 0..<$0.count) }
        guard let civil else { throw ValidationError("\(option) '\(text)' is not YYYY-MM-DD or YYYY-MM-DDTHH:MM.") }
        var converter = LocalTimeConverter(timeZone: timeZone)
        return converter.timestamp(civil)
    }
}
