import Foundation

/// A call record of the README schema, typed, so that output and sidecars are compared as
/// values (`1.5` equals `1.500`). The capture sidecars hold the first nineteen fields; the
/// CDR sidecars all of `fieldNames`.
struct SchemaRecord: Decodable {
    var call_id: String
    var source: String
    var start: String
    var caller: String?
    var dialed: String?
    var diverted_from: String?
    var outcome: String
    var final_status: Int?
    var reason_cause: Int?
    var pdd_ms: Int?
    var answered_at: String?
    var ended_at: String?
    var ring_s: Double?
    var talk_s: Double?
    var hold_s: Double
    var ended_by: String?
    var packets: Int
    var retransmissions: Int
    var truncated: Bool
    var transport: String?
    var agent: String?
    var queue: String?
    var wait_s: Double?
    var direction: String?
    var format: String?

    static let fieldNames = [
        "call_id", "source", "start", "caller", "dialed", "diverted_from", "outcome", "final_status", "reason_cause",
        "pdd_ms", "answered_at", "ended_at", "ring_s", "talk_s", "hold_s", "ended_by", "packets", "retransmissions",
        "truncated", "transport", "agent", "queue", "wait_s", "direction", "format",
    ]

    static func decode(_ ndjson: String) throws -> [SchemaRecord] {
        try ndjson.split(separator: "\n").map { try JSONDecoder().decode(SchemaRecord.self, from: Data($0.utf8)) }
    }

    /// Every field as text: durations with three decimals, null as "null".
    var fields: [String: String] {
        func text(_ value: (any CustomStringConvertible)?) -> String { value.map { $0.description } ?? "null" }
        func seconds(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "null" }
        return [
            "call_id": call_id, "source": source, "start": start, "caller": text(caller), "dialed": text(dialed),
            "diverted_from": text(diverted_from), "outcome": outcome, "final_status": text(final_status),
            "reason_cause": text(reason_cause), "pdd_ms": text(pdd_ms), "answered_at": text(answered_at),
            "ended_at": text(ended_at), "ring_s": seconds(ring_s), "talk_s": seconds(talk_s), "hold_s": seconds(hold_s),
            "ended_by": text(ended_by), "packets": text(packets), "retransmissions": text(retransmissions),
            "truncated": text(truncated), "transport": text(transport), "agent": text(agent), "queue": text(queue),
            "wait_s": seconds(wait_s), "direction": text(direction), "format": text(format),
        ]
    }
}
