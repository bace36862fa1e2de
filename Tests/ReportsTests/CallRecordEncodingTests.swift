import CallModel
import Foundation
import TestSupport
import Testing
@testable import Reports

/// JSON written straight from a call (`CallRecord.appendJSON`, the ndjson and json path) is the
/// same text as the record every other consumer reads (`CallRecord.record`, CSV, `--where`).
@Suite("Call encoding")
struct CallRecordEncodingTests {
    static let start = Timestamp(year: 2026, month: 3, day: 29, hour: 0, minute: 59, second: 58, nanosecond: 250_000_000)

    static func call() -> Call {
        let answered = Timestamp(nanoseconds: start.nanoseconds + 4_500_000_000)
        var call = Call(
            callID: "a\"b\\c\u{1B}", source: "in.pcap", transport: "udp", start: start, caller: "+447700900123",
            dialed: "=1+1", outcome: .answered, finalStatus: 200, pddMilliseconds: 812, answeredAt: answered,
            endedAt: Timestamp(nanoseconds: answered.nanoseconds + 61_000_000_000), holdNanoseconds: 2_000_000_000,
            endedBy: .callee, agent: "Zoë", queue: "sales", waitNanoseconds: 4_500_000_000, direction: .inbound,
            packets: 7, retransmissions: 1,
            legs: [CallLeg(id: "tag-1", status: "200", start: start, answered: true)],
            media: [MediaOffer(time: start, from: .caller, carriedBy: "INVITE", streams: [
                MediaStream(media: "audio", address: "10.0.0.1", port: 4000, proto: "RTP/AVP", payloadTypes: [0, 101],
                            encodings: [0: "PCMU/8000", 101: "telephone-event/8000"], direction: .sendrecv),
            ])]
        )
        call.reasonCause = 16
        call.messages = [SIPMessageSummary(time: start, source: "10.0.0.1:5060", destination: "[2001:db8::2]:5060", transport: "udp",
                                           label: "INVITE", cseqNumber: 1, cseqMethod: "INVITE", firstLine: "INVITE sip:=1+1@x SIP/2.0")]
        return call
    }

    /// `call()` with a visit's attribution (the fields after the local times).
    static func attributedCall() -> Call {
        var call = call()
        call.attribution = VisitAttribution(kind: .pool, owner: "website", visitorID: "v\"1", source: "google", medium: "cpc",
                                            campaign: "brand", keyword: nil, landingPage: "https://example.com/?a=1", clickID: "gclid-9", ambiguous: true)
        return call
    }

    @Test("appendJSON writes what JSONWriter writes for the record", arguments: [nil, "Europe/London"] as [String?])
    func directEncodingEqualsTheRecord(zone: String?) throws {
        let calls = [Self.call(), Self.attributedCall(), Call(callID: "min", source: "-", start: Self.start)]
        for call in calls {
            for detail in [false, true] {
                var time = SiteTime(zone: try zone.map(timeZone))
                var direct: [UInt8] = []
                CallRecord.appendJSON(call, detail: detail, time: &time, to: &direct)
                var viaRecord: [UInt8] = []
                JSONWriter.append(CallRecord.record(call, detail: detail, time: &time), to: &viaRecord)
                #expect(String(decoding: direct, as: UTF8.self) == String(decoding: viaRecord, as: UTF8.self))
            }
        }
    }

    @Test func theTableGivesTheSchemaOrder() throws {
        var time = SiteTime(zone: nil)
        let record = CallRecord.record(Self.call(), detail: true, time: &time)
        #expect(record.map(\.name) == CallRecord.scalarFields + ["streams", "media", "messages"])
        #expect(CallRecord.scalarFields.prefix(3) == ["call_id", "source", "start"])
        var out: [UInt8] = []
        CallRecord.appendJSON(Self.call(), detail: false, time: &time, to: &out)
        let text = String(decoding: out, as: UTF8.self)
        #expect(text.hasPrefix(#"{"call_id":"a\"b\\c\u001b","source":"in.pcap","start":"2026-03-29T00:59:58.250Z","#))
        #expect(text.contains(#""legs":[{"id":"tag-1","status":"200","start":"2026-03-29T00:59:58.250Z","answered":true,"#))
        #expect(text.contains(#""hold_s":2.000,"#))
    }
}
