import CallModel
import Foundation
import GRDB

/// How a `Call` maps to a row of `calls` and rows of `legs` (docs/store.md "Schema").
///
/// Only the stored columns are written; the ISO times, the seconds and the natural key are
/// virtual generated columns computed by SQLite from the nanosecond columns.
package enum CallRow {
    /// Stored columns of `calls`, in the order `bind(_:into:)` writes them and `call(from:)` reads them (after `id`).
    static let columns = [
        "call_id", "source", "caller", "dialed", "diverted_from", "outcome", "final_status", "reason_cause",
        "pdd_ms", "ended_by", "packets", "retransmissions", "truncated", "transport", "agent", "queue",
        "direction", "format", "media", "start_ns", "answered_at_ns", "ended_at_ns", "hold_ns", "wait_ns",
        "system_answered_at_ns", "ivr_ns", "transfers",
        "attribution", "attribution_owner", "visitor_id", "utm_source", "utm_medium", "utm_campaign", "keyword", "landing_page",
        "click_id", "ambiguous",
        "content_hash", "file",
    ]

    static let insertSQL = "INSERT INTO calls (\(columns.joined(separator: ", "))) VALUES (\(placeholders(columns.count))) ON CONFLICT (natural_key) DO NOTHING"
    static let updateSQL = "UPDATE calls SET \(columns.map { "\($0) = ?" }.joined(separator: ", ")) WHERE id = ?"
    static let selectColumns = "c.id, " + columns.dropLast(2).map { "c.\($0)" }.joined(separator: ", ")

    static let legColumns = ["call", "seq", "id", "status", "answered", "destination", "start_ns", "answered_at_ns", "ended_at_ns", "agent", "talk_ns"]
    static let legInsertSQL = "INSERT INTO legs (\(legColumns.joined(separator: ", "))) VALUES (\(placeholders(legColumns.count)))"
    static let selectLegColumns = legColumns.enumerated().filter { $0.offset != 1 }.map { "l.\($0.element)" }.joined(separator: ", ")

    static let messageColumns = ["call", "seq", "time_ns", "source", "destination", "transport", "label", "cseq", "cseq_method", "first_line"]
    static let messageInsertSQL = "INSERT INTO messages (\(messageColumns.joined(separator: ", "))) VALUES (\(placeholders(messageColumns.count)))"
    static let selectMessageColumns = messageColumns.enumerated().filter { $0.offset != 1 }.map { "m.\($0.element)" }.joined(separator: ", ")

    private static func placeholders(_ n: Int) -> String { Array(repeating: "?", count: n).joined(separator: ", ") }

    /// The natural key: one stored call per key (docs/store.md "Natural keys"); the same text as
    /// the generated column `natural_key`.
    ///
    /// CDR formats: `<format>:<call_id>` (the CDR readers put linkedid/uniqueid, the CUCM global
    /// call id or the FreeSWITCH uuid in `call_id`). Captures: `sip:<Call-ID>@<start>` with the
    /// start in ISO-8601 milliseconds, since a Call-ID may be reused and pcap/pcap-ns copies of
    /// the same traffic differ below the millisecond.
    package static func naturalKey(_ call: Call) -> String {
        call.format == "pcap" ? "sip:\(call.callID)@\(call.start.iso8601)" : "\(call.format):\(call.callID)"
    }

    static func bind(_ call: Call, media: String?, hash: Int64, file: Int64, into b: inout Binder) {
        b.bind(call.callID); b.bind(call.source); b.bind(call.caller); b.bind(call.dialed); b.bind(call.divertedFrom)
        b.bind(call.outcome.rawValue); b.bind(call.finalStatus); b.bind(call.reasonCause); b.bind(call.pddMilliseconds)
        b.bind(call.endedBy?.rawValue); b.bind(call.packets); b.bind(call.retransmissions); b.bind(call.truncated)
        b.bind(call.transport); b.bind(call.agent); b.bind(call.queue); b.bind(call.direction?.rawValue)
        b.bind(call.format); b.bind(media); b.bind(call.start.nanoseconds); b.bind(call.answeredAt?.nanoseconds)
        b.bind(call.endedAt?.nanoseconds); b.bind(call.holdNanoseconds); b.bind(call.waitNanoseconds)
        b.bind(call.systemAnsweredAt?.nanoseconds); b.bind(call.ivrNanoseconds); b.bind(call.transfers)
        let a = call.attribution
        b.bind(a?.kind.rawValue); b.bind(a?.owner); b.bind(a?.visitorID); b.bind(a?.source); b.bind(a?.medium)
        b.bind(a?.campaign); b.bind(a?.keyword); b.bind(a?.landingPage); b.bind(a?.clickID); b.bind(a?.ambiguous ?? false)
        b.bind(hash); b.bind(file)
    }

    static func bind(_ leg: CallLeg, call: Int64, seq: Int, into b: inout Binder) {
        b.bind(call); b.bind(seq); b.bind(leg.id); b.bind(leg.status); b.bind(leg.answered); b.bind(leg.destination)
        b.bind(leg.start.nanoseconds); b.bind(leg.answeredAt?.nanoseconds); b.bind(leg.endedAt?.nanoseconds)
        b.bind(leg.agent); b.bind(leg.talkNanoseconds)
    }

    static func bind(_ message: SIPMessageSummary, call: Int64, seq: Int, into b: inout Binder) {
        b.bind(call); b.bind(seq); b.bind(message.time.nanoseconds); b.bind(message.source); b.bind(message.destination)
        b.bind(message.transport); b.bind(message.label); b.bind(Int64(message.cseqNumber)); b.bind(message.cseqMethod)
        b.bind(message.firstLine)
    }

    /// Reads a message from a row of `selectMessageColumns` (after the call's id).
    static func message(from c: Columns) -> SIPMessageSummary {
        SIPMessageSummary(
            time: Timestamp(nanoseconds: c.int64(1)), source: c.string(2), destination: c.string(3), transport: c.string(4),
            label: c.string(5), cseqNumber: UInt32(clamping: c.int64(6)), cseqMethod: c.string(7), firstLine: c.string(8))
    }

    /// Reads a call (without legs) from a row of `selectColumns`.
    static func call(from c: Columns) -> Call {
        let media: [MediaOffer] = c.stringOrNil(19).flatMap(MediaJSON.decode) ?? []
        var call = Call(
            callID: c.string(1), source: c.string(2), transport: c.stringOrNil(14),
            start: Timestamp(nanoseconds: c.int64(20)),
            caller: c.stringOrNil(3), dialed: c.stringOrNil(4), divertedFrom: c.stringOrNil(5),
            outcome: CallOutcome(rawValue: c.string(6)) ?? .unknown,
            finalStatus: c.intOrNil(7), reasonCause: c.intOrNil(8), pddMilliseconds: c.int64OrNil(9),
            answeredAt: c.int64OrNil(21).map(Timestamp.init(nanoseconds:)),
            endedAt: c.int64OrNil(22).map(Timestamp.init(nanoseconds:)),
            holdNanoseconds: c.int64(23),
            endedBy: c.stringOrNil(10).flatMap(CallParty.init(rawValue:)),
            agent: c.stringOrNil(15), queue: c.stringOrNil(16), waitNanoseconds: c.int64OrNil(24),
            direction: c.stringOrNil(17).flatMap(CallDirection.init(rawValue:)),
            format: c.string(18), packets: c.int(11), retransmissions: c.int(12), truncated: c.bool(13),
            legs: [], media: media
        )
        call.systemAnsweredAt = c.int64OrNil(25).map(Timestamp.init(nanoseconds:))
        call.ivrNanoseconds = c.int64OrNil(26)
        call.transfers = c.int(27)
        if let kind = c.stringOrNil(28).flatMap(VisitAttribution.Kind.init(rawValue:)) {
            call.attribution = VisitAttribution(
                kind: kind, owner: c.stringOrNil(29), visitorID: c.stringOrNil(30), source: c.stringOrNil(31), medium: c.stringOrNil(32),
                campaign: c.stringOrNil(33), keyword: c.stringOrNil(34), landingPage: c.stringOrNil(35), clickID: c.stringOrNil(36),
                ambiguous: c.bool(37))
        }
        return call
    }

    /// Reads a leg from a row of `selectLegColumns` (column 0 is the call's id).
    static func leg(from c: Columns) -> CallLeg {
        CallLeg(
            id: c.string(1), status: c.string(2), start: Timestamp(nanoseconds: c.int64(5)), answered: c.bool(3),
            destination: c.stringOrNil(4),
            answeredAt: c.int64OrNil(6).map(Timestamp.init(nanoseconds:)),
            endedAt: c.int64OrNil(7).map(Timestamp.init(nanoseconds:)),
            agent: c.stringOrNil(8), talkNanoseconds: c.int64OrNil(9)
        )
    }
}

