import CallModel
import CallStore

/// How a `Call` maps to a `calls` row and `legs` rows (JSONEachRow for inserts, TabSeparated
/// for reads), column for column as the SQLite store's `CallRow` (docs/store.md "Schema").
enum ClickHouseRows {
    /// The columns read back, in the order ``call(from:)`` reads them.
    static let callColumns = [
        "natural_key", "version", "call_id", "source", "caller", "dialed", "diverted_from", "outcome", "final_status",
        "reason_cause", "pdd_ms", "ended_by", "packets", "retransmissions", "truncated", "transport", "agent", "queue",
        "direction", "format", "media", "start_ns", "answered_at_ns", "ended_at_ns", "hold_ns", "wait_ns",
        "system_answered_at_ns", "ivr_ns", "transfers",
    ] + attributionColumns
    /// The visit-attribution columns (schema v3), in the order ``attribution(from:at:)`` reads them.
    static let attributionColumns = [
        "attribution", "attribution_owner", "visitor_id", "utm_source", "utm_medium", "utm_campaign", "keyword", "landing_page", "click_id", "ambiguous",
    ]
    static let legColumns = ["natural_key", "version", "seq", "id", "status", "answered", "destination", "leg_start_ns", "answered_at_ns", "ended_at_ns", "agent", "talk_ns"]

    /// One JSONEachRow line of `calls`.
    static func appendCall(_ call: Call, key: String, version: UInt64, hash: Int64, media: String?, file: String, to out: inout [UInt8]) {
        var o = JSONObject()
        o.add("natural_key", key); o.add("version", version); o.add("call_id", call.callID); o.add("source", call.source)
        o.add("caller", call.caller); o.add("dialed", call.dialed); o.add("diverted_from", call.divertedFrom)
        o.add("outcome", call.outcome.rawValue); o.add("final_status", call.finalStatus.map(Int64.init))
        o.add("reason_cause", call.reasonCause.map(Int64.init)); o.add("pdd_ms", call.pddMilliseconds)
        o.add("ended_by", call.endedBy?.rawValue); o.add("packets", Int64(call.packets)); o.add("retransmissions", Int64(call.retransmissions))
        o.add("truncated", Int64(call.truncated ? 1 : 0)); o.add("transport", call.transport); o.add("agent", call.agent)
        o.add("queue", call.queue); o.add("direction", call.direction?.rawValue); o.add("format", call.format); o.add("media", media)
        o.add("start_ns", call.start.nanoseconds); o.add("answered_at_ns", call.answeredAt?.nanoseconds)
        o.add("ended_at_ns", call.endedAt?.nanoseconds); o.add("hold_ns", call.holdNanoseconds); o.add("wait_ns", call.waitNanoseconds)
        o.add("system_answered_at_ns", call.systemAnsweredAt?.nanoseconds); o.add("ivr_ns", call.ivrNanoseconds)
        o.add("transfers", Int64(call.transfers)); o.add("content_hash", hash); o.add("file", file)
        let a = call.attribution
        o.add("attribution", a?.kind.rawValue); o.add("attribution_owner", a?.owner); o.add("visitor_id", a?.visitorID)
        o.add("utm_source", a?.source); o.add("utm_medium", a?.medium); o.add("utm_campaign", a?.campaign); o.add("keyword", a?.keyword)
        o.add("landing_page", a?.landingPage); o.add("click_id", a?.clickID); o.add("ambiguous", Int64(a?.ambiguous == true ? 1 : 0))
        o.finish(into: &out)
    }

    /// The JSONEachRow lines of the legs of `call`.
    static func appendLegs(_ call: Call, key: String, version: UInt64, to out: inout [UInt8]) {
        for (seq, leg) in call.legs.enumerated() {
            var o = JSONObject()
            o.add("natural_key", key); o.add("version", version); o.add("start_ns", call.start.nanoseconds); o.add("seq", Int64(seq))
            o.add("id", leg.id); o.add("status", leg.status); o.add("answered", Int64(leg.answered ? 1 : 0)); o.add("destination", leg.destination)
            o.add("leg_start_ns", leg.start.nanoseconds); o.add("answered_at_ns", leg.answeredAt?.nanoseconds)
            o.add("ended_at_ns", leg.endedAt?.nanoseconds); o.add("agent", leg.agent); o.add("talk_ns", leg.talkNanoseconds)
            o.finish(into: &out)
        }
    }

    static let messageColumns = ["natural_key", "version", "seq", "time_ns", "source", "destination", "transport", "label", "cseq", "cseq_method", "first_line"]

