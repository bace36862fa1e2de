/// A talk spurt of one side: frames `start..<end` of the stream carry bank frames from `bankFrame` on.
struct Spurt: Sendable {
    var start: Int
    var end: Int
    var bankFrame: Int
}

/// Who talks when in an answered call: alternating turns with pauses, some overlap.
///
/// Why: the analyzer's voice-activity detector must find turns (and talk-over), so the
/// two directions carry speech in alternation. The agent greets first, 0.3-0.8 s after
/// the streams start, with a short utterance (at most 3 s); each turn is one bank
/// utterance (1-6 s); after it, 18% of the time the other side starts 0.2-1.2 s before
/// the end (overlap), 12% of the time the same side goes on after a 0.4-0.9 s pause,
/// otherwise the other side answers after 0.15-1 s.
enum Conversation {
    /// Spurts of the caller (`[0]`) and of the agent (`[1]`), each sorted and non-overlapping.
    static func spurts(frames total: Int, ptime: Int, bank: SpeechBank, rng: inout Xoshiro256) -> [[Spurt]] {
        func frames(_ lowerMs: Double, _ upperMs: Double) -> Int {
            max(1, Int(rng.uniform(lowerMs, upperMs)) / ptime)
        }
        var result: [[Spurt]] = [[], []]
        var nextFree = [0, 0]
        var speaker = 1
        var t = frames(300, 800)
        var greeting = true
        while t < total {
            var utterance = rng.below(bank.utteranceFrames.count)
            if greeting {
                // The greeting is short ("thank you for calling, how can I help?"): at most 3 s.
                let limit = 3000 / ptime
                var tries = 0
                while bank.utteranceFrames[utterance] > limit, tries < 16 {
                    utterance = rng.below(bank.utteranceFrames.count)
                    tries += 1
                }
                greeting = false
            }
            let start = max(t, nextFree[speaker])
            if start >= total { break }
            let end = min(start + bank.utteranceFrames[utterance], total)
            result[speaker].append(Spurt(start: start, end: end, bankFrame: bank.utteranceStart[utterance]))
            nextFree[speaker] = end + max(1, 100 / ptime)
            let r = rng.unit()
            if r < 0.18 {
                t = max(start + 1, end - frames(200, 1200))
                speaker = 1 - speaker
            } else if r < 0.30 {
                t = end + frames(400, 900)
            } else {
                t = end + frames(150, 1000)
                speaker = 1 - speaker
            }
        }
        return result
    }
}

/// One direction of an answered call's media: RTP every ptime (RFC 3550 §5.1) and an
/// RTCP sender report every interval (RFC 3550 §6.4.1) with a report block on the other
/// direction and an SDES CNAME (compound packet, §6.1).
///
/// Sequence number, timestamp and SSRC start random (§5.1); the timestamp advances by the
/// samples per packet; the marker bit is set on the first packet only (§5.1, RFC 3551 §4.1:
/// no silence suppression, so there is one talkspurt start). Each packet leaves at
/// start + k * ptime plus 0-300 µs of jitter, so streams never lose or reorder packets.
struct MediaStream: Sendable {
    let source: IPv4
    let sourcePort: UInt16
    let destination: IPv4
    let destinationPort: UInt16
    let payloadType: UInt8
    let ssrc: UInt32
    let sequenceBase: UInt16
    let timestampBase: UInt32
    let start: Int64
    let packets: Int
    let ptimeNanoseconds: Int64
    let samplesPerPacket: Int
    var spurts: [Spurt]
    var spurtIndex = 0
    var sent = 0
    var identification: UInt16
    var rng: Xoshiro256
    /// When the next RTP packet leaves.
    var nextTime: Int64

    // RTCP.
    let rtcpCount: Int
    let rtcpInterval: Int64
    let rtcpOffset: Int64
    var rtcpSent = 0
    let cname: [UInt8]
    /// The other direction, for the report block (what this side has received).
    var peerSSRC: UInt32 = 0
    var peerSequenceBase: UInt16 = 0
    var peerStart: Int64 = 0
    var peerPackets = 0
    var peerRTCPOffset: Int64 = 0
    var peerRTCPCount = 0

