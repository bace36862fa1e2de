import Foundation
import Testing
import TestSupport

/// One stream as `tshark -q -z rtp,streams` prints it: the independent oracle for RTP quality.
struct TsharkStream: Hashable {
    var source: String
    var destination: String
    var ssrc: UInt32
    var packets: Int
    var lost: Int
    var maxDelta: Double
    var meanJitter: Double
    var maxJitter: Double

    /// Runs tshark (Debian package `tshark`, installed by `.ci/run`) on `path`.
    static func streams(of path: String) throws -> [TsharkStream] {
        let output = try ProcessRunner.tool("tshark", ["-q", "-r", path, "-o", "rtp.heuristic_rtp:TRUE", "-z", "rtp,streams"])
        return output.stdout.split(separator: "\n").compactMap(parse)
    }

    /// `start end srcIP srcPort dstIP dstPort SSRC payload pkts lost (pct) minΔ meanΔ maxΔ minJ meanJ maxJ [problem]`
    static func parse(_ line: Substring) -> TsharkStream? {
        let fields = line.split(separator: " ")
        guard fields.count >= 17, fields[6].hasPrefix("0x"), let ssrc = UInt32(fields[6].dropFirst(2), radix: 16),
              let lostIndex = fields.firstIndex(where: { $0.hasPrefix("(") }), lostIndex >= 9 else { return nil }
        func endpoint(_ address: Substring, _ port: Substring) -> String {
            address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)"
        }
        guard let packets = Int(fields[lostIndex - 2]), let lost = Int(fields[lostIndex - 1]),
              lostIndex + 6 < fields.count,
              let maxDelta = Double(fields[lostIndex + 3]), let meanJitter = Double(fields[lostIndex + 5]),
              let maxJitter = Double(fields[lostIndex + 6]) else { return nil }
        return TsharkStream(
            source: endpoint(fields[2], fields[3]), destination: endpoint(fields[4], fields[5]), ssrc: ssrc,
            packets: packets, lost: lost, maxDelta: maxDelta, meanJitter: meanJitter, maxJitter: maxJitter
        )
    }
}

/// callscope's streams of `path`: those of its calls (`calls --format json`), keyed like tshark's.
func callscopeStreams(_ path: String) throws -> [String: [String: Any]] {
    let result = try CLI.run(["calls", path, "--format", "json", "-q"])
    let calls = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
    var streams: [String: [String: Any]] = [:]
    for call in calls {
        for stream in call["streams"] as? [[String: Any]] ?? [] {
            let key = "\(stream["source"] ?? "") \(stream["destination"] ?? "") \(stream["ssrc"] ?? "")"
            streams[key] = stream
        }
    }
    return streams
}

func number(_ value: Any?) -> Double {
    (value as? NSNumber)?.doubleValue ?? .nan
}

@Suite("RTP quality against tshark")
struct RTPQualityTests {
    /// Public captures with RTP tied to calls by SDP (REFERENCE in shared/corpus/pcap).
    static let corpusFiles = [
        "goffinet__RTP-Protocol.pcap", "goffinet__private-test-sip.pcapng", "goffinet__sip-2phones-B2BUA-Asterisk.pcapng",
        "goffinet__sip-phone-to-phone.pcapng", "goffinet__voip-extension.pcap", "goffinet__voip1b.pcapng",
        "isa__sip.pcap.pcapng", "sipnab__Asterisk_ZFONE_XLITE.pcap", "sipnab__sip-rtp-g711.pcap",
        "sipnab__sip-rtp-g722.pcap", "sipnab__sip-rtp-g729a.pcap", "sipnab__sip-rtp-opus-hybrid.pcap",
        "sngrep__aaa.pcap", "sipnab__h263-over-rtp.pcap",
    ]

    /// Every stream tshark sees is a stream of one of our calls, with the same packets and
    /// loss, and the same max delta and jitter (tshark prints 3 decimals).
    static func compare(_ path: String) throws -> Int {
        let theirs = try TsharkStream.streams(of: path)
        let ours = try callscopeStreams(path)
        #expect(!theirs.isEmpty, "tshark found no RTP in \(path)")
        for stream in theirs {
            let key = "\(stream.source) \(stream.destination) 0x\(String(repeating: "0", count: 8 - String(stream.ssrc, radix: 16).count))\(String(stream.ssrc, radix: 16))"
            let mine = try #require(ours[key], "\(path): stream \(key) not in any call")
            #expect(Int(number(mine["packets"])) == stream.packets, "\(path) \(key) packets")
            #expect(Int(number(mine["lost"])) == stream.lost, "\(path) \(key) lost")
            #expect(abs(number(mine["max_delta_ms"]) - stream.maxDelta) <= 0.002, "\(path) \(key) max delta")
            #expect(abs(number(mine["mean_jitter_ms"]) - stream.meanJitter) <= 0.005, "\(path) \(key) mean jitter")
            #expect(abs(number(mine["max_jitter_ms"]) - stream.maxJitter) <= 0.002, "\(path) \(key) max jitter")
        }
        return theirs.count
    }

