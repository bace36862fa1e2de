import CallModel

/// Helpers the FreeSWITCH, CUCM and mapped-CSV readers share (docs/cdr-formats.md, "Common").
enum PBXCallAssembly {
    /// `time` minus whole seconds (saturating), for `end - billsec`.
    static func minus(_ time: Timestamp, seconds: Int64) -> Timestamp {
        let (ns, o1) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !o1 else { return time }
        let (value, o2) = time.nanoseconds.subtractingReportingOverflow(ns)
        return o2 ? time : Timestamp(nanoseconds: value)
    }

    /// `time` plus whole seconds (saturating), for `start + duration`.
    static func plus(_ time: Timestamp, seconds: Int64) -> Timestamp {
        let (ns, o1) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !o1 else { return time }
        let (value, o2) = time.nanoseconds.addingReportingOverflow(ns)
        return o2 ? time : Timestamp(nanoseconds: value)
    }

    /// The longest duration a CDR may state: ten years. Longer or negative is a bad row.
    static let maxDurationSeconds: Int64 = 315_360_000

    /// The last epoch second accepted as a call time (2100-01-01T00:00:00Z).
    static let maxEpochSeconds: Int64 = 4_102_444_800

    /// The instant `seconds` after the epoch; nil when negative or past 2100 (input bytes may
    /// hold any 18-digit number; a CDR time before 1970 or after 2100 is damage, not a call).
    static func instant(seconds: Int64) -> Timestamp? {
        guard (0...maxEpochSeconds).contains(seconds) else { return nil }
        return nanoseconds(seconds: seconds).map(Timestamp.init(nanoseconds:))
    }

    /// The instant `microseconds` after the epoch; nil when not representable.
    static func instant(microseconds: Int64) -> Timestamp? {
        let (ns, overflow) = microseconds.multipliedReportingOverflow(by: 1000)
        return overflow ? nil : Timestamp(nanoseconds: ns)
    }

    /// Seconds as nanoseconds; nil on overflow.
    static func nanoseconds(seconds: Int64) -> Int64? {
        let (ns, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? nil : ns
    }

    /// A number-like party field as the call model wants it: `PhoneNumber.normalize`d, nil
    /// when empty or `NULL`.
    static func party(_ text: String?) -> String? {
        guard let text else { return nil }
        let trimmed = trim(text)
        if trimmed.isEmpty || trimmed == "NULL" { return nil }
        return PhoneNumber.normalize(trimmed)
    }

    /// Without leading and trailing spaces and tabs.
    static func trim(_ text: String) -> String {
        var s = Substring(text)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }

    /// `wait_s` as in "Common": start to the answer, or to the end when unanswered.
    static func wait(start: Timestamp, answeredAt: Timestamp?, endedAt: Timestamp?) -> Int64? {
        if let answeredAt { return max(0, start.distance(to: answeredAt)) }
        if let endedAt { return max(0, start.distance(to: endedAt)) }
        return nil
    }
}
