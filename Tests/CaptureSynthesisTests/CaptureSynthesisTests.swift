import CPcap
import Foundation
import PacketCapture
import Testing

@testable import CaptureSynthesis
import RTPAnalysis
import TestSupport

// Every test writes real files and reads them back, with libpcap directly (pcap_open_offline)
// or with callscope's own CaptureFile.

/// The tests' temporary directory, one per process.
private let scratch = TemporaryDirectory("capture-synthesis-tests")

/// A fresh path in the tests' temporary directory.
private func temporaryPath(_ name: String) -> String { scratch.file("\(name)-\(UUID().uuidString).pcap") }

/// One record read back through libpcap.
private struct Record {
    var timestamp: Int64
    var bytes: [UInt8]
}

/// Reads every record with `pcap_open_offline_with_tstamp_precision` / `pcap_next_ex`.
private func readWithLibpcap(_ path: String) throws -> (linkType: Int32, precision: Int32, records: [Record]) {
    var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
    guard let pcap = pcap_open_offline_with_tstamp_precision(path, UInt32(PCAP_TSTAMP_PRECISION_NANO), &errorBuffer)
    else {
        throw CaptureWriteError(path: path, reason: "pcap_open_offline failed")
    }
    defer { pcap_close(pcap) }
    var records: [Record] = []
    var header: UnsafeMutablePointer<pcap_pkthdr>?
    var data: UnsafePointer<UInt8>?
    while true {
        let status = pcap_next_ex(pcap, &header, &data)
        if status == -2 { break }
        guard status == 1, let header, let data else {
            throw CaptureWriteError(path: path, reason: "pcap_next_ex returned \(status)")
        }
        let h = header.pointee
        #expect(h.caplen == h.len)
        records.append(Record(
            timestamp: Int64(h.ts.tv_sec) * 1_000_000_000 + Int64(h.ts.tv_usec),
            bytes: Array(UnsafeBufferPointer(start: data, count: Int(h.caplen)))))
    }
    return (pcap_datalink(pcap), pcap_get_tstamp_precision(pcap), records)
}

/// The UDP payload, ports and addresses of an Ethernet/IPv4/UDP frame, after checking
/// every length and the IPv4 header checksum.
private struct Datagram {
    var source: UInt32
    var destination: UInt32
    var sourcePort: UInt16
    var destinationPort: UInt16
    var payload: ArraySlice<UInt8>
}

private func be16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) << 8 | UInt16(b[i + 1]) }
private func be32(_ b: [UInt8], _ i: Int) -> UInt32 { UInt32(be16(b, i)) << 16 | UInt32(be16(b, i + 2)) }

private func parseDatagram(_ frame: [UInt8]) -> Datagram? {
    guard frame.count >= 42, be16(frame, 12) == 0x0800, frame[14] == 0x45, frame[23] == 17 else { return nil }
    guard Int(be16(frame, 16)) == frame.count - 14, Int(be16(frame, 38)) == frame.count - 34 else { return nil }
    var sum: UInt32 = 0
    for i in stride(from: 14, to: 34, by: 2) { sum += UInt32(be16(frame, i)) }
    while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
    guard sum == 0xFFFF else { return nil }  // a correct header sums to all ones
    // MACs are 02:00 + IPv4 address.
    guard be16(frame, 0) == 0x0200, be32(frame, 2) == be32(frame, 30), be32(frame, 8) == be32(frame, 26) else { return nil }
    return Datagram(
        source: be32(frame, 26), destination: be32(frame, 30),
        sourcePort: be16(frame, 34), destinationPort: be16(frame, 36), payload: frame[42...])
}

/// The number of records the documented formula gives for a plan, recomputed here from
/// the plan's fields (not from `packetCount`).
private func formulaCount(_ call: SyntheticCallPlan) -> Int {
    let sip: Int
    switch call.finalStatus {
    case 200, 487: sip = 7
    case 603: sip = 5
    default: sip = 4
    }
    let n = call.talkPackets
    let rtcp = n == 0 ? 0 : (Int64(n) * Int64(call.ptime) * 1_000_000 - 1) / call.rtcpIntervalNanoseconds
    return sip + 2 * n + 2 * Int(rtcp)
}

private let smallSpec = SyntheticCaptureSpec(calls: 12, arrivals: .concurrency(4), callDuration: 6, seed: 7)