    @Test(arguments: corpusFiles)
    func corpusStreamsAgreeWithTshark(_ file: String) throws {
        #expect(try Self.compare(Corpus.pcap.appendingPathComponent(file).path) > 0)
    }

    /// The samples of `captures/` whose RTP tshark sees as the calls' streams (in
    /// `answered-udp.pcap` two calls reuse ports and SSRC: tshark merges them into one stream,
    /// callscope keeps one per call, see the next test).
    static let sampleFiles = [
        "talk/talk-inbound.pcap", "talk/talk-pcma.pcap", "talk/talk-dtmf.pcap", "talk/rtp-impaired.pcap",
        "b2bua-udp.pcap", "diversion-udp.pcap", "retransmission-udp.pcap", "rotated-1.pcap", "sll-any.pcap", "tcp-calls.pcap", "truncated-udp.pcap",
    ]

    @Test(arguments: sampleFiles)
    func sampleStreamsAgreeWithTshark(_ file: String) throws {
        #expect(try Self.compare(TestPaths.captures.appendingPathComponent(file).path) == 2)
    }

    @Test func callsReusingPortsAndSSRCKeepTheirOwnStreams() throws {
        let path = TestPaths.captures.appendingPathComponent("answered-udp.pcap").path
        let tshark = try TsharkStream.streams(of: path).filter { $0.source == "127.0.0.1:16000" }
        #expect(tshark.first?.packets == 134)  // two calls' packets as one stream, 67 "lost"
        let result = try CLI.run(["calls", path, "--format", "json", "-q"])
        let calls = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let sameAddress = calls.filter { call in
            (call["streams"] as? [[String: Any]])?.contains { $0["source"] as? String == "127.0.0.1:16000" } == true
        }
        #expect(sameAddress.count == 2)
        for call in sameAddress {
            let stream = try #require((call["streams"] as? [[String: Any]])?.first { $0["source"] as? String == "127.0.0.1:16000" })
            #expect(Int(number(stream["packets"])) == 67)
            #expect(Int(number(stream["lost"])) == 0)
        }
    }

    @Test func truncatedPacketsAreTheOnlyDifference() throws {
        // Six RTP packets of this capture are cut short (IPv4 total length 200, 192 bytes
        // captured): tshark counts them, we report them as malformed and leave them out.
        let path = Corpus.pcapFile("goffinet__Forensic_challenge_4.pcap")
        let ours = try callscopeStreams(path)
        let stream = try #require(ours["172.25.105.3:63184 172.25.105.40:18150 0xa254e017"])
        let tshark = try #require(try TsharkStream.streams(of: path).first { $0.ssrc == 0xA254_E017 })
        #expect(tshark.packets - Int(number(stream["packets"])) == 6)
        let run = try CLI.run(["calls", path, "--max-diagnostics", "0"])
        #expect(run.stderr.components(separatedBy: "IPv4 packet truncated (192 of 200 bytes)").count - 1 == 6)
    }

    @Test func streamsWithoutSDPAreReportedAsOrphans() throws {
        // The third call of this capture has no SDP in it; tshark finds its RTP by heuristics.
        let run = try CLI.run(["calls", Corpus.pcapFile("heplify__rtp_rtcp_sip_ipv4_udp.pcap")])
        #expect(run.stderr.contains("RTP stream 200.57.7.196:40378 -> 200.57.7.199:4800 SSRC 0xd2bd4e3e (548 packets, PCMA/8000) belongs to no call"))
        #expect(run.stderr.contains("3 without a call"))
    }
}

/// `captures/talk/rtp-timestamp-reset.pcap` (made by `captures/talk/generate-timestamp-reset.sh`):
/// a real SIPp call whose caller RTP timestamps restart twice mid-stream (+40 s, then -25 s)
/// while the sequence numbers go on. Its steady stream is the same capture with the caller's
/// original timestamps put back (the sidecar `rtp-timestamp-reset.expected.json` says where and by how much).
@Suite("RTP timestamp reset")
struct RTPTimestampResetTests {
    static let capture = TestPaths.captures.appendingPathComponent("talk/rtp-timestamp-reset.pcap")
    static let caller = "127.0.0.1:16000 127.0.0.1:16100 0xca110000"