    var rtcpNextTime: Int64 { start + Int64(rtcpSent + 1) * rtcpInterval + rtcpOffset }

    init(
        source: IPv4, sourcePort: UInt16, destination: IPv4, destinationPort: UInt16,
        codec: G711Codec, start: Int64, packets: Int, ptime: Int, rtcpInterval: Int64,
        spurts: [Spurt], cname: String, seed: UInt64
    ) {
        var rng = Xoshiro256(seed: seed)
        self.source = source
        self.sourcePort = sourcePort
        self.destination = destination
        self.destinationPort = destinationPort
        payloadType = codec.payloadType
        ssrc = UInt32(truncatingIfNeeded: rng.next())
        sequenceBase = UInt16(truncatingIfNeeded: rng.next())
        timestampBase = UInt32(truncatingIfNeeded: rng.next())
        identification = UInt16(truncatingIfNeeded: rng.next())
        self.start = start
        self.packets = packets
        ptimeNanoseconds = Int64(ptime) * 1_000_000
        samplesPerPacket = ptime * 8
        self.spurts = spurts
        self.rtcpInterval = rtcpInterval
        let span = Int64(packets) * ptimeNanoseconds
        rtcpCount = packets > 0 ? Int((span - 1) / rtcpInterval) : 0
        rtcpOffset = rng.millis(0.5, 8)
        self.cname = Array(cname.utf8.prefix(255))
        nextTime = start + rng.millis(0, 0.3)
        self.rng = rng
    }

    mutating func link(peer: MediaStream) {
        peerSSRC = peer.ssrc
        peerSequenceBase = peer.sequenceBase
        peerStart = peer.start
        peerPackets = peer.packets
        peerRTCPOffset = peer.rtcpOffset
        peerRTCPCount = peer.rtcpCount
    }

    /// Writes the next RTP packet (headers included) at `frame`; returns its length and the
    /// time of the packet after it (`nil` after the last one).
    @inline(__always)
    mutating func writeRTP(
        into frame: UnsafeMutableRawPointer, muLaw: UnsafeRawPointer, aLaw: UnsafeRawPointer,
        silenceStart: Int, silenceFrames: Int
    ) -> (Int, Int64?) {
        guard sent < packets else { return (0, nil) }
        let index = sent
        let payload = samplesPerPacket
        Wire.writeHeaders(
            frame, source: source, sourcePort: sourcePort, destination: destination, destinationPort: destinationPort,
            payloadLength: 12 + payload, tos: Wire.tosMedia, identification: identification)
        identification &+= 1
        let rtp = frame + Wire.headerLength
        rtp.storeBytes(of: UInt8(0x80), toByteOffset: 0, as: UInt8.self)
        rtp.storeBytes(of: payloadType | (index == 0 ? 0x80 : 0), toByteOffset: 1, as: UInt8.self)
        rtp.storeBytes(of: (sequenceBase &+ UInt16(truncatingIfNeeded: index)).bigEndian, toByteOffset: 2, as: UInt16.self)
        let timestamp = timestampBase &+ UInt32(truncatingIfNeeded: index &* payload)
        rtp.storeBytes(of: timestamp.bigEndian, toByteOffset: 4, as: UInt32.self)
        rtp.storeBytes(of: ssrc.bigEndian, toByteOffset: 8, as: UInt32.self)

        while spurtIndex < spurts.count, index >= spurts[spurtIndex].end { spurtIndex += 1 }
        let bankFrame: Int
        if spurtIndex < spurts.count, index >= spurts[spurtIndex].start {
            bankFrame = spurts[spurtIndex].bankFrame + (index - spurts[spurtIndex].start)
        } else {
            bankFrame = silenceStart + (index &+ Int(ssrc & 0xFF)) % silenceFrames
        }
        let bank = payloadType == G711Codec.pcma.payloadType ? aLaw : muLaw
        (rtp + 12).copyMemory(from: bank + bankFrame * payload, byteCount: payload)

        sent += 1
        nextTime = start + Int64(sent) * ptimeNanoseconds + Int64(rng.next() % 300_000)
        return (Wire.headerLength + 12 + payload, sent < packets ? nextTime : nil)
    }

