import CallModel
import Foundation

/// Reads FreeSWITCH mod_json_cdr documents: one JSON object per call leg, whose `variables`
/// object holds the leg's channel variables as strings (FreeSWITCH mod_json_cdr,
/// docs/cdr-formats.md "FreeSWITCH").
///
/// A file may hold one document (mod_json_cdr's own output, often pretty-printed), several
/// documents concatenated or one per line, or a JSON array of documents. Documents are few and
/// small, so each is decoded with Foundation's `JSONSerialization`.
///
/// - Legs: a document whose uuid equals another's `bridge_uuid` / `last_bridge_to`, or whose
///   `originating_leg_uuid` is another's uuid, is that call's B-leg; documents with the same
///   uuid are one leg. `call_id` = the A-leg uuid.
/// - Times: `*_uepoch` (µs) when present, else `*_epoch` (s), else the `*_stamp` wall-clock
///   value in `--timezone`. Zero means "never".
/// - `caller` / `dialed`: `caller_id_number` / `destination_number` from `variables`, else
///   from the first dialplan profile of `callflow` (the number first dialled), else
///   `sip_from_user` / `sip_req_user`.
/// - Answered when `billsec > 0`; `answered_at` = `cc_queue_answered_epoch` for a queued call
///   (when the agent answered, not when mod_callcenter picked the caller up), else the
///   answering leg's `answer_*epoch`.
/// - `queue` = `cc_queue`, `agent` = `cc_agent` (else the answered B-leg's destination).
/// - `wait_s` = `cc_queue_answered_epoch - cc_queue_joined_epoch` when queued and answered,
///   `cc_queue_canceled_epoch - cc_queue_joined_epoch` when queued and given up; otherwise
///   `waitusec`/`waitsec` for an answered leg, and "Common" (end - start) for an unanswered one
///   (FreeSWITCH writes `waitsec` 0 when nothing answered).
/// - `ended_by` from `sip_hangup_disposition`: `recv_bye`/`recv_cancel` is the far side of the
///   leg, `send_bye`/`send_cancel` this side; on an inbound leg the far side is the caller, on
///   an outbound leg the callee; other dispositions (`send_refuse`) leave it null.
/// - Unanswered outcome from `hangup_cause`; `reason_cause` = `hangup_cause_q850` (else the
///   cause's Q.850 value).
///
/// Bad records: text that is not JSON, a document without a `variables` object, without a
/// uuid or without a start time, times out of order or not fitting `duration` in any
/// reading of the repeated hour (`CDRRowTimes`).
public struct FreeSWITCHJSONReader: CDRReader {
    public static let format = CDRFormat.freeswitchJSON

    public init() {}

    /// A JSON object or array naming `"variables"` scores 60; with mod_json_cdr's other
    /// top-level keys (`core-uuid`, `channel_data`, `callflow`) 95.
    public static func detect(_ sample: CDRSample) -> Int {
        guard let first = sample.bytes.first(where: { !isJSONSpace($0) }),
              first == UInt8(ascii: "{") || first == UInt8(ascii: "[") else { return 0 }
        guard contains(sample.bytes, "\"variables\"") else { return 0 }
        if contains(sample.bytes, "\"core-uuid\"") || contains(sample.bytes, "\"channel_data\"") || contains(sample.bytes, "\"callflow\"") {
            return 95
        }
        return 60
    }

    /// One document that parsed.
    struct Leg {
        var line: Int
        var uuid: String
        var bridgedTo: [String]
        var originatingLeg: String?
        var outbound: Bool
        var caller: String?
        var dialed: String?
        var start: Timestamp
        var answer: Timestamp?
        var end: Timestamp?
        var billsec: Int64
        var waitNanoseconds: Int64?
        var hangupCause: String
        var q850: Int?
        var disposition: String?
        var queue: String?
        var agent: String?
        var queueJoined: Timestamp?
        var queueAnswered: Timestamp?
        var queueCanceled: Timestamp?
    }

