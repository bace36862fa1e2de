import Foundation
import Testing
import TestSupport

/// The `messages` of `calls --format json` (the SIP ladder) against tshark: each call's messages
/// are exactly the SIP packets tshark reads with its Call-ID, in capture order, with the same
/// time (to the millisecond), addresses, ports, first line and CSeq; and they survive the store.
@Suite("SIP messages of captured calls")
struct SIPMessagesTests {
    struct Message: Equatable, CustomStringConvertible {
        var milliseconds: Int64, source: String, destination: String, firstLine: String, cseq: Int, cseqMethod: String
        var description: String { "\(milliseconds) \(source) -> \(destination) \(firstLine) (\(cseq) \(cseqMethod))" }
    }

    /// tshark's SIP packets by Call-ID, in frame order (one SIP message per UDP datagram).
    static func tshark(_ capture: String) throws -> [String: [Message]] {
        let output = try ProcessRunner.tool("tshark", ["-r", capture, "-Y", "sip", "-T", "fields", "-E", "separator=\t", "-e", "frame.time_epoch",
                                                       "-e", "ip.src", "-e", "udp.srcport", "-e", "ip.dst", "-e", "udp.dstport", "-e", "sip.Call-ID",
                                                       "-e", "sip.Request-Line", "-e", "sip.Status-Line", "-e", "sip.CSeq.seq", "-e", "sip.CSeq.method"])
        var byCall: [String: [Message]] = [:]
        for line in output.stdout.split(separator: "\n") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 10, let seconds = Decimal(string: f[0]) else { continue }
            let ms = NSDecimalNumber(decimal: seconds * 1000).int64Value
            byCall[f[5], default: []].append(Message(milliseconds: ms, source: "\(f[1]):\(f[2])", destination: "\(f[3]):\(f[4])",
                                                     firstLine: f[6].isEmpty ? f[7] : f[6], cseq: Int(f[8]) ?? -1, cseqMethod: f[9]))
        }
        return byCall
    }

    static func messages(_ call: [String: Any]) -> [Message] {
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return (call["messages"] as? [[String: Any]] ?? []).map { m in
            let time = (m["time"] as? String).flatMap(iso.date(from:)).map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } ?? -1
            return Message(milliseconds: time, source: m["source"] as? String ?? "", destination: m["destination"] as? String ?? "",
                           firstLine: m["first_line"] as? String ?? "", cseq: m["cseq"] as? Int ?? -1, cseqMethod: m["cseq_method"] as? String ?? "")
        }
    }

    static func calls(_ arguments: [String]) throws -> [[String: Any]] {
        let result = try CLI.run(["calls", "-f", "json", "-q"] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
    }

    @Test("Each call's messages are tshark's packets of its Call-ID", arguments: [
        "captures/answered-udp.pcap", "captures/auth-407-udp.pcap", "captures/retransmission-udp.pcap", "captures/cancel-udp.pcap", "captures/hold-udp.pcap",
    ])
    func messagesAreTsharksPackets(capture: String) throws {
        let expected = try Self.tshark(capture)
        let calls = try Self.calls([capture])
        #expect(!calls.isEmpty)
        for call in calls {
            let id = call["call_id"] as? String ?? ""
            let messages = Self.messages(call)
            #expect(messages == expected[id] ?? [], "\(id):\n\(messages)\nvs tshark\n\(expected[id] ?? [])")
            // Every message the call counts is in its ladder, retransmissions included.
            #expect(messages.count == call["packets"] as? Int)
            for m in call["messages"] as? [[String: Any]] ?? [] {
                let isResponse = (m["first_line"] as? String)?.hasPrefix("SIP/2.0 ") == true
                #expect((m["status"] is NSNull) != isResponse && (m["method"] is NSNull) == isResponse && m["transport"] as? String == "udp")
            }
        }
    }

    @Test("The messages survive import: calls --db gives the same JSON as the capture")
    func storedMessages() throws {
        let directory = TemporaryDirectory("callscope-messages")
        defer { directory.remove() }
        let db = directory.file("calls.sqlite")
        let imported = try CLI.run(["import", "captures/answered-udp.pcap", "captures/hold-udp.pcap", "--db", db, "-q"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let direct = try Self.calls(["captures/answered-udp.pcap", "captures/hold-udp.pcap"])
        let stored = try Self.calls(["--db", db])
        #expect(stored.count == direct.count && !stored.isEmpty)
        for (a, b) in zip(direct, stored) {
            #expect(a["call_id"] as? String == b["call_id"] as? String)
            #expect(Self.messages(a) == Self.messages(b) && !Self.messages(a).isEmpty)
        }
    }
}