@Suite("CaptureSynthesis")
struct CaptureSynthesisTests {
    @Test("12 calls, seed 7: the file holds exactly the formula's packet count")
    func packetCountMatchesFormula() throws {
        let path = temporaryPath("count")
        let summary = try CaptureSynthesizer(spec: smallSpec).write(to: path)
        let plans = Array(smallSpec.plannedCalls())
        #expect(plans.count == 12)
        let formula = plans.map(formulaCount).reduce(0, +)
        #expect(summary.packets == formula)
        #expect(smallSpec.expectedPacketCount() == formula)
        let read = try readWithLibpcap(path)
        #expect(read.records.count == formula)
        #expect(summary.fileBytes == (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int))
        #expect(summary.sipMessages == plans.map(\.sipMessageCount).reduce(0, +))
        #expect(summary.rtpPackets == plans.map { 2 * $0.talkPackets }.reduce(0, +))
    }

    @Test("all answered, no variation: calls * (7 + 2N + 2 * floor((N * 20 ms - 1 ns) / 5 s))")
    func closedFormCount() throws {
        let spec = SyntheticCaptureSpec(
            calls: 12, arrivals: .concurrency(6), callDuration: 6, durationVariation: 0, seed: 7,
            outcomeMix: .allAnswered)
        let summary = try CaptureSynthesizer(spec: spec).write(to: temporaryPath("closed"))
        // N = 300 packets each way, one RTCP report each way (5 s < 6 s, 10 s is not).
        #expect(summary.packets == 12 * (7 + 600 + 2))
        #expect(summary.packets == 7308)
        // RTP frames are 14 + 20 + 8 + 12 + 160 = 214 bytes, 230 with the record header.
        #expect(summary.rtpPackets == 7200)
    }

    @Test("the same seed gives a byte-identical file, another seed a different one")
    func deterministic() throws {
        let a = temporaryPath("a"), b = temporaryPath("b"), c = temporaryPath("c")
        _ = try CaptureSynthesizer(spec: smallSpec).write(to: a)
        _ = try CaptureSynthesizer(spec: smallSpec).write(to: b)
        var other = smallSpec
        other.seed = 8
        _ = try CaptureSynthesizer(spec: other).write(to: c)
        let bytesA = try Data(contentsOf: URL(fileURLWithPath: a))
        let bytesB = try Data(contentsOf: URL(fileURLWithPath: b))
        let bytesC = try Data(contentsOf: URL(fileURLWithPath: c))
        #expect(bytesA.count > 1_000_000)
        #expect(bytesA == bytesB)
        #expect(bytesA != bytesC)
        #expect(Array(smallSpec.plannedCalls()) == Array(smallSpec.plannedCalls()))
        #expect(Array(smallSpec.plannedCalls()).map(\.callID) != Array(other.plannedCalls()).map(\.callID))
    }

    @Test("libpcap reads it back: Ethernet, nanosecond magic, ordered times, valid IPv4/UDP in every frame")
    func readsBackWithLibpcap() throws {
        let path = temporaryPath("readback")
        let summary = try CaptureSynthesizer(spec: smallSpec).write(to: path)
        let read = try readWithLibpcap(path)
        #expect(read.linkType == DLT_EN10MB)
        #expect(read.precision == Int32(PCAP_TSTAMP_PRECISION_NANO))
        let header = try Data(contentsOf: URL(fileURLWithPath: path)).prefix(4)
        #expect(Array(header) == [0x4D, 0x3C, 0xB2, 0xA1])  // 0xa1b23c4d little-endian: nanoseconds
        #expect(read.records.count == summary.packets)
        #expect(read.records.first?.timestamp == smallSpec.startTime)
        var previous = Int64.min
        var invalid = 0
        for record in read.records {
            #expect(record.timestamp >= previous)
            previous = record.timestamp
            if parseDatagram(record.bytes) == nil { invalid += 1 }
        }
        #expect(invalid == 0)

        // callscope's own reader agrees.
        let file = try CaptureFile(path: path)
        var count = 0
        while let frame = try file.next() {
            count += 1
            #expect(frame.linkType == 1)
        }
        #expect(count == summary.packets)
    }