    /// Writes the next RTCP compound packet (SR + SDES) at `frame` for time `now`; returns its
    /// length and the time of the next report (`nil` after the last one).
    mutating func writeRTCP(into frame: UnsafeMutableRawPointer, now: Int64) -> (Int, Int64?) {
        guard rtcpSent < rtcpCount else { return (0, nil) }
        let rtcp = frame + Wire.headerLength
        var offset = 0
        func put8(_ v: UInt8) { rtcp.storeBytes(of: v, toByteOffset: offset, as: UInt8.self); offset += 1 }
        func put16(_ v: UInt16) { rtcp.storeBytes(of: v.bigEndian, toByteOffset: offset, as: UInt16.self); offset += 2 }
        func put32(_ v: UInt32) { rtcp.storeBytes(of: v.bigEndian, toByteOffset: offset, as: UInt32.self); offset += 4 }

        // What this side has received from the other: packets due by `now`.
        var received = 0
        if now >= peerStart {
            received = min(peerPackets, Int((now - peerStart) / ptimeNanoseconds) + 1)
        }
        let reportCount: UInt8 = received > 0 ? 1 : 0

        // Sender report (RFC 3550 §6.4.1).
        put8(0x80 | reportCount)
        put8(200)
        put16(reportCount == 1 ? 12 : 6)
        put32(ssrc)
        let ntp = Self.ntp(now)
        put32(UInt32(truncatingIfNeeded: ntp >> 32))
        put32(UInt32(truncatingIfNeeded: ntp))
        let elapsedSamples = (now - start) / 125_000  // 8 kHz
        put32(timestampBase &+ UInt32(truncatingIfNeeded: elapsedSamples))
        put32(UInt32(truncatingIfNeeded: sent))
        put32(UInt32(truncatingIfNeeded: sent &* samplesPerPacket))
        if reportCount == 1 {
            put32(peerSSRC)
            put32(0)  // fraction lost 0, cumulative lost 0
            put32(UInt32(peerSequenceBase) &+ UInt32(truncatingIfNeeded: received - 1))
            put32(UInt32(1 + rng.below(4)))  // interarrival jitter, timestamp units
            // Last SR received from the peer, if any: middle 32 bits of its NTP time, and the delay since.
            var lastSR: Int64?
            if peerRTCPCount > 0, now > peerStart + rtcpInterval + peerRTCPOffset {
                let k = min(Int64(peerRTCPCount), (now - peerStart - peerRTCPOffset) / rtcpInterval)
                if k >= 1 { lastSR = peerStart + k * rtcpInterval + peerRTCPOffset }
            }
            if let lastSR, lastSR < now {
                put32(UInt32(truncatingIfNeeded: Self.ntp(lastSR) >> 16))
                put32(UInt32(truncatingIfNeeded: (now - lastSR) * 65_536 / 1_000_000_000))
            } else {
                put32(0)
                put32(0)
            }
        }

        // SDES with CNAME (RFC 3550 §6.5), padded to a 32-bit boundary with null octets.
        let itemsLength = 2 + cname.count + 1
        let chunkLength = (4 + itemsLength + 3) / 4 * 4
        put8(0x81)
        put8(202)
        put16(UInt16(chunkLength / 4))
        put32(ssrc)
        put8(1)
        put8(UInt8(cname.count))
        for byte in cname { put8(byte) }
        for _ in 0..<(chunkLength - 4 - 2 - cname.count) { put8(0) }

        Wire.writeHeaders(
            frame, source: source, sourcePort: sourcePort + 1, destination: destination,
            destinationPort: destinationPort + 1, payloadLength: offset, tos: Wire.tosMedia,
            identification: identification)
        identification &+= 1
        rtcpSent += 1
        return (Wire.headerLength + offset, rtcpSent < rtcpCount ? rtcpNextTime : nil)
    }

    /// 64-bit NTP timestamp (seconds since 1900 . fraction) of a Unix-epoch nanosecond time.
    static func ntp(_ nanoseconds: Int64) -> UInt64 {
        let seconds = UInt64(nanoseconds / 1_000_000_000) + 2_208_988_800
        let fraction = UInt64(nanoseconds % 1_000_000_000) << 32 / 1_000_000_000
        return seconds << 32 | fraction
    }
}
