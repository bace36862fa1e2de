import ArgumentParser
import CallModel
import Foundation
import SiteConfiguration

/// `--from`/`--to`: the counted range, local dates or times of the site (`report`, `heatmap`, `lost`).
struct PeriodOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Count only calls starting at or after this local date or time (YYYY-MM-DD or YYYY-MM-DDTHH:MM) in --timezone.", valueName: "time"))
    var from: String?

    @Option(help: ArgumentHelp("Count only calls starting before this local date or time (YYYY-MM-DD or YYYY-MM-DDTHH:MM).", valueName: "time"))
    var to: String?

    /// The range in `timeZone`; a date that is not one, or `--from` not before `--to`, is a usage error.
    func range(timeZone: TimeZone) throws -> (from: Timestamp?, to: Timestamp?) {
        let range = (from: try from.map { try Self.instant($0, option: "--from", timeZone: timeZone) },
                     to: try to.map { try Self.instant($0, option: "--to", timeZone: timeZone) })
        if let from = range.from, let to = range.to, from >= to { throw ValidationError("--from must be before --to.") }
        return range
    }

    /// A local date or time given to `option`, as an instant in `timeZone`.
    static func instant(_ text: String, option: String, timeZone: TimeZone) throws -> Timestamp {
        guard let instant = LocalDateTime.instant(text, in: timeZone) else {
            throw ValidationError("\(option) '\(text)' is not YYYY-MM-DD or YYYY-MM-DDTHH:MM.")
        }
        return instant
    }
}
