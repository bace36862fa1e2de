import CDRImport
import CallModel
import Foundation

/// A local date or time of the site as people type it on the command line or in a profile
/// (`2026-03-28`, `2026-03-28T08:00`, `2026-03-28 08:00:00`), turned into an instant.
///
/// Why here: `--from`, `--to` and `db prune --before` are dates on the site's wall clock, not
/// UTC; the same rule serves every front end (CLI today, a server's query string next).
/// A wall-clock time that a DST change repeats is its earlier instant, one that a change skips
/// is read with the offset before the change (`LocalTimeConverter`, as the CDR readers do).
public enum LocalDateTime {
    /// The instant `text` names in `timeZone`; nil when it is not `YYYY-MM-DD`,
    /// `YYYY-MM-DDTHH:MM` or `YYYY-MM-DD[T ]HH:MM:SS`, or names no valid date.
    public static func instant(_ text: String, in timeZone: TimeZone) -> Timestamp? {
        var full = Array(text.utf8)
        for i in full.indices where full[i] == UInt8(ascii: "T") { full[i] = UInt8(ascii: " ") }
        if full.count == 10 { full += Array(" 00:00:00".utf8) } else if full.count == 16 { full += Array(":00".utf8) }
        guard let civil = full.withUnsafeBytes({ CivilDateTime.parseISO($0, 0..<$0.count) }) else { return nil }
        var converter = LocalTimeConverter(timeZone: timeZone)
        return converter.timestamp(civil)
    }
}
