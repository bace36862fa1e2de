import CDRImport
import CallMetrics
import CallModel
import Foundation

/// A `--visits` file: one row per assignment of a pool number to a website visit (README
/// "Visit attribution"), CSV with a header or ndjson (one JSON object per line).
///
/// Fields: `number, visitor_id, assigned_at` (required), `released_at, last_activity_at,
/// source, medium, campaign, keyword, landing_page, click_id` (optional; `utm_source`,
/// `utm_medium`, `utm_campaign`, `utm_term` and `gclid`, `yclid`, `fbclid` are accepted as the
/// names of the same fields). Times are ISO-8601 with an offset, or local in the site zone
/// (``ISOInstant``). A bad row is a problem `file:line: reason` and is left out; the rest are read.
public enum VisitsFile {
    /// The visits read, and the rows left out.
    public struct Result: Sendable {
        public var visits: [VisitAssignment] = []
        public var problems: [ConfigurationError] = []
    }

    /// The accepted names of each field, first the README's.
    static let aliases: [(field: String, names: [String])] = [
        ("number", ["number", "tracking_number", "phone"]),
        ("visitor_id", ["visitor_id", "visitor", "client_id"]),
        ("assigned_at", ["assigned_at"]),
        ("released_at", ["released_at"]),
        ("last_activity_at", ["last_activity_at", "last_seen_at"]),
        ("source", ["source", "utm_source"]),
        ("medium", ["medium", "utm_medium"]),
        ("campaign", ["campaign", "utm_campaign"]),
        ("keyword", ["keyword", "utm_term"]),
        ("landing_page", ["landing_page"]),
        ("click_id", ["click_id", "gclid", "yclid", "fbclid"]),
    ]

    /// Reads the file at `path`; local times are in `zone`.
    public static func load(_ path: String, zone: TimeZone) throws(ConfigurationError) -> Result {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(.unreadable, file: path, "cannot read the visits file")
        }
        return parse([UInt8](data), file: path, zone: zone)
    }

    /// Parses the bytes of a visits file: ndjson when the first non-blank byte is `{`, else CSV.
    public static func parse(_ bytes: [UInt8], file: String, zone: TimeZone) -> Result {
        let first = bytes.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF }
        return first == UInt8(ascii: "{") ? parseNDJSON(bytes, file: file, zone: zone) : parseCSV(bytes, file: file, zone: zone)
    }

    /// One row's fields by README name (several click-id columns: the first non-empty).
    /// The index of each README field name in ``aliases``.
    static let fieldIndex = Dictionary(uniqueKeysWithValues: aliases.enumerated().map { ($0.element.field, $0.offset) })

    /// One row: `value(i)` is the row's value of ``aliases``[i] (the first non-empty of its names), nil when empty.
    static func visit(_ value: (Int) -> String?, file: String, line: Int, times: inout ISOInstant) -> Swift.Result<VisitAssignment, ConfigurationError> {
        func fail(_ reason: String) -> Swift.Result<VisitAssignment, ConfigurationError> { .failure(ConfigurationError(.invalid, file: file, line: line, reason)) }
        func field(_ name: String) -> String? {
            guard let index = fieldIndex[name] else { return nil }
            return value(index)
        }
        guard let number = field("number") else { return fail("no number.") }
        guard number.contains(where: \.isNumber) else { return fail("number '\(number)' is not a telephone number.") }
        guard let visitor = field("visitor_id") else { return fail("no visitor_id.") }
        guard let assignedText = field("assigned_at") else { return fail("no assigned_at.") }
        guard let assigned = times.parse(assignedText) else {
            return fail("assigned_at '\(assignedText)' is not an ISO-8601 time (2026-03-28T08:00:00+01:00, or local).")
        }
        var ends: [String: Timestamp] = [:]
        for name in ["released_at", "last_activity_at"] {
            guard let text = field(name) else { continue }
            guard let t = times.parse(text) else { return fail("\(name) '\(text)' is not an ISO-8601 time.") }
            guard t >= assigned else { return fail("\(name) \(text) is before assigned_at \(assignedText).") }
            ends[name] = t
        }
        return .success(VisitAssignment(
            number: number, visitorID: visitor, assignedAt: assigned, releasedAt: ends["released_at"],
            lastActivityAt: ends["last_activity_at"], source: field("source"), medium: field("medium"),
            campaign: field("campaign"), keyword: field("keyword"), landingPage: field("landing_page"),
            clickID: field("click_id"), file: file, line: line))
    }

    static func parseCSV(_ bytes: [UInt8], file: String, zone: TimeZone) -> Result {
        bytes.withUnsafeBytes { buffer in
            var result = Result()
            var scanner = CSVScanner(bytes: buffer)
            var record = CSVRecord()
            guard scanner.next(into: &record) else {
                result.problems.append(ConfigurationError(.invalid, file: file, "empty visits file."))
                return result
            }
            let header = record.fields.map { buffer.string($0).lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "\u{FEFF}")) }
            for required in ["number", "visitor_id", "assigned_at"] {
                let names = aliases.first { $0.field == required }?.names ?? [required]
                if !header.contains(where: names.contains) {
                    result.problems.append(ConfigurationError(.invalid, file: file, line: record.line,
                                                              "the header needs a '\(required)' column (it has: \(header.joined(separator: ", ")))."))
                    return result
                }
            }
            var times = ISOInstant(zone: zone)
            // The columns of each field, in the order of its accepted names.
            let columns = aliases.map { alias in alias.names.compactMap { header.firstIndex(of: $0) } }
            while scanner.next(into: &record) {
                if record.fields.count == 1, buffer.string(record.fields[0]).isEmpty { continue }
                guard record.fields.count == header.count else {
                    result.problems.append(ConfigurationError(.invalid, file: file, line: record.line,
                                                              "\(record.fields.count) fields, the header has \(header.count)."))
                    continue
                }
                if record.unterminatedQuote {
                    result.problems.append(ConfigurationError(.invalid, file: file, line: record.line, "a quote is opened and never closed."))
                    continue
                }
                let fields = record.fields
                let value: (Int) -> String? = { field in
                    for column in columns[field] {
                        let text = buffer.string(fields[column])
                        if !text.isEmpty { return text }
                    }
                    return nil
                }
                switch visit(value, file: file, line: record.line, times: &times) {
                case .success(let visit): result.visits.append(visit)
                case .failure(let problem): result.problems.append(problem)
                }
            }
            return result
        }
    }

    static func parseNDJSON(_ bytes: [UInt8], file: String, zone: TimeZone) -> Result {
        var result = Result()
        var times = ISOInstant(zone: zone)
        var line = 0
        for slice in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            line += 1
            guard slice.contains(where: { $0 != 0x20 && $0 != 0x0D && $0 != 0x09 }) else { continue }
            guard let object = (try? JSONSerialization.jsonObject(with: Data(slice))) as? [String: Any] else {
                result.problems.append(ConfigurationError(.invalid, file: file, line: line, "not a JSON object."))
                continue
            }
            let value: (Int) -> String? = { field in
                for name in aliases[field].names {
                    switch object[name] {
                    case let text as String:
                        let trimmed = text.trimmingCharacters(in: .whitespaces)
                        if !trimmed.isEmpty { return trimmed }
                    case let number as NSNumber: return number.stringValue
                    default: continue
                    }
                }
                return nil
            }
            switch visit(value, file: file, line: line, times: &times) {
            case .success(let visit): result.visits.append(visit)
            case .failure(let problem): result.problems.append(problem)
            }
        }
        return result
    }
}
