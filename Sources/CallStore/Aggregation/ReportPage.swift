import CallMetrics
import CallModel

/// One UTC day of calls as the KPI report reads them (schema v7 `report_pages.rows`): the
/// ``MetricRow`` of each call in report order (start, then Call-ID), with numbers, agents and
/// queues as ids into `report_strings`, and the agents' talk legs.
///
/// Why: a report over 10M stored calls stepped 10M SQLite rows of 15 columns (0.6 s per million
/// in the sqlite3 shell alone); a page is one blob of about 30 bytes a call, read in one step
/// (docs/performance.md "Store reports", session 8).
///
/// Layout, every integer a LEB128 varint, signed ones zigzag-encoded: a version byte (1), the
/// row count, then per row: start minus the previous row's start; a byte of outcome (low 4
/// bits, `CallOutcome.allCases` index), direction (2 bits: none, inbound, outbound, internal)
/// and whether talk legs follow (bit 6); a byte saying which of answer, end, wait and PDD are
/// present (bits 0-3); those present (answer and end minus the start); caller, dialled,
/// diverted-from, agent and queue ids plus one (0: none); transfers; the same-start rank; the
/// legs (count, then agent id plus one and talk of each).
enum ReportPage {
    static let dayNanoseconds: Int64 = 86_400_000_000_000
    static let version: UInt8 = 1

    /// The UTC day of `start` (floor division, as the schema's triggers compute it).
    static func day(of start: Int64) -> Int64 {
        start >= 0 ? start / dayNanoseconds : (start + 1) / dayNanoseconds - 1
    }

    /// The starts of `day`: `[lower, upper)`, either bound nil past the range of `Int64`.
    static func bounds(of day: Int64) -> (lower: Int64?, upper: Int64?) {
        let (lower, overflow) = day.multipliedReportingOverflow(by: dayNanoseconds)
        if overflow { return (day < 0 ? nil : .max, nil) }
        let (upper, overflowUp) = lower.addingReportingOverflow(dayNanoseconds)
        return (lower, overflowUp ? nil : upper)
    }

    /// Packs `rows` (one day, in report order); `global` maps each of their string ids to its
    /// `report_strings` id.
    static func encode(_ rows: MetricRows, global: (Int32) -> Int32) -> [UInt8] {
        var out: [UInt8] = [version]
        out.reserveCapacity(rows.rows.count * 32 + 16)
        put(UInt64(rows.rows.count), &out)
        var previous: Int64 = 0
        for (index, row) in rows.rows.enumerated() {
            putSigned(row.startNanoseconds &- previous, &out)
            previous = row.startNanoseconds
            let legs = rows.talkLegs[index] ?? []
            let outcome = UInt8(CallOutcome.allCases.firstIndex(of: row.outcome) ?? 0)
            let direction: UInt8
            switch row.direction {
            case nil: direction = 0
            case .inbound?: direction = 1
            case .outbound?: direction = 2
            case .internal?: direction = 3
            }
            out.append(outcome | direction << 4 | (legs.isEmpty ? 0 : 1 << 6))
            let present = [row.answeredAt?.nanoseconds, row.endedAt?.nanoseconds, row.waitNanoseconds, row.pddMilliseconds]
            out.append(present.enumerated().reduce(UInt8(0)) { $0 | ($1.element == nil ? 0 : 1 << UInt8($1.offset)) })
            if let answered = present[0] { putSigned(answered &- row.startNanoseconds, &out) }
            if let ended = present[1] { putSigned(ended &- row.startNanoseconds, &out) }
            if let wait = present[2] { putSigned(wait, &out) }
            if let pdd = present[3] { putSigned(pdd, &out) }
            for id in [row.caller, row.dialed, row.divertedFrom, row.agent, row.queue] {
                put(id < 0 ? 0 : UInt64(global(id)) + 1, &out)
            }
            putSigned(Int64(row.transfers), &out)
            put(UInt64(max(0, row.sameStartRank)), &out)
            if !legs.isEmpty {
                put(UInt64(legs.count), &out)
                for leg in legs {
                    put(leg.agent < 0 ? 0 : UInt64(global(leg.agent)) + 1, &out)
                    putSigned(leg.talkNanoseconds, &out)
                }
            }
        }
        return out
    }

