import CallModel
import Reconciliation

/// The reconcile report as a table for people, one JSON document, or one record per call
/// (ndjson, CSV) (README "Reconcile").
public enum ReconcileRendering {
    /// The per-call record's fields, in CSV column order.
    public static let fields = [
        "status", "match", "cdr_call_id", "wire_call_id", "start", "caller", "dialed",
        "cdr_outcome", "wire_outcome", "cdr_final_status", "wire_final_status", "cdr_talk_s", "wire_talk_s",
        "skew_s", "mismatches", "cdr_source", "wire_source",
    ]

    /// One record per CDR call (matched, mismatch, cdr_only) and per wire-only call, CDR order first.
    public static func records(_ report: ReconcileReport) -> [Record] {
        var out: [Record] = []
        for pair in report.pairs {
            out.append(record(status: pair.differences.isEmpty ? "matched" : "mismatch", method: pair.method.rawValue,
                              cdr: pair.cdr, wire: pair.wire, skew: pair.skewNanoseconds, differences: pair.differences))
        }
        for call in report.cdrOnly { out.append(record(status: "cdr_only", method: nil, cdr: call, wire: nil, skew: nil, differences: [])) }
        for call in report.wireOnly { out.append(record(status: "wire_only", method: nil, cdr: nil, wire: call, skew: nil, differences: [])) }
        return out
    }

    static func record(status: String, method: String?, cdr: Call?, wire: Call?, skew: Int64?, differences: [Difference]) -> Record {
        let main = cdr ?? wire
        return [
            ("status", .string(status)), ("match", method.map { FieldValue.string($0) } ?? .null),
            ("cdr_call_id", cdr.map { .string($0.callID) } ?? .null), ("wire_call_id", wire.map { .string($0.callID) } ?? .null),
            ("start", main.map { .time($0.start) } ?? .null),
            ("caller", .string(main?.caller)), ("dialed", .string(main?.dialed)),
            ("cdr_outcome", cdr.map { .string($0.outcome.rawValue) } ?? .null), ("wire_outcome", wire.map { .string($0.outcome.rawValue) } ?? .null),
            ("cdr_final_status", cdr?.finalStatus.map { .integer(Int64($0)) } ?? .null),
            ("wire_final_status", wire?.finalStatus.map { .integer(Int64($0)) } ?? .null),
            ("cdr_talk_s", cdr?.talkTime.map(FieldValue.seconds) ?? .null), ("wire_talk_s", wire?.talkTime.map(FieldValue.seconds) ?? .null),
            ("skew_s", skew.map { .seconds(Duration3(nanoseconds: $0)) } ?? .null),
            ("mismatches", .array(differences.map { .object([("kind", .string($0.kind.rawValue)), ("cdr", .string($0.cdr)), ("wire", .string($0.wire))]) })),
            ("cdr_source", .string(cdr?.source)), ("wire_source", .string(wire?.source)),
        ]
    }

    /// The whole report as one JSON object: the summary, the mismatches by kind (Call-IDs), and
    /// every call's record.
    public static func json(_ report: ReconcileReport) -> String {
        JSONWriter.object(summary(report) + [("calls", .array(records(report).map { .object($0) }))]) + "\n"
    }

    static func summary(_ report: ReconcileReport) -> Record {
        let window: FieldValue = report.captureWindow.map { .object([("from", .time($0.lowerBound)), ("to", .time($0.upperBound))]) } ?? .null
        let byKind: [(String, FieldValue)] = MismatchKind.allCases.map { kind in
            (kind.rawValue, .array(report.mismatches(kind).map { .string($0.cdr.callID) }))
        }
        return [
            ("agree", .bool(report.allAgree)),
            ("clock_offset_s", report.clockOffset.map { .seconds(Duration3(nanoseconds: $0.nanoseconds)) } ?? .null),
            ("clock_offset_samples", .integer(Int64(report.clockOffset?.samples ?? 0))),
            ("capture_window", window),
            ("matched", .integer(Int64(report.pairs.count))),
            ("matched_by_call_id", .integer(Int64(report.pairs.filter { $0.method == .callID }.count))),
            ("matched_by_time", .integer(Int64(report.pairs.filter { $0.method == .time }.count))),
            ("cdr_only", .array(report.cdrOnly.map { .string($0.callID) })),
            ("cdr_outside_window", .integer(Int64(report.cdrOutsideWindow))),
            ("wire_only", .array(report.wireOnly.map { .string($0.callID) })),
            ("mismatches", .object(byKind)),
            ("billed_talk_s", .seconds(Duration3(nanoseconds: report.billedTalkNanoseconds))),
            ("measured_talk_s", .seconds(Duration3(nanoseconds: report.measuredTalkNanoseconds))),
        ]
    }

