import CallscopeBase
import PacketCapture

/// Writes the capture a ``SyntheticCaptureSpec`` describes: every planned call's SIP
/// messages, RTP and RTCP as Ethernet/IPv4/UDP frames, all calls interleaved in
/// timestamp order, through ``PacketCapture/CaptureWriter`` (libpcap's dump API).
///
/// Why this shape: a benchmark file of 2 million packets must not need 2 million packets
/// in memory. Calls are admitted from the lazy ``SyntheticCallPlanner`` when their INVITE
/// time comes; each live stream of each call in progress has one entry in a min-heap
/// keyed by its next packet time; the earliest packet is built in one reused buffer and
/// written. Memory is O(calls in progress); RTP payloads are copied from a pre-encoded
/// ``SpeechBank``.
///
/// ```swift
/// let spec = SyntheticCaptureSpec(calls: 20, seed: 7)
/// let summary = try CaptureSynthesizer(spec: spec).write(to: "/tmp/calls.pcap")
/// assert(summary.packets == spec.expectedPacketCount())
/// ```
public struct CaptureSynthesizer: Sendable {
    /// What to generate.
    public let spec: SyntheticCaptureSpec

    public init(spec: SyntheticCaptureSpec) {
        self.spec = spec
    }

    /// Creates (or truncates) `path` (`-`: standard output) and writes the whole capture.
    /// - Throws: ``SynthesisError`` for an invalid spec or a file that cannot be written.
    public func write(to path: String) throws(SynthesisError) -> SynthesisSummary {
        try spec.validate()
        let writer: CaptureWriter
        do {
            writer = try CaptureWriter(path: path)
        } catch {
            throw SynthesisError.write(path: path, reason: error.reason)
        }
        return try write(to: writer)
    }

    /// Writes the whole capture to an open writer, then flushes it.
    /// - Throws: ``SynthesisError`` for an invalid spec or a write error reported by the flush.
    public func write(to writer: CaptureWriter) throws(SynthesisError) -> SynthesisSummary {
        try spec.validate()
        var engine = SynthesisEngine(spec: spec)
        let bytesBefore = writer.bytesWritten
        var summary = engine.run(writer: writer)
        do {
            try writer.flush()
        } catch {
            throw SynthesisError.write(path: writer.path, reason: error.reason)
        }
        summary.recordBytes = writer.bytesWritten - bytesBefore
        return summary
    }
}

/// What a ``CaptureSynthesizer`` wrote.
public struct SynthesisSummary: Sendable, Hashable {
    /// Call attempts (INVITEs).
    public var calls = 0
    /// Records written: `sipMessages + rtpPackets + rtcpPackets`.
    public var packets = 0
    /// SIP messages (one per UDP datagram).
    public var sipMessages = 0
    /// RTP packets, both directions of every answered call.
    public var rtpPackets = 0
    /// RTCP compound packets (SR + SDES).
    public var rtcpPackets = 0
    /// Bytes of the records (16-byte record headers plus frames), without the 24-byte file header.
    public var recordBytes = 0
    /// Call attempts by outcome.
    public var outcomes: [SyntheticOutcome: Int] = [:]
    /// The most calls in progress at once.
    public var peakConcurrentCalls = 0
    /// First record time, nanoseconds since the epoch (0 when nothing was written).
    public var firstTimestamp: Int64 = 0
    /// Last record time, nanoseconds since the epoch (0 when nothing was written).
    public var lastTimestamp: Int64 = 0

    /// The size of the file: 24-byte header plus ``recordBytes``.
    public var fileBytes: Int { 24 + recordBytes }
}

/// A call in progress.
private struct ActiveCall {
    var plan: SyntheticCallPlan
    var sip: [SIPEvent]
    var sipNext = 0
    var caller: MediaStream?
    var agent: MediaStream?
    var liveStreams = 0