    @Test("outcome counts: the plan holds the mix's exact counts and the file's final responses match each call")
    func outcomeMix() throws {
        let plans = Array(smallSpec.plannedCalls())
        var planned: [SyntheticOutcome: Int] = [:]
        for call in plans { planned[call.outcome, default: 0] += 1 }
        // 12 * (0.70, 0.08, 0.12, 0.06, 0.04) by largest remainder.
        #expect(planned == [.answered: 8, .busy: 1, .noAnswer: 1, .rejected: 1, .failed: 1])
        #expect(smallSpec.outcomeMix.counts(for: 12) == planned)

        let path = temporaryPath("mix")
        let summary = try CaptureSynthesizer(spec: smallSpec).write(to: path)
        #expect(summary.outcomes == planned)

        // Final responses to INVITE and CANCELs, per Call-ID, from the SIP text on the wire.
        var finals: [String: Int] = [:]
        var cancels: Set<String> = []
        var sipCount = 0
        for record in try readWithLibpcap(path).records {
            guard let datagram = parseDatagram(record.bytes), datagram.sourcePort == 5060 else { continue }
            sipCount += 1
            let text = String(decoding: datagram.payload, as: UTF8.self)
            let lines = text.components(separatedBy: "\r\n")
            let callID = lines.first { $0.hasPrefix("Call-ID: ") }.map { String($0.dropFirst(9)) } ?? ""
            let cseq = lines.first { $0.hasPrefix("CSeq: ") } ?? ""
            if let header = text.range(of: "\r\n\r\n") {
                let declared = lines.first { $0.hasPrefix("Content-Length: ") }.flatMap { Int($0.dropFirst(16)) }
                #expect(declared == text[header.upperBound...].utf8.count)
            }
            if lines[0].hasPrefix("CANCEL ") { cancels.insert(callID) }
            if lines[0].hasPrefix("SIP/2.0 "), cseq.hasSuffix(" INVITE"),
                let code = Int(lines[0].dropFirst(8).prefix(3)), code >= 200
            {
                #expect(finals[callID] == nil)  // one final response per call
                finals[callID] = code
            }
        }
        #expect(sipCount == summary.sipMessages)
        #expect(finals.count == 12)
        for call in plans {
            #expect(finals[call.callID] == call.finalStatus)
            #expect(cancels.contains(call.callID) == (call.outcome == .noAnswer))
        }
    }

    @Test("RTP: one stream per direction, consecutive seq and timestamps, marker on the first packet, speech in turns")
    func rtpStreams() throws {
        // 20 s calls: long enough for both sides to take several turns.
        var spec = smallSpec
        spec.callDuration = 20
        let path = temporaryPath("rtp")
        _ = try CaptureSynthesizer(spec: spec).write(to: path)
        let answered = Array(spec.plannedCalls()).filter { $0.outcome == .answered }

        struct Stream {
            var first: (seq: UInt16, ts: UInt32)
            var last: (seq: UInt16, ts: UInt32)
            var count = 0
            var markers = 0
            var payloadType: UInt8
            var active: [Bool] = []
        }
        var streams: [String: Stream] = [:]
        for record in try readWithLibpcap(path).records {
            guard let d = parseDatagram(record.bytes), d.sourcePort != 5060, d.sourcePort % 2 == 0 else { continue }
            let p = Array(d.payload)
            #expect(p.count == 172 && p[0] == 0x80)
            let seq = be16(p, 2), ts = be32(p, 4)
            let key = "\(IPv4(value: d.source)):\(d.sourcePort)"
            let pt = p[1] & 0x7F
            // Speech or not: RMS of the decoded frame against ~-44 dBFS.
            var energy = 0.0
            for byte in p[12...] {
                let sample = Double(pt == 0 ? G711Decoder.decodeMuLaw(byte) : G711Decoder.decodeALaw(byte))
                energy += sample * sample
            }
            let active = (energy / 160).squareRoot() > 200
            if var s = streams[key] {
                #expect(seq == s.last.seq &+ 1)
                #expect(ts == s.last.ts &+ 160)
                s.last = (seq, ts)
                s.count += 1
                if p[1] & 0x80 != 0 { s.markers += 1 }
                s.active.append(active)
                streams[key] = s
            } else {
                #expect(p[1] & 0x80 != 0)
                streams[key] = Stream(first: (seq, ts), last: (seq, ts), count: 1, markers: 1, payloadType: pt, active: [active])
            }
        }
        #expect(streams.count == 2 * answered.count)
        var overlapping = 0
        for call in answered {
            let caller = streams["\(call.callerAddress):\(call.callerMediaPort)"]
            let agent = streams["\(call.agentAddress):\(call.agentMediaPort)"]
            for stream in [caller, agent] {
                #expect(stream?.count == call.talkPackets)
                #expect(stream?.markers == 1)
                #expect(stream?.payloadType == call.codec.payloadType)
                // Talk spurts and pauses: at least two silence->speech onsets, 20-80% active.
                let active = stream?.active ?? []
                let onsets = zip(active, active.dropFirst()).filter { !$0 && $1 }.count
                let share = Double(active.filter { $0 }.count) / Double(max(active.count, 1))
                #expect(onsets >= 2, "call \(call.index): \(onsets) onsets")
                #expect(share > 0.15 && share < 0.85, "call \(call.index): \(share) active")
            }
            // Turns: most of the time at most one side talks.
            if let a = caller?.active, let b = agent?.active {
                let both = zip(a, b).filter { $0 && $1 }.count
                let either = zip(a, b).filter { $0 || $1 }.count
                #expect(Double(both) < 0.3 * Double(either), "call \(call.index): overlap \(both)/\(either)")
                overlapping += both
            }
        }
        #expect(overlapping > 0)  // some talk-over somewhere
    }

