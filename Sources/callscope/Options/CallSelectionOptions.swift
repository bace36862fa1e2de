import ArgumentParser
import CallModel
import Foundation
import Reports
import SiteConfiguration

/// `--call`, `--where`, `--sort`, `--limit`: which of the listed calls to show, and in what
/// order (README "Finding calls"), for `calls`, `lost` and `talk`.
struct CallSelectionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Only this call: its Call-ID (or a leg's or recording's id), or any unique start of one.", valueName: "id"))
    var call: String?

    @Option(name: .customLong("where"), help: ArgumentHelp(
        "Only calls meeting this condition on a schema field: FIELD=VALUE, !=, <, <=, >, >=, ~GLOB (* and ?), !~GLOB; repeat for AND. Times compare as local dates or times of the site (2026-03-29T08:00).",
        valueName: "condition"))
    var conditions: [String] = []

    @Option(parsing: .unconditional, help: ArgumentHelp("Order by this schema field; -FIELD for descending. Numbers sort numerically, times chronologically, unknown values last.", valueName: "field"))
    var sort: String?

    @Option(help: ArgumentHelp("Show at most this many calls (after --where and --sort).", valueName: "n"))
    var limit: Int?

    /// The query on `fields`, times in `timeZone`; a usage error names what is wrong.
    func query(fields: [String], timeZone: TimeZone) throws -> CallQuery {
        if let call, call.isEmpty { throw ValidationError("--call needs an id (or the start of one).") }
        do {
            return try CallQuery(where: conditions, sort: sort, limit: limit, fields: fields) { LocalDateTime.instant($0, in: timeZone) }
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// Whether no option selects calls (`--call`, `--where`, `--sort`, `--limit`...): every call, in input order.
    func isEmpty(timeZone: TimeZone) throws -> Bool {
        guard call == nil else { return false }
        return try query(fields: CallRecord.selectableFields(time: SiteTime(zone: timeZone)), timeZone: timeZone).isEmpty
    }

    /// The items `--call` names, then those the query keeps, in its order. `failing` runs before
    /// a usage error is thrown (the command's summary line); the usage error is what is reported.
    func select<Item>(_ items: [Item], fields: [String], timeZone: TimeZone, ids: (Item) -> [String],
                      record: (Item) -> Record, failing: () throws -> Void) throws -> [Item] {
        var items = items
        if let call {
            switch CallIDSelection.select(call, in: items, ids: ids) {
            case .found(let found):
                items = found
            case .none:
                try? failing()
                throw ValidationError("No call with id '\(call)' (nor one starting with it) in the inputs.")
            case .ambiguous(let names):
                try? failing()
                let shown = names.prefix(20).map { "  " + TerminalText.escaped($0) }.joined(separator: "\n")
                let more = names.count > 20 ? "\n  ... and \(names.count - 20) more" : ""
                throw ValidationError("--call '\(call)' starts \(names.count) call ids; give more of the one you mean:\n\(shown)\(more)")
            }
        }
        return try query(fields: fields, timeZone: timeZone).apply(items, record: record)
    }
}
