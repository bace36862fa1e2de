import Foundation
import Testing

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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/tshark")
        process.arguments = ["-q", "-r", path, "-o", "rtp.heuristic_rtp:TRUE", "-z", "rtp,streams"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap(parse)
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
        #expect(try Self.compare(CLI.corpus.appendingPathComponent(file).path) > 0)
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
        #expect(try Self.compare(CLI.captures.appendingPathComponent(file).path) == 2)
    }

    @Test func callsReusingPortsAndSSRCKeepTheirOwnStreams() throws {
        let path = CLI.captures.appendingPathComponent("answered-udp.pcap").path
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
        let path = CLI.corpus.appendingPathComponent("goffinet__Forensic_challenge_4.pcap").path
        let ours = try callscopeStreams(path)
        let stream = try #require(ours["172.25.105.3:63184 172.25.105.40:18150 0xa254e017"])
        let tshark = try #require(try TsharkStream.streams(of: path).first { $0.ssrc == 0xA254_E017 })
        #expect(tshark.packets - Int(number(stream["packets"])) == 6)
        let run = try CLI.run(["calls", path, "--max-diagnostics", "0"])
        #expect(run.stderr.components(separatedBy: "IPv4 packet truncated (192 of 200 bytes)").count - 1 == 6)
    }

    @Test func streamsWithoutSDPAreReportedAsOrphans() throws {
        // The third call of this capture has no SDP in it; tshark finds its RTP by heuristics.
        let run = try CLI.run(["calls", CLI.corpus.appendingPathComponent("heplify__rtp_rtcp_sip_ipv4_udp.pcap").path])
        #expect(run.stderr.contains("RTP stream 200.57.7.196:40378 -> 200.57.7.199:4800 SSRC 0xd2bd4e3e (548 packets, PCMA/8000) belongs to no call"))
        #expect(run.stderr.contains("3 without a call"))
    }
}