    /// The JSONEachRow lines of the SIP message summaries of `call`.
    static func appendMessages(_ call: Call, key: String, version: UInt64, to out: inout [UInt8]) {
        for (seq, message) in call.messages.enumerated() {
            var o = JSONObject()
            o.add("natural_key", key); o.add("version", version); o.add("start_ns", call.start.nanoseconds); o.add("seq", Int64(seq))
            o.add("time_ns", message.time.nanoseconds); o.add("source", message.source); o.add("destination", message.destination)
            o.add("transport", message.transport); o.add("label", message.label); o.add("cseq", Int64(message.cseqNumber))
            o.add("cseq_method", message.cseqMethod); o.add("first_line", message.firstLine)
            o.finish(into: &out)
        }
    }

    /// A message from a row of ``messageColumns``.
    static func message(from r: TabSeparatedRow) -> SIPMessageSummary {
        SIPMessageSummary(
            time: Timestamp(nanoseconds: r.int64(3)), source: r.string(4), destination: r.string(5), transport: r.string(6),
            label: r.string(7), cseqNumber: UInt32(clamping: r.int64(8)), cseqMethod: r.string(9), firstLine: r.string(10))
    }

    /// A call (without legs) from a row of ``callColumns``.
    static func call(from r: TabSeparatedRow) -> Call {
        var call = Call(
            callID: r.string(2), source: r.string(3), transport: r[15],
            start: Timestamp(nanoseconds: r.int64(21)),
            caller: r[4], dialed: r[5], divertedFrom: r[6],
            outcome: CallOutcome(rawValue: r.string(7)) ?? .unknown,
            finalStatus: r.intOrNil(8), reasonCause: r.intOrNil(9), pddMilliseconds: r.int64OrNil(10),
            answeredAt: r.int64OrNil(22).map(Timestamp.init(nanoseconds:)),
            endedAt: r.int64OrNil(23).map(Timestamp.init(nanoseconds:)),
            holdNanoseconds: r.int64(24),
            endedBy: r[11].flatMap(CallParty.init(rawValue:)),
            agent: r[16], queue: r[17], waitNanoseconds: r.int64OrNil(25),
            direction: r[18].flatMap(CallDirection.init(rawValue:)),
            format: r.string(19), packets: r.int(12), retransmissions: r.int(13), truncated: r.bool(14),
            legs: [], media: r[20].flatMap(MediaJSON.decode) ?? []
        )
        call.systemAnsweredAt = r.int64OrNil(26).map(Timestamp.init(nanoseconds:))
        call.ivrNanoseconds = r.int64OrNil(27)
        call.transfers = r.int(28)
        call.attribution = attribution(from: r, at: 29)
        return call
    }

    /// The visit attribution in the ``attributionColumns`` starting at column `first`; nil without one.
    static func attribution(from r: TabSeparatedRow, at first: Int) -> VisitAttribution? {
        guard let kind = r[first].flatMap(VisitAttribution.Kind.init(rawValue:)) else { return nil }
        return VisitAttribution(kind: kind, owner: r[first + 1], visitorID: r[first + 2], source: r[first + 3], medium: r[first + 4],
                                campaign: r[first + 5], keyword: r[first + 6], landingPage: r[first + 7], clickID: r[first + 8], ambiguous: r.bool(first + 9))
    }

    /// A leg from a row of ``legColumns``.
    static func leg(from r: TabSeparatedRow) -> CallLeg {
        CallLeg(
            id: r.string(3), status: r.string(4), start: Timestamp(nanoseconds: r.int64(7)), answered: r.bool(5),
            destination: r[6],
            answeredAt: r.int64OrNil(8).map(Timestamp.init(nanoseconds:)),
            endedAt: r.int64OrNil(9).map(Timestamp.init(nanoseconds:)),
            agent: r[10], talkNanoseconds: r.int64OrNil(11)
        )
    }
}

/// One JSON object written field by field (RFC 8259), strings escaped as the SQLite store's `media` column is.
struct JSONObject {
    private var text = "{"

    mutating func add(_ name: String, _ value: String?) {
        key(name)
        text += value.map(MediaJSON.string) ?? "null"
    }

    mutating func add(_ name: String, _ value: Int64?) {
        key(name)
        text += value.map { String($0) } ?? "null"
    }

    mutating func add(_ name: String, _ value: UInt64) {
        key(name)
        text += String(value)
    }

    private mutating func key(_ name: String) {
        if text.utf8.count > 1 { text += "," }
        text += "\"\(name)\":"
    }

    mutating func finish(into out: inout [UInt8]) {
        text += "}\n"
        out.append(contentsOf: text.utf8)
    }
}