/// A 64-bit FNV-1a hash of everything stored about a call except its `source`, used to tell an
/// unchanged call from an updated one without reading it back (docs/store.md "Idempotency").
package struct ContentHash {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    package static func of(_ call: Call, media: String?) -> Int64 {
        var h = ContentHash()
        h.add(call.callID); h.add(call.start.nanoseconds); h.add(call.caller); h.add(call.dialed)
        h.add(call.divertedFrom); h.add(call.outcome.rawValue); h.add(call.finalStatus.map(Int64.init))
        h.add(call.reasonCause.map(Int64.init)); h.add(call.pddMilliseconds); h.add(call.answeredAt?.nanoseconds)
        h.add(call.endedAt?.nanoseconds); h.add(call.holdNanoseconds); h.add(call.endedBy?.rawValue)
        h.add(Int64(call.packets)); h.add(Int64(call.retransmissions)); h.add(call.truncated ? 1 : 0)
        h.add(call.transport); h.add(call.agent); h.add(call.queue); h.add(call.waitNanoseconds)
        h.add(call.direction?.rawValue); h.add(call.format); h.add(media)
        h.add(call.systemAnsweredAt?.nanoseconds); h.add(call.ivrNanoseconds); h.add(Int64(call.transfers))
        if let a = call.attribution {
            h.add(a.kind.rawValue); h.add(a.owner); h.add(a.visitorID); h.add(a.source); h.add(a.medium); h.add(a.campaign)
            h.add(a.keyword); h.add(a.landingPage); h.add(a.clickID); h.add(a.ambiguous ? 1 : 0)
        }
        h.add(Int64(call.legs.count))
        // Only when there are messages: CDR calls keep the hash they had before messages were stored.
        if !call.messages.isEmpty { h.add(Int64(call.messages.count)) }
        for leg in call.legs {
            h.add(leg.id); h.add(leg.status); h.add(leg.start.nanoseconds); h.add(leg.answered ? 1 : 0)
            h.add(leg.destination); h.add(leg.answeredAt?.nanoseconds); h.add(leg.endedAt?.nanoseconds)
            h.add(leg.agent); h.add(leg.talkNanoseconds)
        }
        return Int64(bitPattern: h.value)
    }

    @inline(__always) mutating func byte(_ b: UInt8) {
        value = (value ^ UInt64(b)) &* 0x0000_0100_0000_01b3
    }

    mutating func add(_ v: Int64?) {
        guard let v else { byte(0); return }
        byte(1)
        var x = UInt64(bitPattern: v)
        for _ in 0..<8 { byte(UInt8(truncatingIfNeeded: x)); x >>= 8 }
    }

    mutating func add(_ s: String?) {
        guard var s else { byte(0); return }
        byte(2)
        s.withUTF8 { for b in $0 { byte(b) } }
        byte(0xFF)  // UTF-8 never holds 0xFF: a separator that cannot be forged
    }
}

