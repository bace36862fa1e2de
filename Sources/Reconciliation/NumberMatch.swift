/// Whether two numbers name the same party, as the ledger and the wire write them.
///
/// A number is reduced once to its `Key` (its digits, or its text without case when it has
/// none), so pairing compares keys instead of filtering strings for every candidate.
enum NumberMatch {
    /// How many trailing digits must agree when the two are written differently (`+44 20 7946
    /// 0001` vs `020 7946 0001`): enough for a subscriber number, not so many that a national
    /// and an international form differ.
    static let significantDigits = 8

    /// A number reduced for comparison: nil for a missing number.
    enum Key: Equatable {
        /// The ASCII digits of the number, in order.
        case digits([UInt8])
        /// A number without digits (`anonymous`), lowercased.
        case text(String)

        init?(_ number: String?) {
            guard let number else { return nil }
            let digits = number.utf8.filter { $0 >= 0x30 && $0 <= 0x39 }
            self = digits.isEmpty ? .text(number.lowercased()) : .digits(Array(digits))
        }
    }

    /// nil when either is missing; otherwise whether they are the same number: the same digits,
    /// or the same last `significantDigits` digits when both have that many; text without
    /// digits (`anonymous`) compared without case.
    static func same(_ a: String?, _ b: String?) -> Bool? { same(Key(a), Key(b)) }

    static func same(_ a: Key?, _ b: Key?) -> Bool? {
        guard let a, let b else { return nil }
        switch (a, b) {
        case let (.digits(da), .digits(db)):
            if da == db { return true }
            guard da.count >= significantDigits, db.count >= significantDigits else { return false }
            return da.suffix(significantDigits).elementsEqual(db.suffix(significantDigits))
        case let (.text(ta), .text(tb)):
            return ta == tb
        default:
            return false
        }
    }
}
