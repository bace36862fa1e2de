import CallModel

/// The machine-readable form of a call: the field names and order of the README's schema.
///
/// The first nineteen fields are the stable core every format carries; `transport`, `agent`,
/// `queue`, `wait_s`, `system_answered_at`, `ivr_s`, `transfers`, `direction`, `format` and `legs` follow (CSV holds `legs` as JSON text),
/// then the RTP quality per direction and the talk figures (`calls --talk`, `talk`), then, when
/// a site zone other than UTC is known, the local times (``localFields``), then `streams`,
/// `media` and `messages` (JSON and ndjson only).
///
/// Per direction (`caller_*` = what the caller sent, `callee_*` = what the callee sent), as
/// `Call.rtpQuality(sentBy:)` sums several streams one way.
public enum CallRecord {
    /// Field names of the scalar columns, in order (CSV header, table source).
    public static let scalarFields = [
        "call_id", "source", "start", "caller", "dialed", "diverted_from", "outcome", "final_status",
        "reason_cause", "pdd_ms", "answered_at", "ended_at", "ring_s", "talk_s", "hold_s", "ended_by",
        "packets", "retransmissions", "truncated", "transport", "agent", "queue", "wait_s", "system_answered_at",
        "ivr_s", "transfers", "direction", "format", "legs", "rtp_streams", "caller_rtp_lost", "caller_rtp_jitter_ms", "caller_mos",
        "callee_rtp_lost", "callee_rtp_jitter_ms", "callee_mos", "caller_talk_s", "agent_talk_s", "overtalk_s",
        "silence_s", "agent_share",
    ]

    /// The local-time twins of the time fields, written when a site zone other than UTC is known:
    /// the same instants on the site's clock with their offset (`2026-03-29T02:30:00.000+01:00`).
    /// After every other scalar field, so the columns of a CSV read without a zone stay where they were.
    public static let localFields = ["start_local", "answered_at_local", "ended_at_local", "system_answered_at_local"]

    /// The scalar field names of a record written with `time` (``localFields`` when it is local).
    public static func scalarFields(time: SiteTime) -> [String] {
        time.isLocal ? scalarFields + localFields : scalarFields
    }

    /// The fields `--where` and `--sort` can name: the scalar fields but `legs`.
    public static func selectableFields(time: SiteTime) -> [String] {
        scalarFields(time: time).filter { $0 != "legs" }
    }

