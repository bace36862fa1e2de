import CallModel

/// How a mapped CSV writes its times (`time_format:` of a `--mapping` file,
/// docs/cdr-formats.md "Mapped CSV").
///
/// - `epoch` / `epoch_ms`: seconds (optionally with a fraction) or milliseconds since
///   1970-01-01 UTC; the mapping's time zone does not apply.
/// - A strftime-like pattern of `%Y` (4 digits), `%y` (2 digits: 69-99 -> 19xx, 00-68 -> 20xx,
///   as POSIX strptime), `%m %d %H %M %S` (1 or 2 digits), `%%` and literal characters, matched
///   exactly against the whole field (surrounding spaces ignored). A fraction `.123` may follow
///   a final `%S`. A missing `%S` means second 0.
///
/// Matching works on bytes with no allocation; a field that does not match returns nil so the
/// row is reported, never misread.
enum MappedTimeFormat: Sendable, Equatable {
    case epoch
    case epochMilliseconds
    case pattern([Token])

    enum Token: Sendable, Equatable {
        case year4, year2, month, day, hour, minute, second
        case literal(UInt8)
    }

    /// Parses a `time_format` value; nil with a reason when it is not one.
    static func parse(_ text: String) -> Result<MappedTimeFormat, MappingProblem> {
        switch text {
        case "epoch": return .success(.epoch)
        case "epoch_ms": return .success(.epochMilliseconds)
        default: break
        }
        var tokens: [Token] = []
        var bytes = Array(text.utf8)[...]
        while let b = bytes.popFirst() {
            guard b == UInt8(ascii: "%") else { tokens.append(.literal(b)); continue }
            guard let directive = bytes.popFirst() else {
                return .failure(MappingProblem("time_format '\(text)' ends with a lone %"))
            }
            switch directive {
            case UInt8(ascii: "Y"): tokens.append(.year4)
            case UInt8(ascii: "y"): tokens.append(.year2)
            case UInt8(ascii: "m"): tokens.append(.month)
            case UInt8(ascii: "d"): tokens.append(.day)
            case UInt8(ascii: "H"): tokens.append(.hour)
            case UInt8(ascii: "M"): tokens.append(.minute)
            case UInt8(ascii: "S"): tokens.append(.second)
            case UInt8(ascii: "%"): tokens.append(.literal(UInt8(ascii: "%")))
            default:
                return .failure(MappingProblem("time_format '\(text)': %\(Character(Unicode.Scalar(directive))) is not supported (use %Y %y %m %d %H %M %S, epoch or epoch_ms)"))
            }
        }
        for needed in [Token.month, .day] where !tokens.contains(needed) {
            return .failure(MappingProblem("time_format '\(text)' has no \(needed == .month ? "%m" : "%d")"))
        }
        guard tokens.contains(.year4) || tokens.contains(.year2) else {
            return .failure(MappingProblem("time_format '\(text)' has no %Y or %y"))
        }
        return .success(.pattern(tokens))
    }

    /// A wall-clock value matched by a pattern, or an instant given as an epoch.
    enum Value {
        case civil(CivilDateTime)
        case instant(Timestamp)
    }

    /// Reads `range` of `b`; nil when the text does not have this format.
    func read(_ b: UnsafeRawBufferPointer, _ range: Range<Int>) -> Value? {
        var lo = range.lowerBound, hi = range.upperBound
        while lo < hi, b[lo] == 0x20 || b[lo] == 0x09 { lo += 1 }
        while hi > lo, b[hi - 1] == 0x20 || b[hi - 1] == 0x09 { hi -= 1 }
        guard lo < hi else { return nil }
        switch self {
        case .epoch:
            return Self.decimal(b, lo, hi, scale: 1_000_000_000).map { .instant(Timestamp(nanoseconds: $0)) }
        case .epochMilliseconds:
            return Self.decimal(b, lo, hi, scale: 1_000_000).map { .instant(Timestamp(nanoseconds: $0)) }
        case .pattern(let tokens):
            var year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, nanos = 0
            var i = lo
            func digits(min: Int, max: Int) -> Int? {
                var value = 0, n = 0
                while n < max, i < hi, b[i] &- 0x30 < 10 {
                    value = value * 10 + Int(b[i] &- 0x30)
                    i += 1; n += 1
                }
                return n >= min ? value : nil
            }
            for token in tokens {
                switch token {
                case .literal(let c):
                    guard i < hi, b[i] == c else { return nil }
                    i += 1
                case .year4: guard let v = digits(min: 4, max: 4) else { return nil }; year = v
                case .year2: guard let v = digits(min: 2, max: 2) else { return nil }; year = v < 69 ? 2000 + v : 1900 + v
                case .month: guard let v = digits(min: 1, max: 2) else { return nil }; month = v
                case .day: guard let v = digits(min: 1, max: 2) else { return nil }; day = v
                case .hour: guard let v = digits(min: 1, max: 2) else { return nil }; hour = v
                case .minute: guard let v = digits(min: 1, max: 2) else { return nil }; minute = v
                case .second: guard let v = digits(min: 1, max: 2) else { return nil }; second = v
                }
            }
            if i < hi, tokens.last == .second, b[i] == UInt8(ascii: ".") {
                i += 1
                var scale = 100_000_000
                let fractionStart = i
                while i < hi, b[i] &- 0x30 < 10 {
                    nanos += Int(b[i] &- 0x30) * scale
                    scale /= 10
                    i += 1
                }
                guard i > fractionStart else { return nil }
            }
            guard i == hi else { return nil }
            let civil = CivilDateTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second, nanosecond: nanos)
            return civil.isValid ? .civil(civil) : nil
        }
    }

    /// `123`, `-5` or `123.456` times `scale` (nanoseconds per unit); nil otherwise.
    private static func decimal(_ b: UnsafeRawBufferPointer, _ lo: Int, _ hi: Int, scale: Int64) -> Int64? {
        var i = lo
        var negative = false
        if b[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        var whole: Int64 = 0, n = 0
        while i < hi, b[i] &- 0x30 < 10, n < 15 {
            whole = whole * 10 + Int64(b[i] &- 0x30)
            i += 1; n += 1
        }
        guard n > 0 else { return nil }
        var fraction: Int64 = 0
        if i < hi, b[i] == UInt8(ascii: ".") {
            i += 1
            var place = scale / 10
            let start = i
            while i < hi, b[i] &- 0x30 < 10 {
                fraction += Int64(b[i] &- 0x30) * place
                place /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        guard i == hi else { return nil }
        let (product, overflow) = whole.multipliedReportingOverflow(by: scale)
        guard !overflow else { return nil }
        let (value, sumOverflow) = product.addingReportingOverflow(fraction)
        guard !sumOverflow else { return nil }
        return negative ? -value : value
    }
}

/// Something wrong in a `--mapping` file, with the YAML line when known.
struct MappingProblem: Error {
    var message: String
    var line: Int?
    init(_ message: String, line: Int? = nil) { self.message = message; self.line = line }
}