    /// Frames the next SIP message; returns its length (0 if it does not fit, which our
    /// messages never reach) and the time of the message after it, if any.
    mutating func writeNextSIP(
        into frame: UnsafeMutableRawPointer, capacity: Int, identification: inout (UInt16, UInt16)
    ) -> (Int, Int64?) {
        guard sipNext < sip.count else { return (0, nil) }
        let index = sipNext
        sipNext += 1
        let next = sipNext < sip.count ? sip[sipNext].time : nil
        let count = sip[index].bytes.count
        guard Wire.headerLength + count <= capacity, count <= 65_000 else { return (0, next) }
        let fromCaller = sip[index].fromCaller
        let (source, destination) = fromCaller ? (plan.callerAddress, IPv4.pbx) : (IPv4.pbx, plan.callerAddress)
        let id = fromCaller ? identification.0 : identification.1
        if fromCaller { identification.0 &+= 1 } else { identification.1 &+= 1 }
        Wire.writeHeaders(
            frame, source: source, sourcePort: 5060, destination: destination, destinationPort: 5060,
            payloadLength: count, tos: Wire.tosSignalling, identification: id)
        sip[index].bytes.withUnsafeBytes { bytes in
            if let base = bytes.baseAddress {
                (frame + Wire.headerLength).copyMemory(from: base, byteCount: bytes.count)
            }
        }
        return (Wire.headerLength + count, next)
    }
}

private enum StreamKind: UInt8 {
    case sip = 0, callerRTP, agentRTP, callerRTCP, agentRTCP
}

private struct SynthesisEngine {
    let spec: SyntheticCaptureSpec
    let bank: SpeechBank
    var queue = EventQueue()
    var calls: [ActiveCall?] = []
    var freeSlots: [Int32] = []
    var sipIdentification: (UInt16, UInt16) = (0x1000, 0x8000)
    var summary = SynthesisSummary()
    var active = 0

    init(spec: SyntheticCaptureSpec) {
        self.spec = spec
        bank = SpeechBank(seed: spec.seed, ptime: spec.ptime)
    }

    mutating func run(writer: CaptureWriter) -> SynthesisSummary {
        let capacity = 65_536
        let frame = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        defer { frame.deallocate() }
        let muLaw = bank.muLaw
        let aLaw = bank.aLaw
        let silenceStart = bank.silenceStart
        let silenceFrames = bank.silenceFrames
        var planner = spec.plannedCalls()
        var pending = planner.next()

        muLaw.withUnsafeBytes { mu in
            aLaw.withUnsafeBytes { a in
                guard let muBase = mu.baseAddress, let aBase = a.baseAddress else { return }
                while true {
                    if let plan = pending, plan.inviteTime <= queue.min?.time ?? .max {
                        admit(plan)
                        pending = planner.next()
                        continue
                    }
                    guard let entry = queue.min else { break }
                    let slot = Int(entry.slot)
                    let time = entry.time
                    var length = 0
                    var next: Int64? = nil
                    switch StreamKind(rawValue: entry.stream) {
                    case .sip:
                        (length, next) = calls[slot]?.writeNextSIP(
                            into: frame, capacity: capacity, identification: &sipIdentification) ?? (0, nil)
                        summary.sipMessages += 1
                    case .callerRTP:
                        (length, next) = calls[slot]?.caller?.writeRTP(
                            into: frame, muLaw: muBase, aLaw: aBase, silenceStart: silenceStart,
                            silenceFrames: silenceFrames) ?? (0, nil)
                        summary.rtpPackets += 1
                    case .agentRTP:
                        (length, next) = calls[slot]?.agent?.writeRTP(
                            into: frame, muLaw: muBase, aLaw: aBase, silenceStart: silenceStart,
                            silenceFrames: silenceFrames) ?? (0, nil)
                        summary.rtpPackets += 1
                    case .callerRTCP:
                        (length, next) = calls[slot]?.caller?.writeRTCP(into: frame, now: time) ?? (0, nil)
                        summary.rtcpPackets += 1
                    case .agentRTCP:
                        (length, next) = calls[slot]?.agent?.writeRTCP(into: frame, now: time) ?? (0, nil)
                        summary.rtcpPackets += 1
                    case nil:
                        break
                    }
                    if length > 0 {
                        writer.write(timestamp: time, frame: UnsafeRawBufferPointer(start: frame, count: length))
                        if summary.packets == 0 { summary.firstTimestamp = time }
                        summary.lastTimestamp = time
                        summary.packets += 1
                    }
                    if let next {
                        var later = entry
                        later.time = next
                        queue.replaceMin(with: later)
                    } else {
                        queue.popMin()
                        let live = (calls[slot]?.liveStreams ?? 1) - 1
                        calls[slot]?.liveStreams = live
                        if live <= 0 {
                            calls[slot] = nil
                            freeSlots.append(entry.slot)
                            active -= 1
                        }
                    }
                }
            }
        }
        return summary
    }