    /// The capture with every caller packet's original RTP timestamp, written into `directory`.
    static func steadyCopy(in directory: TemporaryDirectory) throws -> URL {
        let sidecar = try Data(contentsOf: TestPaths.captures.appendingPathComponent("talk/rtp-timestamp-reset.expected.json"))
        let info = try #require(try JSONSerialization.jsonObject(with: sidecar) as? [String: Any])
        let first = try #require(info["first_sequence"] as? Int)
        let resets = try #require(info["resets"] as? [[String: Int]]).compactMap { reset -> (index: Int, offset: Int)? in
            guard let sequence = reset["sequence"], let offset = reset["offset"] else { return nil }
            return ((sequence - first) & 0xFFFF, offset)
        }
        #expect(resets.count == 2)
        var bytes = [UInt8](try Data(contentsOf: capture))
        func le32(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24 }
        func be16(_ at: Int) -> Int { Int(bytes[at]) << 8 | Int(bytes[at + 1]) }
        var position = 24, restored = 0
        while position + 16 <= bytes.count {
            let length = le32(position + 8)
            let frame = position + 16
            position = frame + length
            // Ethernet, IPv4 without options, UDP 16000 -> 16100, RTP at 42.
            guard length >= 54, be16(frame + 12) == 0x0800, bytes[frame + 23] == 17,
                  be16(frame + 34) == 16000, be16(frame + 36) == 16100 else { continue }
            let index = (be16(frame + 44) - first) & 0xFFFF
            guard let offset = resets.last(where: { index >= $0.index })?.offset else { continue }
            let at = frame + 46
            let timestamp = UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
            let original = timestamp &- UInt32(truncatingIfNeeded: offset)
            for k in 0..<4 { bytes[at + k] = UInt8(truncatingIfNeeded: original >> (24 - 8 * UInt32(k))) }
            restored += 1
        }
        #expect(restored == 200)  // packets 101 to 300 of the caller's 300
        return URL(fileURLWithPath: try directory.write("steady.pcap", bytes))
    }

    @Test func resetStreamKeepsTheSteadyStreamsFigures() throws {
        let directory = TemporaryDirectory("callscope-steady")
        defer { directory.remove() }
        let steady = try Self.steadyCopy(in: directory)
        let ourStreams = try callscopeStreams(Self.capture.path)
        let steadyStreams = try callscopeStreams(steady.path)
        let ours = try #require(ourStreams[Self.caller])
        let oursSteady = try #require(steadyStreams[Self.caller])
        // The same figures as the steady stream, to the last printed digit.
        for field in ["packets", "lost", "max_delta_ms", "jitter_ms", "max_jitter_ms", "mean_jitter_ms", "mos"] {
            #expect(number(ours[field]) == number(oursSteady[field]), "\(field)")
        }
        #expect(number(ours["mos"]) >= 4.4)
        #expect(number(ours["max_jitter_ms"]) < 20)
        // And the steady stream's figures are tshark's (the independent oracle).
        let tsharkStreams = try TsharkStream.streams(of: steady.path)
        let tsharkSteady = try #require(tsharkStreams.first { $0.source == "127.0.0.1:16000" })
        #expect(Int(number(ours["packets"])) == tsharkSteady.packets)
        #expect(Int(number(ours["lost"])) == tsharkSteady.lost)
        #expect(abs(number(ours["max_delta_ms"]) - tsharkSteady.maxDelta) <= 0.002)
        #expect(abs(number(ours["mean_jitter_ms"]) - tsharkSteady.meanJitter) <= 0.005)
        #expect(abs(number(ours["max_jitter_ms"]) - tsharkSteady.maxJitter) <= 0.002)
    }

    @Test func tsharkTakesTheResetForTransitTime() throws {
        // The checked difference of README "Known, checked differences": tshark 4.0's
        // rtp,streams takes the +40 s restart as 40 s of transit (40000 / 16 = 2500 ms of jitter).
        let tsharkStreams = try TsharkStream.streams(of: Self.capture.path)
        let ourStreams = try callscopeStreams(Self.capture.path)
        let tshark = try #require(tsharkStreams.first { $0.source == "127.0.0.1:16000" })
        #expect(tshark.maxJitter > 2400)
        let ours = try #require(ourStreams[Self.caller])
        #expect(Int(number(ours["packets"])) == tshark.packets)
        #expect(Int(number(ours["lost"])) == tshark.lost)
        #expect(abs(number(ours["max_delta_ms"]) - tshark.maxDelta) <= 0.002)
        // The agent's stream has no reset: equal to tshark's, as every other stream.
        let agent = try #require(tsharkStreams.first { $0.source == "127.0.0.1:16100" })
        let ourAgent = try #require(ourStreams["127.0.0.1:16100 127.0.0.1:16000 0xca110000"])
        #expect(Int(number(ourAgent["packets"])) == agent.packets)
        #expect(abs(number(ourAgent["max_jitter_ms"]) - agent.maxJitter) <= 0.002)
        #expect(abs(number(ourAgent["mean_jitter_ms"]) - agent.meanJitter) <= 0.005)
    }
}