    /// The report for people: the counts, the clock offset, the talk totals, then one row per
    /// disagreement (each difference of a matched call, each CDR-only and wire-only call).
    public static func table(_ report: ReconcileReport) -> String {
        var lines: [String] = []
        if let offset = report.clockOffset {
            lines.append("Clock offset (PBX - capture): \(signed(offset.nanoseconds)) s, the median of \(offset.samples) Call-ID match\(offset.samples == 1 ? "" : "es")")
        } else {
            lines.append("Clock offset (PBX - capture): not estimated (no CDR call carries a captured Call-ID); none applied")
        }
        let byCallID = report.pairs.filter { $0.method == .callID }.count
        let agreeing = report.pairs.filter(\.differences.isEmpty).count
        lines.append("Matched: \(report.pairs.count) (\(byCallID) by Call-ID, \(report.pairs.count - byCallID) by caller, number and time), \(agreeing) agree")
        var cdrOnly = "CDR-only (in the ledger, not on the wire): \(report.cdrOnly.count)"
        if report.cdrOutsideWindow > 0 { cdrOnly += "; \(report.cdrOutsideWindow) more CDR calls outside the capture's time window" }
        lines.append(cdrOnly)
        lines.append("Wire-only (captured, never written by the PBX): \(report.wireOnly.count)")
        let kinds = MismatchKind.allCases.compactMap { kind -> String? in
            let n = report.mismatches(kind).count
            return n == 0 ? nil : "\(kind.rawValue) \(n)"
        }
        lines.append("Mismatches: " + (kinds.isEmpty ? "none" : kinds.joined(separator: ", ")))
        let billed = report.billedTalkNanoseconds, measured = report.measuredTalkNanoseconds
        lines.append("Talk of the matched calls: billed \(Duration3(nanoseconds: billed).seconds3) s, measured \(Duration3(nanoseconds: measured).seconds3) s (\(signed(billed &- measured)) s)")
        var text = lines.joined(separator: "\n") + "\n"

        var table = TextTable(columns: [
            .init("kind"), .init("start (UTC)"), .init("call", maxWidth: 32), .init("caller -> dialed", maxWidth: 34),
            .init("ledger (CDR)", maxWidth: 30), .init("wire", maxWidth: 30),
        ])
        for pair in report.pairs {
            for difference in pair.differences {
                table.append([difference.kind.rawValue, clock(pair.wire.start), pair.cdr.callID, CallComparison.numbers(pair.cdr), difference.cdr, difference.wire])
            }
        }
        for call in report.cdrOnly { table.append(["cdr_only", clock(call.start), call.callID, CallComparison.numbers(call), status(call), "-"]) }
        for call in report.wireOnly { table.append(["wire_only", clock(call.start), call.callID, CallComparison.numbers(call), "-", status(call)]) }
        if !table.rows.isEmpty { text += "\n" + table.render() }
        text += report.allAgree ? "\nThe ledger and the wire agree.\n" : "\nThe ledger and the wire disagree.\n"
        return text
    }

    static func status(_ call: Call) -> String {
        var text = call.outcome.rawValue
        if let s = call.finalStatus { text += " (\(s))" }
        if let talk = call.talkTime, call.outcome == .answered { text += ", talk \(talk.seconds3) s" }
        return text
    }

    /// `2026-12-05 16:20:01`.
    static func clock(_ time: Timestamp) -> String {
        let iso = time.iso8601
        return String(iso.prefix(10)) + " " + String(iso.dropFirst(11).prefix(8))
    }

    /// `+3.001`, `-0.250`, `+0.000`.
    static func signed(_ nanoseconds: Int64) -> String {
        (nanoseconds < 0 ? "-" : "+") + Duration3(nanoseconds: nanoseconds == .min ? .max : abs(nanoseconds)).seconds3
    }
}