    /// Builds a call's SIP messages and media streams and queues its first events.
    private mutating func admit(_ plan: SyntheticCallPlan) {
        var rng = Xoshiro256(seed: plan.callSeed)
        let script = SIPScript(plan: plan, rng: &rng)
        var (events, media) = script.events(rng: &rng)
        events.sort { $0.time < $1.time }  // already in order; stable for equal times
        var call = ActiveCall(plan: plan, sip: events)
        if let media, plan.talkPackets > 0 {
            let spurts = Conversation.spurts(frames: plan.talkPackets, ptime: plan.ptime, bank: bank, rng: &rng)
            var caller = MediaStream(
                source: plan.callerAddress, sourcePort: plan.callerMediaPort,
                destination: plan.agentAddress, destinationPort: plan.agentMediaPort,
                codec: plan.codec, start: media.callerStart, packets: plan.talkPackets, ptime: plan.ptime,
                rtcpInterval: plan.rtcpIntervalNanoseconds, spurts: spurts[0],
                cname: "\(plan.callerNumber)@\(plan.callerAddress)", seed: rng.next())
            var agent = MediaStream(
                source: plan.agentAddress, sourcePort: plan.agentMediaPort,
                destination: plan.callerAddress, destinationPort: plan.callerMediaPort,
                codec: plan.codec, start: media.agentStart, packets: plan.talkPackets, ptime: plan.ptime,
                rtcpInterval: plan.rtcpIntervalNanoseconds, spurts: spurts[1],
                cname: "agent\(plan.agent)@\(plan.agentAddress)", seed: rng.next())
            caller.link(peer: agent)
            agent.link(peer: caller)
            call.caller = caller
            call.agent = agent
        }

        let slot: Int32
        if let free = freeSlots.popLast() {
            slot = free
        } else {
            slot = Int32(calls.count)
            calls.append(nil)
        }
        let tieBase = UInt64(plan.index) << 3
        func enqueue(_ time: Int64, _ kind: StreamKind) {
            queue.push(ScheduledPacket(time: time, tie: tieBase | UInt64(kind.rawValue), slot: slot, stream: kind.rawValue))
            call.liveStreams += 1
        }
        if let first = call.sip.first { enqueue(first.time, .sip) }
        if let caller = call.caller, caller.packets > 0 {
            enqueue(caller.nextTime, .callerRTP)
            if caller.rtcpCount > 0 { enqueue(caller.rtcpNextTime, .callerRTCP) }
        }
        if let agent = call.agent, agent.packets > 0 {
            enqueue(agent.nextTime, .agentRTP)
            if agent.rtcpCount > 0 { enqueue(agent.rtcpNextTime, .agentRTCP) }
        }
        calls[Int(slot)] = call
        active += 1
        summary.calls += 1
        summary.outcomes[plan.outcome, default: 0] += 1
        summary.peakConcurrentCalls = max(summary.peakConcurrentCalls, active)
    }
}
