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
    static func visit(_ value: (String) -> String?, file: String, line: Int, zone: TimeZone) -> Swift.Result<VisitAssignment, ConfigurationError> {
        func fail(_ reason: String) -> Swift.Result<VisitAssignment, ConfigurationError> { .failure(ConfigurationError(.invalid, file: file, line: line, reason)) }
        func field(_ name: String) -> String? {
            for alias in aliases where alias.field == name {
                for candidate in alias.names { if let v = value(candidate), !v.isEmpty { return v } }
            }
            return nil
        }
        guard let number = field("number") else { return fail("no number.") }
        guard number.contains(where: \.isNumber) else { return fail("number '\(number)' is not a telephone number.") }
        guard let visitor = field("visitor_id") else { return fail("no visitor_id.") }
        guard let assignedText = field("assigned_at") else { return fail("no assigned_at.") }
        guard let assigned = ISOInstant.parse(assignedText, zone: zone) else {
            return fail("assigned_at '\(assignedText)' is not an ISO-8601 time (2026-03-28T08:00:00+01:00, or local).")
        }
        var times: [String: Timestamp] = [:]
        for name in ["released_at", "last_activity_at"] {
            guard let text = field(name) else { continue }
            guard let t = ISOInstant.parse(text, zone: zone) else { return fail("\(name) '\(text)' is not an ISO-8601 time.") }
            guard t >= assigned else { return fail("\(name) \(text) is before assigned_at \(assignedText).") }
            times[name] = t
        }
        return .success(VisitAssignment(
            number: number, visitorID: visitor, assignedAt: assigned, releasedAt: times["released_at"],
            lastActivityAt: times["last_activity_at"], source: field("source"), medium: field("medium"),
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
            var columns: [String: Int] = [:]
            for (index, name) in header.enumerated() where columns[name] == nil { columns[name] = index }
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
                switch visit({ name in columns[name].map { buffer.string(fields[$0]) } }, file: file, line: record.line, zone: zone) {
                case .success(let visit): result.visits.append(visit)
                case .failure(let problem): result.problems.append(problem)
                }
            }
            return result
        }
    }

    static func parseNDJSON(_ bytes: [UInt8], file: String, zone: TimeZone) -> Result {
        var result = Result()
        var line = 0
        for slice in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            line += 1
            guard slice.contains(where: { $0 != 0x20 && $0 != 0x0D && $0 != 0x09 }) else { continue }
            guard let object = (try? JSONSerialization.jsonObject(with: Data(slice))) as? [String: Any] else {
                result.problems.append(ConfigurationError(.invalid, file: file, line: line, "not a JSON object."))
                continue
            }
            let value: (String) -> String? = { name in
                switch object[name] {
                case let text as String: return text.trimmingCharacters(in: .whitespaces)
                case let number as NSNumber: return number.stringValue
                default: return nil
                }
            }
            switch visit(value, file: file, line: line, zone: zone) {
            case .success(let visit): result.visits.append(visit)
            case .failure(let problem): result.problems.append(problem)
            }
        }
        return result
    }
}
