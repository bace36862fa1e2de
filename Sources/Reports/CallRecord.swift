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
    /// One field of the schema: its name, the `"name":` bytes JSON writes before its value, and
    /// how its value is read from a call.
    public struct Field: Sendable {
        public let name: String
        let jsonKey: [UInt8]
        let value: @Sendable (Call) -> FieldValue
        /// Writes the field's JSON value straight from the call (the bytes `JSONWriter` writes
        /// for `value`), without building a `FieldValue`: the ndjson and json hot path.
        let json: @Sendable (Call, inout [UInt8]) -> Void

        init(_ name: String, _ value: @escaping @Sendable (Call) -> FieldValue) {
            self.init(name, value: value) { call, out in JSONWriter.append(value(call), to: &out) }
        }

        init(_ name: String, value: @escaping @Sendable (Call) -> FieldValue, json: @escaping @Sendable (Call, inout [UInt8]) -> Void) {
            self.name = name
            self.jsonKey = CallRecord.jsonKey(name)
            self.value = value
            self.json = json
        }

        /// A text field (null when nil).
        init(_ name: String, string: @escaping @Sendable (Call) -> String?) {
            self.init(name, value: { .string(string($0)) }) { call, out in CallRecord.appendJSON(string(call), to: &out) }
        }

        /// An instant (null when nil).
        init(_ name: String, time: @escaping @Sendable (Call) -> Timestamp?) {
            self.init(name, value: { time($0).map(FieldValue.time) ?? .null }) { call, out in CallRecord.appendJSON(time(call), to: &out) }
        }

        /// A duration in seconds with three decimals (null when nil).
        init(_ name: String, seconds: @escaping @Sendable (Call) -> Duration3?) {
            self.init(name, value: { seconds($0).map(FieldValue.seconds) ?? .null }) { call, out in CallRecord.appendJSON(seconds(call), to: &out) }
        }

        /// An integer (null when nil).
        init(_ name: String, integer: @escaping @Sendable (Call) -> Int64?) {
            self.init(name, value: { .integer(integer($0)) }) { call, out in
                if let value = integer(call) { JSONWriter.appendDecimal(value, to: &out) } else { out.append(contentsOf: CallRecord.null) }
            }
        }
    }

    /// The scalar fields in schema order, every format's columns: **a new field is one line here**
    /// (name and how to read it from the call); CSV, JSON, ndjson, `--where` and `--sort` follow.
    public static let scalarTable: [Field] = [
        Field("call_id", string: { $0.callID }),
        Field("source", string: { $0.source }),
        Field("start", time: { $0.start }),
        Field("caller", string: { $0.caller }),
        Field("dialed", string: { $0.dialed }),
        Field("diverted_from", string: { $0.divertedFrom }),
        Field("outcome", string: { $0.outcome.rawValue }),
        Field("final_status", integer: { $0.finalStatus.map(Int64.init) }),
        Field("reason_cause", integer: { $0.reasonCause.map(Int64.init) }),
        Field("pdd_ms", integer: { $0.pddMilliseconds }),
        Field("answered_at", time: { $0.answeredAt }),
        Field("ended_at", time: { $0.endedAt }),
        Field("ring_s", seconds: { $0.ringTime }),
        Field("talk_s", seconds: { $0.talkTime }),
        Field("hold_s", seconds: { $0.holdTime }),
        Field("ended_by", string: { $0.endedBy?.rawValue }),
        Field("packets", integer: { Int64($0.packets) }),
        Field("retransmissions", integer: { Int64($0.retransmissions) }),
        Field("truncated", value: { .bool($0.truncated) }) { call, out in out.append(contentsOf: call.truncated ? CallRecord.true : CallRecord.false) },
        Field("transport", string: { $0.transport }),
        Field("agent", string: { $0.agent }),
        Field("queue", string: { $0.queue }),
        Field("wait_s", seconds: { $0.waitTime }),
        Field("system_answered_at", time: { $0.systemAnsweredAt }),
        Field("ivr_s", seconds: { $0.ivrTime }),
        Field("transfers", integer: { Int64($0.transfers) }),
        Field("direction", string: { $0.direction?.rawValue }),
        Field("format", string: { $0.format }),
        Field("legs", value: { .array($0.legs.map(legRecord)) }) { call, out in appendLegsJSON(call.legs, to: &out) },
        Field("rtp_streams") { .integer($0.streams.count) },
        Field("caller_rtp_lost") { lost($0, .caller) },
        Field("caller_rtp_jitter_ms") { jitter($0, .caller) },
        Field("caller_mos") { mos($0, .caller) },
        Field("callee_rtp_lost") { lost($0, .callee) },
        Field("callee_rtp_jitter_ms") { jitter($0, .callee) },
        Field("callee_mos") { mos($0, .callee) },
        Field("caller_talk_s") { seconds($0.talk?.callerTalk) },
        Field("agent_talk_s") { seconds($0.talk?.agentTalk) },
        Field("overtalk_s") { seconds($0.talk?.overtalk) },
        Field("silence_s") { seconds($0.talk?.silence) },
        Field("agent_share") { $0.talk?.agentShare.map { .decimal(KPIRendering.format($0, 3)) } ?? .null },
    ]

    /// The nested detail of JSON and ndjson, after the scalar (and local) fields.
    public static let detailTable: [Field] = [
        Field("streams") { .array($0.streams.map(streamRecord)) },
        Field("media") { .array($0.media.map(mediaRecord)) },
        Field("messages") { .array($0.messages.map(messageRecord)) },
    ]

    /// Field names of the scalar columns, in order (CSV header, table source).
    public static let scalarFields = scalarTable.map(\.name)

    /// The local-time twins of the time fields, written when a site zone other than UTC is known:
    /// the same instants on the site's clock with their offset (`2026-03-29T02:30:00.000+01:00`).
    /// After every other scalar field, so the columns of a CSV read without a zone stay where they were.
    public static let localFields = ["start_local", "answered_at_local", "ended_at_local", "system_answered_at_local"]
    private static let localKeys: [[UInt8]] = localFields.map(jsonKey)

    /// `"name":` as JSON writes it before a value.
    static func jsonKey(_ name: String) -> [UInt8] {
        var key: [UInt8] = []
        JSONWriter.appendString(name, to: &key)
        key.append(UInt8(ascii: ":"))
        return key
    }

    /// What brought the call (README "Visit attribution"), written when the run attributes calls
    /// (`--visits`, `--pool`): last of the scalar fields, so the columns before stay where they were.
    public static let attributionFields = [
        "attribution", "visitor_id", "utm_source", "utm_medium", "utm_campaign", "keyword", "landing_page", "click_id", "ambiguous",
    ]
    private static let attributionKeys: [[UInt8]] = attributionFields.map(jsonKey)

    /// The scalar field names of records of `calls`: ``attributionFields`` last when any call has an attribution.
    public static func scalarFields(time: SiteTime, calls: [Call]) -> [String] {
        scalarFields(time: time) + (calls.contains { $0.attribution != nil } ? attributionFields : [])
    }

    /// The ``attributionFields`` of a call that has an attribution; none otherwise.
    public static func attributionRecord(_ call: Call) -> Record { attributionRecord(call.attribution) }

    /// The ``attributionFields`` of an attribution (a call's, a lost call's); none for nil.
    public static func attributionRecord(_ attribution: VisitAttribution?) -> Record {
        guard let a = attribution else { return [] }
        return [
            ("attribution", .string(a.kind.rawValue)), ("visitor_id", .string(a.visitorID)), ("utm_source", .string(a.source)),
            ("utm_medium", .string(a.medium)), ("utm_campaign", .string(a.campaign)), ("keyword", .string(a.keyword)),
            ("landing_page", .string(a.landingPage)), ("click_id", .string(a.clickID)), ("ambiguous", .bool(a.ambiguous)),
        ]
    }

    /// The instants of ``localFields``, in their order.
    private static func localTimes(_ call: Call) -> [Timestamp?] {
        [call.start, call.answeredAt, call.endedAt, call.systemAnsweredAt]
    }

    /// The scalar field names of a record written with `time` (``localFields`` when it is local).
    public static func scalarFields(time: SiteTime) -> [String] {
        time.isLocal ? scalarFields + localFields : scalarFields
    }

    /// The fields `--where` and `--sort` can name: the scalar fields but `legs`, and the
    /// attribution fields (null on a call without attribution).
    public static func selectableFields(time: SiteTime) -> [String] {
        scalarFields(time: time).filter { $0 != "legs" } + attributionFields
    }

    /// The record of `call` with the local times of `time` when it is local (see ``localFields``).
    public static func record(_ call: Call, detail: Bool, time: inout SiteTime) -> Record {
        guard time.isLocal else { return record(call, detail: detail) }
        var record: Record = scalarTable.map { ($0.name, $0.value(call)) }
        for (name, instant) in zip(localFields, localTimes(call)) {
            record.append((name, instant.map { .string(time.iso8601($0)) } ?? .null))
        }
        record += attributionRecord(call.attribution)
        if detail { record += detailTable.map { ($0.name, $0.value(call)) } }
        return record
    }

    /// The record of `call`; nested detail only when `detail` is true.
    public static func record(_ call: Call, detail: Bool) -> Record {
        var record: Record = []
        record.reserveCapacity(scalarTable.count + (detail ? detailTable.count : 0))
        for field in scalarTable { record.append((field.name, field.value(call))) }
        record += attributionRecord(call.attribution)
        if detail { for field in detailTable { record.append((field.name, field.value(call))) } }
        return record
    }

    /// `call` as one JSON object, written straight from the call with the keys pre-encoded (no
    /// intermediate record): the same bytes as `JSONWriter.append(record(call, detail:time:))`.
    public static func appendJSON(_ call: Call, detail: Bool, time: inout SiteTime, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        var first = true
        func write(_ key: [UInt8], _ value: FieldValue) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(contentsOf: key)
            JSONWriter.append(value, to: &out)
        }
        // Borrowed through the buffer: `for field in scalarTable` copied each field (four
        // references retained and released per field, about 170 per call).
        scalarTable.withUnsafeBufferPointer { fields in
            for i in fields.indices {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                fields[i].jsonKey.withUnsafeBufferPointer { out.append(contentsOf: $0) }
                fields[i].json(call, &out)
            }
        }
        first = scalarTable.isEmpty
        if time.isLocal {
            for (key, instant) in zip(localKeys, localTimes(call)) { write(key, instant.map { .string(time.iso8601($0)) } ?? .null) }
        }
        for (key, field) in zip(attributionKeys, attributionRecord(call.attribution)) { write(key, field.1) }
        if detail { for field in detailTable { write(field.jsonKey, field.value(call)) } }
        out.append(UInt8(ascii: "}"))
    }

    static let null: [UInt8] = Array("null".utf8)
    static let `true`: [UInt8] = Array("true".utf8)
    static let `false`: [UInt8] = Array("false".utf8)

    static func appendJSON(_ value: String?, to out: inout [UInt8]) {
        if let value { JSONWriter.appendString(value, to: &out) } else { out.append(contentsOf: null) }
    }

    static func appendJSON(_ value: Timestamp?, to out: inout [UInt8]) {
        guard let value else { return out.append(contentsOf: null) }
        out.append(0x22)
        value.appendISO8601(to: &out)
        out.append(0x22)
    }

    static func appendJSON(_ value: Duration3?, to out: inout [UInt8]) {
        if let value { value.appendSeconds3(to: &out) } else { out.append(contentsOf: null) }
    }

    /// The keys of a leg object, in order: one list for ``legRecord(_:)`` and ``appendLegsJSON(_:to:)``.
    private static let legFieldNames = ["id", "status", "start", "answered", "destination", "answered_at", "ended_at", "agent", "talk_s"]

    /// ``legFieldNames`` as JSON, each after its `{` or `,`.
    private static let legKeys: [[UInt8]] = legFieldNames
        .enumerated().map { [UInt8(ascii: $0.offset == 0 ? "{" : ",")] + jsonKey($0.element) }

    /// `legs` as JSON, written straight from the legs: the bytes of `.array(legs.map(legRecord))`.
    static func appendLegsJSON(_ legs: [CallLeg], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        let keys = legKeys
        for (i, leg) in legs.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: keys[0]); JSONWriter.appendString(leg.id, to: &out)
            out.append(contentsOf: keys[1]); JSONWriter.appendString(leg.status, to: &out)
            out.append(contentsOf: keys[2]); appendJSON(leg.start, to: &out)
            out.append(contentsOf: keys[3]); out.append(contentsOf: leg.answered ? CallRecord.true : CallRecord.false)
            out.append(contentsOf: keys[4]); appendJSON(leg.destination, to: &out)
            out.append(contentsOf: keys[5]); appendJSON(leg.answeredAt, to: &out)
            out.append(contentsOf: keys[6]); appendJSON(leg.endedAt, to: &out)
            out.append(contentsOf: keys[7]); appendJSON(leg.agent, to: &out)
            out.append(contentsOf: keys[8]); appendJSON(leg.talkNanoseconds.map(Duration3.init), to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
    }

    static func legRecord(_ leg: CallLeg) -> FieldValue {
        let values: [FieldValue] = [
            .string(leg.id), .string(leg.status), .time(leg.start), .bool(leg.answered), .string(leg.destination),
            leg.answeredAt.map(FieldValue.time) ?? .null, leg.endedAt.map(FieldValue.time) ?? .null, .string(leg.agent),
            leg.talkNanoseconds.map { .seconds(Duration3(nanoseconds: $0)) } ?? .null,
        ]
        return .object(Array(zip(legFieldNames, values)))
    }

    static func mediaRecord(_ offer: MediaOffer) -> FieldValue {
        .object([
            ("time", .time(offer.time)),
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
    }

    private static func lost(_ call: Call, _ party: CallParty) -> FieldValue {
        call.rtpQuality(sentBy: party).map { .integer($0.lost) } ?? .null
    }

    private static func jitter(_ call: Call, _ party: CallParty) -> FieldValue {
        call.rtpQuality(sentBy: party).map { .decimal(KPIRendering.format($0.meanJitterMilliseconds, 3)) } ?? .null
    }

    private static func mos(_ call: Call, _ party: CallParty) -> FieldValue {
        call.rtpQuality(sentBy: party)?.mos.map { .decimal(KPIRendering.format($0, 2)) } ?? .null
    }

    private static func seconds(_ nanoseconds: Int64?) -> FieldValue {
        nanoseconds.map { .seconds(Duration3(nanoseconds: $0)) } ?? .null
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