/// The `media` column: the README's json/ndjson `media` array as JSON text (NULL when empty),
/// so that `sqlite3` users can `json_extract` it.
package enum MediaJSON {
    package static func encode(_ offers: [MediaOffer]) -> String? {
        guard !offers.isEmpty else { return nil }
        var out = "["
        for (i, offer) in offers.enumerated() {
            if i > 0 { out += "," }
            out += "{\"time\":\(string(offer.time.iso8601)),\"time_ns\":\(offer.time.nanoseconds),\"from\":\(string(offer.from.rawValue)),\"message\":\(string(offer.carriedBy)),\"streams\":["
            for (j, stream) in offer.streams.enumerated() {
                if j > 0 { out += "," }
                out += "{\"media\":\(string(stream.media)),\"address\":\(stream.address.map(string) ?? "null"),\"port\":\(stream.port),\"proto\":\(string(stream.proto)),\"payload_types\":[\(stream.payloadTypes.map(String.init).joined(separator: ","))],\"encodings\":{"
                out += stream.encodings.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\(string($0.value))" }.joined(separator: ",")
                out += "},\"direction\":\(string(stream.direction.rawValue))}"
            }
            out += "]}"
        }
        return out + "]"
    }

    package static func decode(_ text: String) -> [MediaOffer]? {
        guard let array = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] else { return nil }
        return array.compactMap { object in
            guard let time = (object["time_ns"] as? NSNumber)?.int64Value,
                  let from = (object["from"] as? String).flatMap(CallParty.init(rawValue:)),
                  let message = object["message"] as? String,
                  let streams = object["streams"] as? [[String: Any]] else { return nil }
            return MediaOffer(time: Timestamp(nanoseconds: time), from: from, carriedBy: message, streams: streams.compactMap { s in
                guard let media = s["media"] as? String, let port = (s["port"] as? NSNumber)?.intValue,
                      let proto = s["proto"] as? String,
                      let direction = (s["direction"] as? String).flatMap(MediaDirection.init(rawValue:)) else { return nil }
                let payloadTypes = (s["payload_types"] as? [NSNumber])?.map(\.intValue) ?? []
                var encodings: [Int: String] = [:]
                for (key, value) in s["encodings"] as? [String: Any] ?? [:] {
                    if let pt = Int(key), let name = value as? String { encodings[pt] = name }
                }
                return MediaStream(media: media, address: s["address"] as? String, port: port, proto: proto,
                                   payloadTypes: payloadTypes, encodings: encodings, direction: direction)
            })
        }
    }

    /// A JSON string literal (RFC 8259 §7).
    package static func string(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
