import CallModel

/// Telephone-number keys for repeat-caller, callback and campaign matching (docs/metrics.md
/// "Numbers").
enum NumberKey {
    /// The normalised number (`PhoneNumber.normalize`), or nil when the number is withheld:
    /// missing, empty, or without a single digit (`anonymous`, `Restricted`, `unknown`, `private`).
    /// - Complexity: O(length); no allocation when the number is already only digits (and a leading `+`).
    static func normalized(_ raw: String?) -> String? {
        guard let raw, !raw.isEmpty else { return nil }
        var clean = true
        var digit = false
        var first = true
        for byte in raw.utf8 {
            switch byte {
            case 0x30...0x39: digit = true
            case 0x2B where first: break
            default: clean = false
            }
            first = false
            if !clean { break }
        }
        if clean { return digit ? raw : nil }
        let normalized = PhoneNumber.normalize(raw)
        return normalized.utf8.contains(where: { (0x30...0x39).contains($0) }) ? normalized : nil
    }

    /// A compact dictionary key for a number whose normalised form is `+`? and 1 to 18 digits:
    /// the digits after a leading 1 (so leading zeros count), bit 63 set for a leading `+`.
    /// Nil for anything else (withheld, longer, or with `*`, `#`, letters): use `normalized`.
    /// Two numbers get the same key exactly when their normalised forms are equal.
    /// - Complexity: O(length), no allocation.
    @inline(__always)
    static func packed(_ raw: String?) -> UInt64? {
        guard let raw else { return nil }
        var value: UInt64 = 1
        var digits = 0
        var plus = false
        var first = true
        for byte in raw.utf8 {
            switch byte {
            case 0x30...0x39:
                digits += 1
                if digits > 18 { return nil }
                value = value &* 10 &+ UInt64(byte &- 0x30)
            case 0x2B where first: plus = true
            case 0x20, 0x2D, 0x2E, 0x28, 0x29: break  // separators PhoneNumber.normalize removes
            default: return nil
            }
            first = false
        }
        guard digits > 0 else { return nil }
        return plus ? value | (1 << 63) : value
    }

    /// Whether the caller cannot be identified (see `normalized`).
    static func isWithheld(_ raw: String?) -> Bool { normalized(raw) == nil }
}

/// An exact sum of nanoseconds that cannot overflow for any realistic call set (whole
/// seconds and the nanosecond remainder kept apart).
struct NanosecondSum: Sendable, Hashable {
    private(set) var seconds: Int64 = 0
    private(set) var nanos: Int64 = 0

    @inline(__always)
    mutating func add(_ ns: Int64) {
        seconds &+= ns / 1_000_000_000
        nanos &+= ns % 1_000_000_000
        if nanos >= 1_000_000_000 { nanos -= 1_000_000_000; seconds &+= 1 }
        else if nanos <= -1_000_000_000 { nanos += 1_000_000_000; seconds &-= 1 }
    }

    /// Adds `ns` (`sign` 1) or takes it away (`sign` -1), exactly: adding then taking away the
    /// same value gives the sum before.
    @inline(__always)
    mutating func add(_ ns: Int64, _ sign: Int) {
        if sign > 0 { add(ns); return }
        seconds &-= ns / 1_000_000_000
        nanos &-= ns % 1_000_000_000
        if nanos >= 1_000_000_000 { nanos -= 1_000_000_000; seconds &+= 1 }
        else if nanos <= -1_000_000_000 { nanos += 1_000_000_000; seconds &-= 1 }
    }

    mutating func add(_ other: NanosecondSum) {
        seconds &+= other.seconds
        add(other.nanos)
    }

    /// The sum in seconds (one rounding while the sum is below 2^53 ns, about 104 days).
    var totalSeconds: Double {
        if seconds < 9_000_000 && seconds > -9_000_000 { return Double(seconds * 1_000_000_000 + nanos) / 1e9 }
        return Double(seconds) + Double(nanos) / 1e9
    }

    /// The mean in seconds over `count` values, nil when `count` is 0.
    func meanSeconds(_ count: Int) -> Double? {
        guard count > 0 else { return nil }
        // Below 2^53 ns and 2^53 / 1e9 values both operands are exact: one correctly rounded division.
        if seconds < 9_000_000 && seconds > -9_000_000 && count < 9_000_000 {
            return Double(seconds * 1_000_000_000 + nanos) / (Double(count) * 1e9)
        }
        return totalSeconds / Double(count)
    }
}

/// Ratio helpers: a zero denominator gives nil, never 0 or NaN (docs/metrics.md "Null rules").
@inline(__always)
func ratio(_ numerator: Int, _ denominator: Int) -> Double? {
    denominator > 0 ? Double(numerator) / Double(denominator) : nil
}

/// Nearest-rank percentile (docs/metrics.md "Percentiles"): the smallest value such that at
/// least `p` % of the values are at most it; `sorted` must be ascending. Nil when empty.
func nearestRank(_ sorted: [Int64], percent p: Int) -> Int64? {
    guard !sorted.isEmpty else { return nil }
    return sorted[KPITally.nearestRankIndex(percent: p, count: sorted.count) - 1]
}

@inline(__always)
func seconds(_ ns: Int64?) -> Double? { ns.map { Double($0) / 1e9 } }

/// `values` in ascending order, as `values.sorted()`, by a least-significant-digit radix sort
/// on 11-bit digits (2,048 buckets, whose counts and write positions stay in the first-level
/// caches; a digit all values share is skipped, so waits of under 2.4 hours take four passes).
/// The exact percentiles of a report need every wait sorted, and a comparison sort of 10M
/// waits was the largest single part of a store report after its rows (docs/performance.md
/// "Store reports", session 8).
/// - Complexity: O(n) time and memory, for n above a few thousand; `sorted()` below.
func sortedWaits(_ values: [Int64]) -> [Int64] {
    guard values.count > 4_096 else { return values.sorted() }
    let signBit: UInt64 = 1 << 63
    let bits: UInt64 = 11
    let mask: UInt64 = (1 << bits) - 1
    var keys = values.map { UInt64(bitPattern: $0) ^ signBit }  // signed order as unsigned
    var buffer = [UInt64](repeating: 0, count: keys.count)
    var counts = [Int](repeating: 0, count: 1 << bits)
    for shift in stride(from: UInt64(0), to: 64, by: Int(bits)) {
        let moved = keys.withUnsafeBufferPointer { keys in
            buffer.withUnsafeMutableBufferPointer { out in
                counts.withUnsafeMutableBufferPointer { counts -> Bool in
                    for i in counts.indices { counts[i] = 0 }
                    for key in keys { counts[Int(truncatingIfNeeded: (key >> shift) & mask)] += 1 }
                    if counts.contains(keys.count) { return false }  // one digit for all: nothing to order
                    var position = 0
                    for i in counts.indices {
                        let count = counts[i]
                        counts[i] = position
                        position += count
                    }
                    for key in keys {
                        let digit = Int(truncatingIfNeeded: (key >> shift) & mask)
                        out[counts[digit]] = key
                        counts[digit] += 1
                    }
                    return true
                }
            }
        }
        if moved { swap(&keys, &buffer) }
    }
    return keys.map { Int64(bitPattern: $0 ^ signBit) }
}