    /// The record of `call` with the local times of `time` when it is local (see ``localFields``).
    public static func record(_ call: Call, detail: Bool, time: inout SiteTime) -> Record {
        guard time.isLocal else { return record(call, detail: detail) }
        var record = record(call, detail: false)
        func local(_ t: Timestamp?) -> FieldValue { t.map { .string(time.iso8601($0)) } ?? .null }
        record += [
            ("start_local", local(call.start)), ("answered_at_local", local(call.answeredAt)),
            ("ended_at_local", local(call.endedAt)), ("system_answered_at_local", local(call.systemAnsweredAt)),
        ]
        if detail { record += detailFields(call) }
        return record
    }

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
            ("system_answered_at", call.systemAnsweredAt.map(FieldValue.time) ?? .null),
            ("ivr_s", call.ivrTime.map(FieldValue.seconds) ?? .null),
            ("transfers", .integer(call.transfers)),
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
                    ("agent", .string(leg.agent)),
                    ("talk_s", leg.talkNanoseconds.map { .seconds(Duration3(nanoseconds: $0)) } ?? .null),
                ])
            })),
        ]
        record.append(contentsOf: mediaFields(call))
        if detail { record += detailFields(call) }
        return record
    }

    /// `streams` and `media`: the nested detail of JSON and ndjson.
    static func detailFields(_ call: Call) -> Record {
        [
            ("streams", .array(call.streams.map(streamRecord))),
            ("media", .array(call.media.map { offer in
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
            })),
            ("messages", .array(call.messages.map(messageRecord))),
        ]
    }

    /// One SIP message of the ladder, as `calls --format json` nests them under `messages`:
    /// `method` for a request, `status` for a response, the other null.
    public static func messageRecord(_ message: SIPMessageSummary) -> FieldValue {
        let status = message.isResponse ? Int(message.label) : nil
        return .object([
            ("time", .time(message.time)),
            ("source", .string(message.source)),
            ("destination", .string(message.destination)),
            ("transport", .string(message.transport)),
            ("method", .string(message.isResponse ? nil : message.label)),
            ("status", .integer(status)),
            ("cseq", .integer(Int64(message.cseqNumber))),
            ("cseq_method", .string(message.cseqMethod)),
            ("first_line", .string(message.firstLine)),
        ])
    }

    /// The scalar RTP and talk fields.
    static func mediaFields(_ call: Call) -> Record {
        func direction(_ party: CallParty) -> [(String, FieldValue)] {
            let prefix = party.rawValue
            let quality = call.rtpQuality(sentBy: party)
            return [
                ("\(prefix)_rtp_lost", quality.map { .integer($0.lost) } ?? .null),
                ("\(prefix)_rtp_jitter_ms", quality.map { .decimal(KPIRendering.format($0.meanJitterMilliseconds, 3)) } ?? .null),
                ("\(prefix)_mos", quality?.mos.map { .decimal(KPIRendering.format($0, 2)) } ?? .null),
            ]
        }
        var fields: Record = [("rtp_streams", .integer(call.streams.count))]
        fields.append(contentsOf: direction(.caller))
        fields.append(contentsOf: direction(.callee))
        let talk = call.talk
        func seconds(_ nanoseconds: Int64?) -> FieldValue { nanoseconds.map { .seconds(Duration3(nanoseconds: $0)) } ?? .null }
        fields.append(("caller_talk_s", seconds(talk?.callerTalk)))
        fields.append(("agent_talk_s", seconds(talk?.agentTalk)))
        fields.append(("overtalk_s", seconds(talk?.overtalk)))
        fields.append(("silence_s", seconds(talk?.silence)))
        fields.append(("agent_share", talk?.agentShare.map { .decimal(KPIRendering.format($0, 3)) } ?? .null))
        return fields
    }

    /// One stream's figures, as `calls --format json` nests them under `streams`.
    public static func streamRecord(_ stream: RTPStreamSummary) -> FieldValue {
        .object([
            ("ssrc", .string(stream.ssrcText)),
            ("source", .string(stream.source)),
            ("destination", .string(stream.destination)),
            ("sender", .string(stream.sender?.rawValue)),
            ("payload_type", stream.payloadType >= 0 ? .integer(stream.payloadType) : .null),
            ("codec", .string(stream.codec)),
            ("first_packet", .time(stream.firstPacket)),
            ("last_packet", .time(stream.lastPacket)),
            ("packets", .integer(stream.packets)),
            ("expected", .integer(stream.expected)),
            ("lost", .integer(stream.lost)),
            ("loss_percent", .decimal(KPIRendering.format(stream.lossPercent, 2))),
            ("duplicates", .integer(stream.duplicates)),
            ("out_of_order", .integer(stream.outOfOrder)),
            ("max_delta_ms", .decimal(KPIRendering.format(stream.maxDeltaMilliseconds, 3))),
            ("jitter_ms", .decimal(KPIRendering.format(stream.jitterMilliseconds, 3))),
            ("max_jitter_ms", .decimal(KPIRendering.format(stream.maxJitterMilliseconds, 3))),
            ("mean_jitter_ms", .decimal(KPIRendering.format(stream.meanJitterMilliseconds, 3))),
            ("dtmf_events", .integer(stream.dtmfEvents)),
            ("comfort_noise_packets", .integer(stream.comfortNoisePackets)),
            ("mos", stream.mos.map { .decimal(KPIRendering.format($0, 2)) } ?? .null),
        ])
    }
}