    /// Appends the rows of a page with `lower <= start < upper` to `rows` (whose strings are
    /// the `report_strings` of the ids); the talk legs too when `legs`. False when the bytes
    /// are not a page of this version or name a string `rows` does not have (then nothing of
    /// the page is kept and the caller rebuilds it).
    static func decode(_ bytes: UnsafeRawBufferPointer, into rows: inout MetricRows, lower: Int64, upper: Int64?, legs: Bool) -> Bool {
        var reader = PageReader(bytes: bytes)
        guard reader.byte() == version else { return false }
        let count = reader.varint()
        let keptRows = rows.rows.count
        let stringCount = UInt64(rows.strings.count)
        var start: Int64 = 0
        var pendingLegs: [(index: Int, legs: [AgentTalkLeg])] = []
        var n: UInt64 = 0
        while n < count, !reader.failed {
            n += 1
            start = start &+ reader.signed()
            let kind = reader.byte()
            let present = reader.byte()
            let answered = present & 1 != 0 ? start &+ reader.signed() : nil
            let ended = present & 2 != 0 ? start &+ reader.signed() : nil
            let wait = present & 4 != 0 ? reader.signed() : nil
            let pdd = present & 8 != 0 ? reader.signed() : nil
            let ids = (reader.id(below: stringCount), reader.id(below: stringCount), reader.id(below: stringCount),
                       reader.id(below: stringCount), reader.id(below: stringCount))
            let transfers = reader.signed()
            let rank = reader.varint()
            var talk: [AgentTalkLeg] = []
            if kind & 0x40 != 0 {
                let legCount = reader.varint()
                guard legCount <= UInt64(reader.remaining) else { reader.failed = true; break }
                for _ in 0..<legCount {
                    let agent = reader.id(below: stringCount)
                    talk.append(AgentTalkLeg(agent: agent, talkNanoseconds: reader.signed()))
                }
            }
            let outcomeIndex = Int(kind & 0x0F)
            guard !reader.failed, outcomeIndex < CallOutcome.allCases.count else { reader.failed = true; break }
            guard start >= lower, upper.map({ start < $0 }) ?? true else { continue }
            let direction: CallDirection?
            switch (kind >> 4) & 3 {
            case 1: direction = .inbound
            case 2: direction = .outbound
            case 3: direction = .internal
            default: direction = nil
            }
            if legs, !talk.isEmpty { pendingLegs.append((rows.rows.count, talk)) }
            rows.rows.append(MetricRow(
                start: start, answeredAt: answered, endedAt: ended, wait: wait, pddMilliseconds: pdd,
                caller: ids.0, dialed: ids.1, divertedFrom: ids.2, agent: ids.3, queue: ids.4,
                transfers: Int(clamping: transfers), outcome: CallOutcome.allCases[outcomeIndex], direction: direction,
                sameStartRank: Int32(clamping: rank)))
        }
        guard !reader.failed, n == count else {
            rows.rows.removeSubrange(keptRows...)
            return false
        }
        for (index, talk) in pendingLegs { rows.talkLegs[index] = talk }
        return true
    }

    private static func put(_ value: UInt64, _ out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }

    private static func putSigned(_ value: Int64, _ out: inout [UInt8]) {
        put(UInt64(bitPattern: (value << 1) ^ (value >> 63)), &out)
    }
}

/// Reads a page's bytes; past the end or on an over-long varint it sets `failed` and returns 0,
/// so a damaged page never traps.
private struct PageReader {
    let bytes: UnsafeRawBufferPointer
    var index = 0
    var failed = false

    var remaining: Int { bytes.count - index }

    @inline(__always)
    mutating func byte() -> UInt8 {
        guard index < bytes.count else { failed = true; return 0 }
        defer { index += 1 }
        return bytes[index]
    }

    @inline(__always)
    mutating func varint() -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.count {
            let b = bytes[index]
            index += 1
            value |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return value }
            shift += 7
            if shift > 63 { break }
        }
        failed = true
        return 0
    }

    /// A string id stored plus one: -1 for 0 (none); past `count` strings it fails.
    @inline(__always)
    mutating func id(below count: UInt64) -> Int32 {
        let value = varint()
        guard value <= count else { failed = true; return -1 }
        return Int32(truncatingIfNeeded: value) - 1
    }

    @inline(__always)
    mutating func signed() -> Int64 {
        let raw = varint()
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }
}