    public func read(_ bytes: UnsafeRawBufferPointer, context: inout CDRContext) throws(CDRError) -> CDRReadResult {
        var legs: [Leg] = []
        for chunk in Self.documents(bytes) {
            switch chunk {
            case .garbage(let line, let text):
                context.countRow()
                try context.badRow(line: line, "not a JSON document: '\(text)'")
            case .unterminated(let line):
                context.countRow()
                try context.badRow(line: line, "JSON document not terminated")
            case .document(let line, let range):
                let data = Data(UnsafeRawBufferPointer(rebasing: bytes[range]))
                let object: Any
                do {
                    object = try JSONSerialization.jsonObject(with: data, options: [])
                } catch {
                    context.countRow()
                    try context.badRow(line: line, "invalid JSON: \(Self.describe(error))")
                    continue
                }
                let documents: [Any] = (object as? [Any]) ?? [object]
                for document in documents {
                    context.countRow()
                    switch leg(document, line: line, context: &context) {
                    case .success(let leg): legs.append(leg)
                    case .failure(let reason): try context.badRow(line: line, reason.text)
                    }
                }
            }
        }
        return CDRReadResult(calls: Self.calls(legs, source: context.input.name))
    }

    struct Reason: Error { var text: String }

    /// Maps one mod_json_cdr document to a leg.
    func leg(_ document: Any, line: Int, context: inout CDRContext) -> Result<Leg, Reason> {
        guard let doc = document as? [String: Any] else { return .failure(Reason(text: "JSON value is not an object")) }
        guard let variables = doc["variables"] as? [String: Any] else {
            return .failure(Reason(text: "no \"variables\" object (not a mod_json_cdr document)"))
        }
        func text(_ key: String) -> String? {
            let value: String?
            switch variables[key] {
            case let s as String: value = s
            case let n as NSNumber: value = n.stringValue
            default: value = nil
            }
            guard let value, !value.isEmpty else { return nil }
            return value
        }
        func integer(_ key: String) -> Int64? { text(key).flatMap { Int64(PBXCallAssembly.trim($0)) } }
        /// A time and how the reader names it in messages (`end_stamp '…'`).
        func time(_ base: String) -> (instants: LocalInstants, label: String)? {
            if let us = integer("\(base)_uepoch") {
                return us > 0 ? PBXCallAssembly.instant(microseconds: us).map { (LocalInstants($0), "\(base)_uepoch '\(us)'") } : nil
            }
            if let s = integer("\(base)_epoch") {
                return s > 0 ? PBXCallAssembly.instant(seconds: s).map { (LocalInstants($0), "\(base)_epoch '\(s)'") } : nil
            }
            if let stamp = text("\(base)_stamp") {
                let utf8 = Array(stamp.utf8)
                let civil = utf8.withUnsafeBytes { CivilDateTime.parseISO($0, 0..<$0.count) }
                if let civil { return (context.localTime.instants(civil), "\(base)_stamp '\(stamp)'") }
            }
            return nil
        }
        func epoch(_ key: String) -> Timestamp? { integer(key).flatMap { $0 > 0 ? PBXCallAssembly.instant(seconds: $0) : nil } }

        // The first dialplan profile (lowest profile_index) holds the number first dialled.
        var profile: [String: Any]?
        if let callflow = doc["callflow"] as? [[String: Any]] {
            var best: Int?
            for entry in callflow {
                guard let p = entry["caller_profile"] as? [String: Any] else { continue }
                let index = (entry["profile_index"] as? String).flatMap { Int($0) } ?? Int.max
                if best.map({ index < $0 }) ?? true { best = index; profile = p }
            }
        } else if let callflow = doc["callflow"] as? [String: Any] {
            profile = callflow["caller_profile"] as? [String: Any]
        }
        func profileText(_ key: String) -> String? {
            guard let s = profile?[key] as? String, !s.isEmpty else { return nil }
            return s
        }

        guard let uuid = text("uuid") ?? text("call_uuid") ?? profileText("uuid") else {
            return .failure(Reason(text: "no uuid in variables"))
        }
        guard let starts = time("start") ?? time("profile_start") else {
            return .failure(Reason(text: "no start time (start_uepoch, start_epoch or start_stamp) for leg \(uuid)"))
        }
        let answers = time("answer"), ends = time("end")
        // The times read so that they fit duration and billsec (README "Time zones"); a leg
        // without an end keeps none.
        let start: Timestamp, answer: Timestamp?, end: Timestamp?
        let stated = ends == nil ? (duration: nil, billsec: nil) : (duration: integer("duration"), billsec: integer("billsec"))
        switch CDRRowTimes.resolve(start: starts.instants, answer: answers?.instants, end: ends?.instants, duration: stated.duration, billsec: stated.billsec) {
        case .success(let times): (start, answer, end) = (times.start, times.answer, times.end)
        case .failure(let problem):
            return .failure(Reason(text: "leg \(uuid): " + problem.message(start: starts.label, answer: answers?.label, end: ends?.label)))
        }
        let billsec = integer("billsec") ?? answer.flatMap { a in end.map { max(0, a.distance(to: $0) / 1_000_000_000) } } ?? 0
        var wait: Int64?
        if let us = integer("waitusec") { wait = PBXCallAssembly.instant(microseconds: us)?.nanoseconds }
        else if let s = integer("waitsec") { wait = PBXCallAssembly.nanoseconds(seconds: s) }
        let direction = text("direction") ?? (doc["channel_data"] as? [String: Any])?["direction"] as? String
        let cause = text("hangup_cause") ?? ""
        let bridged = [text("bridge_uuid"), text("last_bridge_to"), text("signal_bond")].compactMap { $0 }
        return .success(Leg(
            line: line, uuid: uuid, bridgedTo: bridged, originatingLeg: text("originating_leg_uuid"),
            outbound: direction?.lowercased() == "outbound",
            caller: text("caller_id_number") ?? profileText("caller_id_number") ?? text("sip_from_user"),
            dialed: text("destination_number") ?? profileText("destination_number") ?? text("sip_req_user"),
            start: start, answer: answer, end: end, billsec: billsec, waitNanoseconds: wait,
            hangupCause: cause, q850: integer("hangup_cause_q850").map { Int($0) } ?? FreeSWITCHOutcome.q850(cause: cause),
            disposition: text("sip_hangup_disposition"), queue: text("cc_queue"), agent: text("cc_agent"),
            queueJoined: epoch("cc_queue_joined_epoch"), queueAnswered: epoch("cc_queue_answered_epoch"),
            queueCanceled: epoch("cc_queue_canceled_epoch")
        ))
    }

