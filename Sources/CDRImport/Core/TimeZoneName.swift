import Foundation

/// Reads a time zone name as a site gives it (`--timezone`, a mapping file's `timezone:`):
/// an IANA name (`Europe/London`), `UTC`, `GMT` or `Z`, or a fixed offset (`+01:00`, `-0500`).
///
/// Why abbreviations are refused: they are ambiguous and Foundation resolves them silently to
/// one reading (`BST` is Bangladesh, UTC+6, not British Summer Time), so every local time would
/// be hours off with no warning. Any all-letter name of 2 to 5 letters other than UTC, GMT and Z
/// is taken as an abbreviation, and the error suggests the IANA names it may mean.
public enum TimeZoneName {
    /// Why a name names no zone we accept.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The name as given.
        public let name: String
        /// IANA names the abbreviation may mean, with what each is (empty when unknown or not an abbreviation).
        public let suggestions: [(zone: String, meaning: String)]
        private let abbreviation: Bool

        init(name: String, abbreviation: Bool, suggestions: [(zone: String, meaning: String)]) {
            self.name = name; self.abbreviation = abbreviation; self.suggestions = suggestions
        }

        /// Whether the name was refused as an ambiguous abbreviation.
        public var isAbbreviation: Bool { abbreviation }

        public var description: String {
            let form = "an IANA name such as Europe/London, UTC, or an offset such as +03:00"
            guard abbreviation else { return "Unknown time zone '\(name)': give \(form)." }
            let meant = suggestions.map { "\($0.zone) (\($0.meaning))" }
            let hint = meant.isEmpty ? "" : " it may mean " + meant.joined(separator: ", ") + ";"
            return "Time zone '\(name)' is an abbreviation, which is ambiguous:\(hint) give \(form)."
        }

        public static func == (a: ParseError, b: ParseError) -> Bool {
            a.name == b.name && a.abbreviation == b.abbreviation && a.suggestions.map(\.zone) == b.suggestions.map(\.zone)
        }
        public func hash(into hasher: inout Hasher) { hasher.combine(name) }
    }

    /// The zone `name` names, or why it names none we accept.
    public static func parse(_ name: String) -> Result<TimeZone, ParseError> {
        let upper = name.uppercased()
        if upper == "Z" || upper == "UTC" || upper == "GMT" {
            return TimeZone(secondsFromGMT: 0).map { .success($0) } ?? .failure(ParseError(name: name, abbreviation: false, suggestions: []))
        }
        if let first = name.first, first == "+" || first == "-" {
            return offset(name.dropFirst(), negative: first == "-").map { .success($0) }
                ?? .failure(ParseError(name: name, abbreviation: false, suggestions: []))
        }
        if (2...5).contains(name.count), name.allSatisfy({ $0.isASCII && $0.isLetter }) {
            return .failure(ParseError(name: name, abbreviation: true, suggestions: suggestions[upper] ?? []))
        }
        return TimeZone(identifier: name).map { .success($0) } ?? .failure(ParseError(name: name, abbreviation: false, suggestions: []))
    }

    /// `HH:MM`, `HHMM` or `HH` after the sign, at most 14:00.
    static func offset(_ text: Substring, negative: Bool) -> TimeZone? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return nil }
        let digits = parts.joined()
        guard digits.count == 4 || (digits.count == 2 && parts.count == 1), let value = Int(digits) else { return nil }
        let hours = digits.count == 4 ? value / 100 : value
        let minutes = digits.count == 4 ? value % 100 : 0
        guard hours * 60 + minutes <= 14 * 60, minutes < 60 else { return nil }
        return TimeZone(secondsFromGMT: (negative ? -1 : 1) * (hours * 3600 + minutes * 60))
    }

    /// What common abbreviations may mean, most frequent reading first.
    static let suggestions: [String: [(zone: String, meaning: String)]] = [
        "BST": [("Europe/London", "British Summer Time"), ("Asia/Dhaka", "Bangladesh Standard Time")],
        "IST": [("Asia/Kolkata", "India Standard Time"), ("Europe/Dublin", "Irish Standard Time"), ("Asia/Jerusalem", "Israel Standard Time")],
        "CST": [("America/Chicago", "US Central"), ("Asia/Shanghai", "China Standard Time"), ("America/Havana", "Cuba Standard Time")],
        "CDT": [("America/Chicago", "US Central Daylight"), ("America/Havana", "Cuba Daylight Time")],
        "EST": [("America/New_York", "US Eastern, with summer time"), ("America/Toronto", "Canada Eastern")],
        "EDT": [("America/New_York", "US Eastern Daylight")],
        "MST": [("America/Denver", "US Mountain"), ("America/Phoenix", "Arizona, no summer time")],
        "MDT": [("America/Denver", "US Mountain Daylight")],
        "PST": [("America/Los_Angeles", "US Pacific"), ("Asia/Manila", "Philippine Standard Time")],
        "PDT": [("America/Los_Angeles", "US Pacific Daylight")],
        "AKST": [("America/Anchorage", "Alaska")],
        "HST": [("Pacific/Honolulu", "Hawaii")],
        "AST": [("America/Halifax", "Atlantic"), ("Asia/Riyadh", "Arabia Standard Time")],
        "ADT": [("America/Halifax", "Atlantic Daylight")],
        "NST": [("America/St_Johns", "Newfoundland")],
        "GST": [("Asia/Dubai", "Gulf Standard Time"), ("Atlantic/South_Georgia", "South Georgia")],
        "WET": [("Europe/Lisbon", "Western European")],
        "WEST": [("Europe/Lisbon", "Western European Summer")],
        "CET": [("Europe/Paris", "Central European"), ("Europe/Berlin", "Central European")],
        "CEST": [("Europe/Paris", "Central European Summer"), ("Europe/Berlin", "Central European Summer")],
        "MET": [("Europe/Paris", "Middle European"), ("Europe/Berlin", "Middle European")],
        "EET": [("Europe/Athens", "Eastern European"), ("Europe/Helsinki", "Eastern European")],
        "EEST": [("Europe/Athens", "Eastern European Summer"), ("Europe/Helsinki", "Eastern European Summer")],
        "MSK": [("Europe/Moscow", "Moscow")],
        "SAST": [("Africa/Johannesburg", "South Africa")],
        "WAT": [("Africa/Lagos", "West Africa")],
        "CAT": [("Africa/Maputo", "Central Africa")],
        "EAT": [("Africa/Nairobi", "East Africa")],
        "PKT": [("Asia/Karachi", "Pakistan")],
        "ICT": [("Asia/Bangkok", "Indochina")],
        "WIB": [("Asia/Jakarta", "Western Indonesia")],
        "SGT": [("Asia/Singapore", "Singapore")],
        "HKT": [("Asia/Hong_Kong", "Hong Kong")],
        "JST": [("Asia/Tokyo", "Japan")],
        "KST": [("Asia/Seoul", "Korea")],
        "AEST": [("Australia/Sydney", "Australian Eastern, with summer time"), ("Australia/Brisbane", "Queensland, no summer time")],
        "AEDT": [("Australia/Sydney", "Australian Eastern Daylight")],
        "ACST": [("Australia/Adelaide", "Australian Central, with summer time"), ("Australia/Darwin", "Northern Territory, no summer time")],
        "AWST": [("Australia/Perth", "Australian Western")],
        "NZST": [("Pacific/Auckland", "New Zealand")],
        "NZDT": [("Pacific/Auckland", "New Zealand Daylight")],
        "BRT": [("America/Sao_Paulo", "Brasilia")],
        "ART": [("America/Argentina/Buenos_Aires", "Argentina")],
    ]
}