    @Test("callers repeat, dialled numbers come from the campaign, Call-IDs are unique")
    func parties() {
        let spec = SyntheticCaptureSpec(calls: 300, seed: 3)
        let plans = Array(spec.plannedCalls())
        #expect(plans.count == 300)
        #expect(Set(plans.map(\.callID)).count == 300)
        let callers = Set(plans.map(\.callerNumber))
        #expect(callers.count < 250 && callers.count > 50)
        #expect(plans.allSatisfy { spec.campaignNumbers.contains($0.dialledNumber) })
        #expect(plans.allSatisfy { $0.callerNumber.hasPrefix("+1") && $0.callerNumber.count == 12 })
        // One caller number, one phone address.
        var address: [String: IPv4] = [:]
        for call in plans {
            if let known = address[call.callerNumber] { #expect(known == call.callerAddress) }
            address[call.callerNumber] = call.callerAddress
        }
        #expect(zip(plans, plans.dropFirst()).allSatisfy { $0.inviteTime <= $1.inviteTime })
        let pcma = plans.filter { $0.codec == .pcma }.count
        #expect(pcma > 30 && pcma < 100)  // 20% of 300
        // With more agents than calls in progress, an agent talks in one call at a time.
        var busyUntil: [Int: Int64] = [:]
        for call in plans where call.outcome == .answered {
            let answer = call.inviteTime + call.ringDuration
            #expect(answer >= busyUntil[call.agent] ?? .min, "agent \(call.agent) double-booked")
            busyUntil[call.agent] = answer + Int64(call.talkPackets) * Int64(call.ptime) * 1_000_000
            #expect(call.agentAddress == IPv4(10, 2, UInt8((call.agent - 1) / 254), UInt8((call.agent - 1) % 254 + 1)))
        }
    }

    @Test("G.711 encoders: reference values and round trips over every code")
    func g711() {
        #expect(G711Encoder.muLaw(0) == 0xFF)
        #expect(G711Encoder.muLaw(-1) == 0x7F)
        #expect(G711Encoder.muLaw(.max) == 0x80)
        #expect(G711Encoder.muLaw(.min) == 0x00)
        #expect(G711Encoder.aLaw(0) == 0xD5)
        #expect(G711Encoder.aLaw(-1) == 0x55)
        #expect(G711Encoder.aLaw(.max) == 0xAA)
        #expect(G711Encoder.aLaw(.min) == 0x2A)
        #expect(G711Decoder.decodeMuLaw(0x80) == 32124)
        #expect(G711Decoder.decodeALaw(0xAA) == 32256)
        for code in UInt8.min...UInt8.max {
            if code != 0x7F { #expect(G711Encoder.muLaw(G711Decoder.decodeMuLaw(code)) == code) }
            #expect(G711Encoder.aLaw(G711Decoder.decodeALaw(code)) == code)
        }
        for sample in stride(from: Int(Int16.min), through: Int(Int16.max), by: 7) {
            let x = Int16(sample)
            let mu = Int(G711Decoder.decodeMuLaw(G711Encoder.muLaw(x)))
            let a = Int(G711Decoder.decodeALaw(G711Encoder.aLaw(x)))
            // Quantisation error within half a step (steps grow to 1024 / 1024 at the top), clipping aside.
            let tolerance = max(16, abs(sample) / 16 + 8)
            if abs(sample) < 32_000 {
                #expect(abs(mu - sample) <= tolerance)
                #expect(abs(a - sample) <= tolerance)
            }
        }
    }

    @Test("errors: an unwritable path and invalid specs are typed errors")
    func errors() {
        #expect(throws: CaptureWriteError.self) { try CaptureWriter(path: "/nonexistent-dir/x.pcap") }
        #expect(throws: SynthesisError.self) {
            try CaptureSynthesizer(spec: smallSpec).write(to: "/nonexistent-dir/x.pcap")
        }
        var bad = smallSpec
        bad.ptime = 25
        #expect(throws: SynthesisError.self) { try bad.validate() }
        bad = smallSpec
        bad.calls = -1
        #expect(throws: SynthesisError.self) { try bad.validate() }
        bad = smallSpec
        bad.outcomeMix = OutcomeMix(answered: 0, busy: 0, noAnswer: 0, rejected: 0, failed: 0)
        #expect(throws: SynthesisError.self) { try bad.validate() }
    }
}

extension IPv4 {
    fileprivate init(value: UInt32) {
        self.init(UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF))
    }
}
