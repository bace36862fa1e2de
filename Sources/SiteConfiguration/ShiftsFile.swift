import CallMetrics
import CallModel
import Foundation

/// The shifts file of `callscope events --shifts FILE` (README "callscope events"): CSV lines
/// `agent,date or weekday,start,end` in local time, e.g. `303,tue,09:00,17:30` or
/// `303,2026-03-31,09:00,17:30`. An optional header line starting with `agent`, blank lines
/// and lines starting with `#` are skipped. Every bad line is a ``ConfigurationError`` naming it.
public enum ShiftsFile {
    static let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// Reads and parses the shifts file at `path`.
    public static func load(_ path: String) throws(ConfigurationError) -> [Shift] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(.unreadable, file: path, "cannot read the shifts file")
        }
        return try parse(String(decoding: data, as: UTF8.self), file: path)
    }

    /// Parses the text of a shifts file; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(ConfigurationError) -> [Shift] {
        var shifts: [Shift] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            if shifts.isEmpty, fields.first?.lowercased() == "agent" { continue }
            func fail(_ message: String) -> ConfigurationError { ConfigurationError(.invalid, file: file, line: lineNumber, message) }
            guard fields.count == 4 else { throw fail("expected 4 fields (agent,date or weekday,start,end), found \(fields.count).") }
            guard !fields[0].isEmpty else { throw fail("the agent is empty.") }
            let day: Shift.Day
            if let weekday = weekdays.firstIndex(where: { fields[1].lowercased().hasPrefix($0) && fields[1].count >= 3 }),
               fields[1].allSatisfy(\.isLetter) {
                day = .weekday(weekday)
            } else if fields[1].count == 10, let instant = LocalDateTime.instant(fields[1], in: TimeZone(identifier: "UTC") ?? .current) {
                day = .date(days: Int64((Double(instant.nanoseconds) / 86_400e9).rounded(.down)))
            } else {
                throw fail("'\(fields[1])' is neither a date (YYYY-MM-DD) nor a weekday (mon ... sun).")
            }
            guard let start = clock(fields[2]) else { throw fail("start '\(fields[2])' is not a time HH:MM.") }
            guard let end = clock(fields[3]) else { throw fail("end '\(fields[3])' is not a time HH:MM.") }
            guard end > start else { throw fail("the shift ends (\(fields[3])) before it starts (\(fields[2])).") }
            shifts.append(Shift(agent: fields[0], day: day, start: start, end: end))
        }
        return shifts
    }

    /// Seconds since midnight of `HH:MM` (00:00 ... 24:00).
    static func clock(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ (1...2).contains($0.count) && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let hour = Int(parts[0]), let minute = Int(parts[1]), parts[1].count == 2,
              (0...59).contains(minute), (0...23).contains(hour) || (hour == 24 && minute == 0) else { return nil }
        return hour * 3600 + minute * 60
    }
}
