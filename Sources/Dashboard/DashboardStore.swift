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
    let attribution: DashboardAttribution
    private let lock = NSLock()
    private var entries: [Entry] = []
    static let cachedRanges = 6

    struct Key: Hashable { var from: Timestamp?; var to: Timestamp?; var zone: String }

    private struct Entry {
        var key: Key
        var token: String
        /// The calls with the fields the metrics read, prepared once for every figure, and
        /// the calls of the range alone with every field.
        var narrow: CallHistory?
        var whole: [Call]?
        var figures: HTMLReportFigures?
    }

    /// What the pages of one range read: the prepared calls of the widened range (nil for the
    /// call list alone, unless the dashboard attributes), the figures when asked, the range's
    /// calls with every field when asked.
    struct Read {
        var history: CallHistory?
        var figures: HTMLReportFigures?
        var whole: [Call]?
    }

    init(path: String, attribution: DashboardAttribution = .init()) throws(DashboardError) {
        self.path = path
        self.attribution = attribution
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
    /// previous period, read narrow, attributed when the dashboard attributes), the report
    /// figures when `figures` is asked, and every field of each call of `options`' range alone
    /// when `whole` is asked (the call list), with the attribution of the narrow pass.
    func read(for options: MetricsOptions, figures wantFigures: Bool, whole wantWhole: Bool = false) throws(DashboardError) -> Read {
        let range = options.storedRangeWithPreviousPeriod
        let key = Key(from: range.from, to: range.to, zone: options.timeZone.identifier)
        let token = changeToken()
        lock.lock()
        var entry = entries.first { $0.key == key && $0.token == token } ?? Entry(key: key, token: token)
        lock.unlock()
        // The call list alone reads the range's calls whole, not the windows around it, unless
        // the attribution of the widened range must be copied onto them.
        let wantNarrow = !wantWhole || wantFigures || attribution.engine != nil
        if !wantNarrow || entry.narrow != nil, !wantFigures || entry.figures != nil, !wantWhole || entry.whole != nil {
            return Read(history: entry.narrow, figures: entry.figures, whole: entry.whole)
        }
        do {
            if wantNarrow, entry.narrow == nil {
                let calls = try database.metricCalls(from: range.from, to: range.to, legs: true, attribution: true)
                entry.narrow = CallHistory(calls: attribution.attribute(calls, options: options), options: options)
            }
            if wantWhole, entry.whole == nil {
                var whole = try database.calls(from: options.from, to: options.to)
                if attribution.engine != nil, let narrow = entry.narrow?.calls {
                    var attributed: [CallKey: VisitAttribution] = [:]
                    for call in narrow where options.inRange(call.start) {
                        if let value = call.attribution { attributed[CallKey(callID: call.callID, start: call.start)] = value }
                    }
                    for i in whole.indices { whole[i].attribution = attributed[CallKey(callID: whole[i].callID, start: whole[i].start)] }
                }
                entry.whole = whole
            }
        } catch {
            throw DashboardError(.unavailable, error.description)
        }
        if wantFigures, entry.figures == nil, let history = entry.narrow {
            var figures = HTMLReportFigures(history: history, options: options)
            // Indices, not `contains(where:)` over the calls: that copied each call to test one field.
            let calls = history.calls
            if attribution.engine != nil || calls.indices.contains(where: { calls[$0].attribution != nil }) {
                figures.attribution = attribution.report(history, by: .utmSource, options: options)
            }
            entry.figures = figures
        }
        lock.lock()
        entries.removeAll { $0.key == key || $0.token != token }
        entries.append(entry)
        if entries.count > Self.cachedRanges { entries.removeFirst(entries.count - Self.cachedRanges) }
        lock.unlock()
        return Read(history: entry.narrow, figures: entry.figures, whole: entry.whole)
    }

    /// The prepared calls the metrics of `options` need (``read(for:figures:whole:)``).
    func history(for options: MetricsOptions) throws(DashboardError) -> CallHistory {
        guard let history = try read(for: options, figures: false).history else {
            throw DashboardError(.unavailable, "The calls of the range could not be read.")
        }
        return history
    }

    /// One stored call with every field; attributed again, over the repeat window before it,
    /// when the dashboard attributes.
    func call(_ key: CallKey, options: MetricsOptions) throws(DashboardError) -> Call? {
        do {
            guard var call = try database.call(callID: key.callID, start: key.start) else { return nil }
            if attribution.engine != nil {
                // The calls a report of this call alone reads: the repeat window before it.
                var alone = options
                alone.from = key.start
                alone.to = Timestamp(nanoseconds: key.start.nanoseconds &+ 1)
                let range = alone.storedRange
                let around = try database.metricCalls(from: range.from, to: range.to, legs: false, attribution: false)
                call.attribution = attribution.attribute(around, options: options)
                    .first { $0.callID == key.callID && $0.start == key.start }?.attribution
            }
            return call
        } catch {
            throw DashboardError(.unavailable, error.description)
        }
    }
}