    /// Merges legs into calls.
    static func calls(_ legs: [Leg], source: String) -> [Call] {
        var grouper = FreeSWITCHLegGrouper()
        for leg in legs { grouper.add(leg.uuid) }
        var bLegs = Set<String>()
        for leg in legs {
            for b in leg.bridgedTo where b != leg.uuid && grouper.contains(b) && !bLegs.contains(leg.uuid) {
                // The outbound side of a bridge is the B-leg; with no direction, the first written.
                let other = legs.first { $0.uuid == b }
                if other?.outbound == true || !leg.outbound {
                    grouper.link(aLeg: leg.uuid, bLeg: b); bLegs.insert(b)
                }
            }
            if let a = leg.originatingLeg, a != leg.uuid, grouper.contains(a) {
                grouper.link(aLeg: a, bLeg: leg.uuid); bLegs.insert(leg.uuid)
            }
        }
        return grouper.groups(legs.map(\.uuid)).map { call(legs: $0.map { legs[$0] }, bLegs: bLegs, source: source) }
    }

    private static func call(legs: [Leg], bLegs: Set<String>, source: String) -> Call {
        let aLegs = legs.filter { !bLegs.contains($0.uuid) }
        let primary = (aLegs.isEmpty ? legs : aLegs).min { $0.start < $1.start } ?? legs[0]
        let start = legs.map(\.start).min() ?? primary.start
        let end = legs.compactMap(\.end).max()
        let answeredLegs = legs.filter { $0.billsec > 0 }
        let answeredB = answeredLegs.filter { bLegs.contains($0.uuid) }
        var answering: Leg?
        for leg in (answeredB.isEmpty ? answeredLegs : answeredB) where answering.map({ leg.billsec > $0.billsec }) ?? true {
            answering = leg
        }
        // A queued call is answered when the agent answered (cc_queue_answered_epoch), not when
        // mod_callcenter answered the caller ("Common": answered_at).
        let queueAnswer = legs.lazy.compactMap(\.queueAnswered).first
        let answeredAt = answering.map { leg in
            queueAnswer ?? leg.answer ?? leg.end.map { PBXCallAssembly.minus($0, seconds: leg.billsec) } ?? leg.start
        }
        let outcome: CallOutcome
        let cause: Int?
        if answering != nil {
            outcome = .answered
            cause = primary.q850
        } else {
            outcome = FreeSWITCHOutcome.unanswered(cause: primary.hangupCause).outcome
            cause = primary.q850
        }
        // Queue figures win; then the answering leg's own waitsec; then "Common".
        let queued = legs.first { $0.queueJoined != nil }
        var wait: Int64?
        if let joined = queued?.queueJoined {
            if let answered = queued?.queueAnswered { wait = max(0, joined.distance(to: answered)) }
            else if let canceled = queued?.queueCanceled { wait = max(0, joined.distance(to: canceled)) }
        }
        if wait == nil, let answering { wait = primary.waitNanoseconds ?? answering.waitNanoseconds }
        if wait == nil { wait = PBXCallAssembly.wait(start: start, answeredAt: answeredAt, endedAt: end) }
        let agent = legs.lazy.compactMap(\.agent).first.flatMap(PBXCallAssembly.party)
            ?? answering.flatMap { bLegs.contains($0.uuid) ? PBXCallAssembly.party($0.dialed) : nil }
        var endedBy: CallParty?
        for leg in [primary] + legs where endedBy == nil {
            endedBy = Self.endedBy(disposition: leg.disposition, outbound: leg.outbound)
        }
        return Call(
            callID: primary.uuid, source: source, start: start,
            caller: PBXCallAssembly.party(primary.caller), dialed: PBXCallAssembly.party(primary.dialed),
            outcome: outcome, reasonCause: cause, answeredAt: answeredAt, endedAt: end,
            endedBy: endedBy, agent: agent, queue: legs.lazy.compactMap(\.queue).first,
            waitNanoseconds: wait, format: format.rawValue, packets: legs.count,
            legs: legs.map {
                CallLeg(id: $0.uuid, status: $0.hangupCause, start: $0.start, answered: $0.billsec > 0,
                        destination: $0.dialed, answeredAt: $0.answer, endedAt: $0.end)
            }
        )
    }

