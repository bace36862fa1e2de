import CallModel
import Foundation
import PacketCapture
import Testing
@testable import CallReconstruction
import TestSupport

/// Frame times as tshark reads them, and calls whose times go backwards.
///
/// Captures: `captures/clock/` (one real SIPp call on 127.0.0.1 captured with tcpdump, then
/// moved in time or given a clock step with editcap/mergecap by `captures/clock/generate.sh`,
/// which also writes `frame-times.tsv` from tshark) and the public corpus file
/// `heplify__sip_ipv6_udp.pcap`, whose records have seconds past 2^31.
@Suite struct CaptureClockTests {
    static let folder = TestPaths.captures.appendingPathComponent("clock")

    /// Every frame's time in nanoseconds, read through `CaptureFile`.
    static func frameTimes(_ path: String) throws -> [Int64] {
        let file = try CaptureFile(path: path)
        var times: [Int64] = []
        while let frame = try file.next() { times.append(frame.timestamp) }
        return times
    }

    /// `frame-times.tsv`: file -> tshark's `frame.time_epoch` of each frame, in nanoseconds.
    static func tsharkTimes() throws -> [String: [Int64]] {
        let text = try String(contentsOf: folder.appendingPathComponent("frame-times.tsv"), encoding: .utf8)
        var out: [String: [Int64]] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: "\t")
            guard f.count == 3 else { continue }
            out[String(f[0]), default: []].append(try nanoseconds(String(f[2])))
        }
        return out
    }

    /// `1328589362.251758000` -> nanoseconds, exactly.
    static func nanoseconds(_ epoch: String) throws -> Int64 {
        let parts = epoch.split(separator: ".")
        let seconds = try #require(Int64(parts[0]))
        let fraction = try #require(Int64(String(parts[1]).padding(toLength: 9, withPad: "0", startingAt: 0)))
        return seconds * 1_000_000_000 + fraction
    }

    /// `tshark -r heplify__sip_ipv6_udp.pcap -T fields -e frame.time_epoch`: records 5 and 6
    /// have seconds past 2^31 (2071 and 2092), which libpcap hands over as negative (1935, 1956).
    static let heplifyTimes = [
        "1328589362.251758000", "1529707907.251758000", "1530001712.251758000",
        "1680721832.251758000", "3215500952.251758000", "3867576602.251758000",
    ]

    @Test func corpusSecondsPast2038AreReadAsTsharkReadsThem() throws {
        let times = try Self.frameTimes(Corpus.pcapFile("heplify__sip_ipv6_udp.pcap"))
        #expect(times == (try Self.heplifyTimes.map(Self.nanoseconds)))
    }

    /// The same real call moved to 2042 in classic pcap (seconds past 2^31) and to 2121 in
    /// pcapng (64-bit timestamps, past 2^32): both read as tshark reads them.
    @Test(arguments: ["call-2042.pcap", "call-2121.pcapng", "clock-step-back.pcap"])
    func capturesAreReadAsTsharkReadsThem(_ name: String) throws {
        let expected = try #require(try Self.tsharkTimes()[name])
        #expect(try Self.frameTimes(Self.folder.appendingPathComponent(name).path) == expected)
    }

    /// The corpus call: INVITE in 2012, 200 in 2018, BYE in 2071 (the file's own odd clock):
    /// in order, so no warning, and the talk time runs to the BYE.
    @Test func corpusCallPast2038HasItsTimesInOrder() throws {
        let result = Fixtures.analyze([Corpus.pcapFile("heplify__sip_ipv6_udp.pcap")])
        let call = try #require(result.calls.first)
        #expect(result.calls.count == 1)
        let times = try Self.heplifyTimes.map(Self.nanoseconds)
        #expect(call.start.nanoseconds == times[0])
        #expect(call.answeredAt?.nanoseconds == times[2])
        #expect(call.endedAt?.nanoseconds == times[4])
        #expect(call.timeOrderProblem == nil)
        #expect(call.talkTime?.nanoseconds == times[4] - times[2])
        #expect(!result.diagnostics.contains { $0.message.contains("before it") })
    }

    @Test func callIn2042() throws {
        let result = Fixtures.analyze([Self.folder.appendingPathComponent("call-2042.pcap").path])
        let call = try #require(result.calls.first)
        let times = try #require(try Self.tsharkTimes()["call-2042.pcap"])
        #expect(call.start.nanoseconds == times[0])
        #expect(call.answeredAt?.nanoseconds == times[3])
        #expect(call.endedAt?.nanoseconds == times[5])
        #expect(call.start.iso8601.hasPrefix("2042-"))
        #expect(result.summary.warnings == 0)
    }

    /// The capture clock steps back 60 s at the BYE (packet 6): the call ends before it
    /// started, and a warning names the file and that packet instead of a silent talk_s of 0.
    @Test func clockSteppingBackIsReported() throws {
        let path = Self.folder.appendingPathComponent("clock-step-back.pcap").path
        let result = Fixtures.analyze([path])
        let call = try #require(result.calls.first)
        let times = try #require(try Self.tsharkTimes()["clock-step-back.pcap"])
        #expect(call.endedAt?.nanoseconds == times[5])
        #expect(call.timeOrderProblem != nil)
        let warnings = result.diagnostics.filter { $0.severity == .warning }
        #expect(warnings.count == 1)
        let warning = try #require(warnings.first)
        #expect(warning.input == path)
        #expect(warning.packet == 6)
        let step = Duration3(nanoseconds: times[4] - times[5]).seconds3  // from the ACK, the latest SIP message before
        #expect(warning.message == "call \(call.callID) ended at \(call.endedAt?.iso8601 ?? ""), before it started at \(call.start.iso8601): the capture's clock stepped back \(step) s at this packet; its ring_s and talk_s are not meaningful")
    }
}
