import CallMetrics
import CallModel
import CallStore
import Foundation
import Reports

/// The store as the pages read it: opened read-only (WAL: an `import` or `watch --db` may write
/// meanwhile, each page reads one snapshot), with the calls and figures of the last few ranges
/// kept until the database files change.
///
/// Why a cache: the figures of a range need the calls of that range, its previous period and
/// the repeat-caller and callback windows around them (``MetricsOptions/storedRangeWithPreviousPeriod``),
/// computed by the same ``MetricsEngine`` as `report`, so the pages show exactly its numbers.
/// Reading them is most of a page's time; a page reloaded, or another page of the same range,
/// reuses them while the database and its WAL file are unchanged (size and modification time).
///
/// The figures and the JSON reports read the calls narrow (``CallDatabase/metricCalls(from:to:legs:attribution:)``:
/// only the columns the metrics use, docs/performance.md "Dashboard"); the call list reads them
/// whole, on its own, when it is asked for.
final class DashboardStore: @unchecked Sendable {
    let database: CallDatabase
    let path: String
    private let lock = NSLock()
    private var entries: [Entry] = []
    static let cachedRanges = 6

    struct Key: Hashable { var from: Timestamp?; var to: Timestamp?; var zone: String }

    private struct Entry {
        var key: Key
        var token: String
        /// The calls with the fields the metrics read, and with every field.
        var narrow: [Call]?
        var whole: [Call]?
        var figures: HTMLReportFigures?
    }

    init(path: String) throws(DashboardError) {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else {
            throw DashboardError(.unavailable, "No database at '\(path)': create it with 'callscope import FILES --db \(path)'.")
        }
        do {
            database = try CallDatabase(path: path, access: .readOnly)
        } catch {
            throw DashboardError(.unavailable, error.description)
        }
    }

    /// What changes when anything commits: the database file's and its WAL's size and time.
    func changeToken() -> String {
        [path, path + "-wal"].map { file -> String in
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: file) else { return "-" }
            let size = (attributes[.size] as? NSNumber)?.int64Value ?? -1
            let time = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            return "\(size)@\(time)"
        }.joined(separator: "/")
    }

    /// The calls the metrics of `options` need (its range widened by the windows and the
    /// previous period), and the report figures when `figures` is asked.
    /// - Parameter whole: every field of each call of `options`' range alone (the call list); else
    ///   the calls of the widened range with only the fields the metrics read.
    func calls(for options: MetricsOptions, figures wantFigures: Bool, whole: Bool = false) throws(DashboardError) -> (calls: [Call], figures: HTMLReportFigures?) {
        let range = options.storedRangeWithPreviousPeriod
        let key = Key(from: range.from, to: range.to, zone: options.timeZone.identifier)
        let token = changeToken()
        lock.lock()
        var entry = entries.first { $0.key == key && $0.token == token } ?? Entry(key: key, token: token)
        lock.unlock()
        let have = whole ? entry.whole : entry.narrow
        if let have, !wantFigures || entry.figures != nil { return (have, entry.figures) }
        do {
            // The list shows the calls of the range itself: the windows around it are not read whole.
            if whole, entry.whole == nil { entry.whole = try database.calls(from: options.from, to: options.to) }
            if (!whole || wantFigures), entry.narrow == nil {
                entry.narrow = try database.metricCalls(from: range.from, to: range.to, legs: true, attribution: true)
            }
        } catch {
            throw DashboardError(.unavailable, error.description)
        }
        if wantFigures, entry.figures == nil, let narrow = entry.narrow { entry.figures = HTMLReportFigures(calls: narrow, options: options) }
        lock.lock()
        entries.removeAll { $0.key == key || $0.token != token }
        entries.append(entry)
        if entries.count > Self.cachedRanges { entries.removeFirst(entries.count - Self.cachedRanges) }
        lock.unlock()
        return ((whole ? entry.whole : entry.narrow) ?? [], entry.figures)
    }

    func call(_ key: CallKey) throws(DashboardError) -> Call? {
        do { return try database.call(callID: key.callID, start: key.start) } catch { throw DashboardError(.unavailable, error.description) }
    }
}
