/// Whether two numbers name the same party, as the ledger and the wire write them.
enum NumberMatch {
    /// How many trailing digits must agree when the two are written differently (`+44 20 7946
    /// 0001` vs `020 7946 0001`): enough for a subscriber number, not so many that a national
    /// and an international form differ.
    static let significantDigits = 8

    /// nil when either is missing; otherwise whether they are the same number: the same digits,
    /// or the same last `significantDigits` digits when both have that many; text without
    /// digits (`anonymous`) compared without case.
    static func same(_ a: String?, _ b: String?) -> Bool? {
        guard let a, let b else { return nil }
        let da = a.unicodeScalars.filter { $0.value >= 0x30 && $0.value <= 0x39 }
        let db = b.unicodeScalars.filter { $0.value >= 0x30 && $0.value <= 0x39 }
        if da.isEmpty || db.isEmpty { return a.lowercased() == b.lowercased() }
        if da.elementsEqual(db) { return true }
        guard da.count >= significantDigits, db.count >= significantDigits else { return false }
        return da.suffix(significantDigits).elementsEqual(db.suffix(significantDigits))
    }
}
