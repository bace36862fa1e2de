import CallModel

/// The machine-readable form of a call: the field names and order of the README's schema.
///
/// The first nineteen fields are the stable core every format carries; `transport`, `agent`,
/// `queue`, `wait_s`, `direction`, `format` and `legs` follow (CSV holds `legs` as JSON text),
/// then `media` (JSON and ndjson only).
public enum CallRecord {
    /// Field names of the scalar columns, in order (CSV header, table source).
    public static let scalarFields = [
        "call_id", "source", "start", "caller", "dialed", "diverted_from", "outcome", "final_status",
        "reason_cause", "pdd_ms", "answered_at", "ended_at", "ring_s", "talk_s", "hold_s", "ended_by",
        "packets", "retransmissions", "truncated", "transport", "agent", "queue", "wait_s", "direction",
        "format", "legs",
    ]

    /// The record of `call`; nested detail only when `detail` is true.
    public static func record(_ call: Call, detail: Bool) -> Record {
        var record: Record = [
            ("call_id", .string(call.callID)),
            ("source", .string(call.source)),
            ("start", .time(call.start)),
            ("caller", .string(call.caller)),
            ("dialed", .string(call.dialed)),
            ("diverted_from", .string(call.divertedFrom)),
            ("outcome", .string(call.outcome.rawValue)),
            ("final_status", .integer(call.finalStatus)),
            ("reason_cause", .integer(call.reasonCause)),
            ("pdd_ms", .integer(call.pddMilliseconds)),
            ("answered_at", call.answeredAt.map(FieldValue.time) ?? .null),
            ("ended_at", call.endedAt.map(FieldValue.time) ?? .null),
            ("ring_s", call.ringTime.map(FieldValue.seconds) ?? .null),
            ("talk_s", call.talkTime.map(FieldValue.seconds) ?? .null),
            ("hold_s", .seconds(call.holdTime)),
            ("ended_by", .string(call.endedBy?.rawValue)),
            ("packets", .integer(call.packets)),
            ("retransmissions", .integer(call.retransmissions)),
            ("truncated", .bool(call.truncated)),
            ("transport", .string(call.transport)),
            ("agent", .string(call.agent)),
            ("queue", .string(call.queue)),
            ("wait_s", call.waitTime.map(FieldValue.seconds) ?? .null),
            ("direction", .string(call.direction?.rawValue)),
            ("format", .string(call.format)),
            ("legs", .array(call.legs.map { leg in
                .object([
                    ("id", .string(leg.id)),
                    ("status", .string(leg.status)),
                    ("start", .time(leg.start)),
                    ("answered", .bool(leg.answered)),
                    ("destination", .string(leg.destination)),
                    ("answered_at", leg.answeredAt.map(FieldValue.time) ?? .null),
                    ("ended_at", leg.endedAt.map(FieldValue.time) ?? .null),
                ])
            })),
        ]
        if detail {
            record.append(("media", .array(call.media.map { offer in
                .object([
                    ("time", .string(offer.time.iso8601)),
                    ("from", .string(offer.from.rawValue)),
                    ("message", .string(offer.carriedBy)),
                    ("streams", .array(offer.streams.map { stream in
                        .object([
                            ("media", .string(stream.media)),
                            ("address", .string(stream.address)),
                            ("port", .integer(stream.port)),
                            ("proto", .string(stream.proto)),
                            ("payload_types", .array(stream.payloadTypes.map { .integer($0) })),
                            ("encodings", .array(stream.payloadTypes.compactMap { stream.encodings[$0] }.map { .string($0) })),
                            ("direction", .string(stream.direction.rawValue)),
                        ])
                    })),
                ])
            })))
        }
        return record
    }
}
