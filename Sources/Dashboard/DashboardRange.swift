import CallModel
import Foundation
import SiteConfiguration

/// The counted range of a page: `?from=&to=` as local dates or times of the site (as `report
/// --from/--to`), by default the last 7 local days (today included).
struct DashboardRange: Sendable, Hashable {
    var from: Timestamp
    var to: Timestamp
    /// As written in links and the range form.
    var fromText: String
    var toText: String

    /// The widest range a page computes, in days.
    static let maximumDays = 400

    static func resolve(_ parameters: QueryParameters, zone: TimeZone, now: Timestamp) throws(DashboardError) -> DashboardRange {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let today = calendar.startOfDay(for: Date(timeIntervalSince1970: Double(now.nanoseconds) / 1e9))
        func date(_ offset: Int) -> Date { calendar.date(byAdding: .day, value: offset, to: today) ?? today }
        func text(_ date: Date) -> String {
            let c = calendar.dateComponents([.year, .month, .day], from: date)
            return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
        }
        func instant(_ name: String) throws(DashboardError) -> (Timestamp, String)? {
            guard let value = parameters.value(name) else { return nil }
            guard let instant = LocalDateTime.instant(value, in: zone) else {
                throw DashboardError(.badRequest, "\(name) '\(String(value.prefix(40)))' is not YYYY-MM-DD or YYYY-MM-DDTHH:MM.")
            }
            return (instant, value)
        }
        let to = try instant("to") ?? (Timestamp(nanoseconds: Int64(date(1).timeIntervalSince1970 * 1e9)), text(date(1)))
        let from = try instant("from") ?? {
            let start = calendar.date(byAdding: .day, value: -7, to: Date(timeIntervalSince1970: Double(to.0.nanoseconds) / 1e9)) ?? today
            return (Timestamp(nanoseconds: Int64(start.timeIntervalSince1970 * 1e9)), text(start))
        }()
        guard from.0 < to.0 else { throw DashboardError(.badRequest, "from must be before to.") }
        guard from.0.distance(to: to.0) <= Int64(maximumDays) * 86_400_000_000_000 else {
            throw DashboardError(.badRequest, "The range is longer than \(maximumDays) days.")
        }
        return DashboardRange(from: from.0, to: to.0, fromText: from.1, toText: to.1)
    }

    /// `from=...&to=...` for links that keep the range.
    var query: String { "from=" + Links.component(fromText) + "&to=" + Links.component(toText) }
}