    /// `recv_bye` / `recv_cancel`: the far side of the leg ended it; `send_bye` / `send_cancel`:
    /// this side. An inbound leg's far side is the caller; an outbound leg's the callee. Other
    /// dispositions (`send_refuse`, `recv_refuse`...) say who refused, not who hung up: nil.
    static func endedBy(disposition: String?, outbound: Bool) -> CallParty? {
        guard let d = disposition?.lowercased() else { return nil }
        let far: CallParty = outbound ? .callee : .caller
        let near: CallParty = outbound ? .caller : .callee
        switch d {
        case "recv_bye", "recv_cancel": return far
        case "send_bye", "send_cancel": return near
        default: return nil
        }
    }

    // MARK: - Splitting a file into documents

    enum Chunk {
        case document(line: Int, range: Range<Int>)
        case garbage(line: Int, text: String)
        case unterminated(line: Int)
    }

    /// The top-level JSON values of the file (objects or arrays), found by brace depth with
    /// strings and escapes skipped; text between them that is not white space is garbage.
    /// - Complexity: O(n) in the file's bytes.
    static func documents(_ b: UnsafeRawBufferPointer) -> [Chunk] {
        var chunks: [Chunk] = []
        var i = 0, line = 1
        if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { i = 3 }
        while i < b.count {
            let c = b[i]
            if c == 0x0A { line += 1; i += 1; continue }
            if isJSONSpace(c) || c == UInt8(ascii: ",") { i += 1; continue }
            let startLine = line
            if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
                let start = i
                var depth = 0, inString = false, closed = false
                while i < b.count {
                    let d = b[i]
                    if d == 0x0A { line += 1 }
                    if inString {
                        if d == UInt8(ascii: "\\") { i += 2; continue }
                        if d == UInt8(ascii: "\"") { inString = false }
                    } else if d == UInt8(ascii: "\"") {
                        inString = true
                    } else if d == UInt8(ascii: "{") || d == UInt8(ascii: "[") {
                        depth += 1
                    } else if d == UInt8(ascii: "}") || d == UInt8(ascii: "]") {
                        depth -= 1
                        if depth == 0 { i += 1; closed = true; break }
                    }
                    i += 1
                }
                chunks.append(closed ? .document(line: startLine, range: start..<min(i, b.count)) : .unterminated(line: startLine))
            } else {
                let start = i
                while i < b.count, b[i] != 0x0A { i += 1 }
                let text = String(decoding: UnsafeRawBufferPointer(rebasing: b[start..<min(i, start + 40)]), as: UTF8.self)
                chunks.append(.garbage(line: startLine, text: text))
            }
        }
        return chunks
    }

    static func isJSONSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }

    static func contains(_ haystack: [UInt8], _ needle: StaticString) -> Bool {
        let n = Array(UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount))
        guard !n.isEmpty, haystack.count >= n.count else { return false }
        var i = 0
        while i <= haystack.count - n.count {
            if haystack[i] == n[0], haystack[i..<(i + n.count)].elementsEqual(n) { return true }
            i += 1
        }
        return false
    }

    static func describe(_ error: Error) -> String {
        let ns = error as NSError
        return (ns.userInfo[NSDebugDescriptionErrorKey] as? String) ?? ns.localizedDescription
    }
}
