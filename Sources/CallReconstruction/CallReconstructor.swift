import CallscopeBase
import CallModel
import PacketDecoding
import SIPParsing

/// Where a frame stands in the inputs of a run: which input (an index into the reconstructor's
/// `inputs`), its number there (1-based) and its time (nanoseconds since the Unix epoch).
/// Diagnostics name the input and frame.
public struct FramePosition: Sendable, Hashable {
    public var input: Int
    public var frameNumber: Int
    public var timestamp: Int64

    public init(input: Int, frameNumber: Int, timestamp: Int64) {
        self.input = input
        self.frameNumber = frameNumber
        self.timestamp = timestamp
    }
}

/// Turns the frames of captures into calls: packets -> SIP/RTP -> calls.
///
/// Reconstruction is driven: whoever has frames (a file reader, a live interface, a test)
/// pushes them in time order with ``handleFrame(_:linkType:at:)``, or pushes packets it decoded
/// itself (a decoding thread) with ``handlePacket(_:at:)``, then calls ``finish()`` once. Nothing
/// here opens a file or starts a thread. SIP is found by content on any UDP, TCP or SCTP port;
/// problems go to the diagnostics callback as they are met, naming the input and frame.
///
/// ```swift
/// var reconstructor = CallReconstructor(inputs: ["eth0"]) { print($0) }
/// reconstructor.handleFrame(bytes, linkType: .ethernet, at: FramePosition(input: 0, frameNumber: 1, timestamp: t))
/// let (calls, summary) = reconstructor.finish()
/// ```
public struct CallReconstructor {
    /// Decodes the frames pushed whole (one defragmenter for every input).
    var decoder = PacketDecoder()
    /// TCP streams of every input (RFC 9293 §3.10 sequence numbers).
    var reassembler = TCPReassembler()
    /// Everything after decoding; kept apart from the two above so each can be mutated while
    /// the other hands it packets.
    var run: Run

    /// A reconstruction over `inputs` (the names diagnostics and the calls' `source` give: paths,
    /// `-` for standard input, an interface name), reporting problems to `diagnostics`.
    public init(options: ReconstructionOptions = .init(), inputs: [String], diagnostics: @escaping (Diagnostic) -> Void) {
        run = Run(options: options, inputs: inputs, diagnostics: diagnostics)
    }

    /// The counts so far: SIP messages, errors and warnings (frames and inputs are the driver's).
    public var summary: AnalysisSummary {
        var summary = run.summary
        summary.sipMessages = run.tracker.messageCount
        return summary
    }

    /// One captured frame, decoded here: link layer `linkType`, the bytes from its link-layer
    /// header. Frames come in time order (within an input, in capture order); the bytes are
    /// read during the call only.
    public mutating func handleFrame(_ bytes: UnsafeRawBufferPointer, linkType: LinkType, at position: FramePosition) {
        run.move(to: position)
        do {
            _ = try decoder.decode(frame: bytes, linkType: linkType, timestamp: position.timestamp) { packet in
                run.handle(packet, reassembler: &reassembler)
            }
        } catch {
            run.emit(.error, packet: position.frameNumber, String(describing: error))
        }
    }

    /// A transport packet of the frame at `position`, decoded by the driver (a decoding thread).
    public mutating func handlePacket(_ packet: TransportPacket, at position: FramePosition) {
        run.move(to: position)
        run.handle(packet, reassembler: &reassembler)
    }

    /// A frame the driver decoded to nothing to analyse (not IP, a fragment held): the run's
    /// clock and position still move to it.
    public mutating func handleEmptyFrame(at position: FramePosition) {
        run.move(to: position)
    }

    /// A frame whose decoding failed in the driver: `message` reported at it.
    public mutating func handleUndecodableFrame(_ message: String, at position: FramePosition) {
        run.move(to: position)
        run.emit(.error, packet: position.frameNumber, message)
    }

    /// A problem the driver met (an input it cannot open or read, fragments left at the end of
    /// a file it decoded), reported and counted with the others.
    public mutating func report(_ severity: Diagnostic.Severity, input: Int, packet: Int?, _ message: String) {
        run.emit(severity, packet: packet, message, input: input)
    }

    /// The clock moves to `time` with no frame (a live source that is quiet): calls whose
    /// linger for late retransmissions has passed become final, for ``takeFinishedCalls()``.
    public mutating func advance(to time: Timestamp) {
        run.tracker.advance(to: time)
        if run.tracker.hasCompleted {
            for call in run.tracker.takeCompleted() { run.finished.append(run.completed(call)) }
        }
    }

    /// The calls in progress as they stand, media not attached (read only; `watch`'s live view).
    public var callsInProgress: [Call] { run.tracker.callsInProgress }

    /// Whether calls were made final since the last ``takeFinishedCalls()``: a file driver that
    /// streams its output looks after every frame.
    public var hasFinishedCalls: Bool { !run.finished.isEmpty }

    /// The earliest start of the calls not yet final (nil when there are none): no call taken
    /// later with ``takeFinishedCalls()`` or ``finish()`` from those already begun starts before it.
    public var earliestOpenStart: Timestamp? { run.tracker.earliestActiveStart }

    /// The most calls in progress at once so far (those not yet final).
    public var peakOpenCalls: Int { run.tracker.peakActiveCount }

    /// The calls made final since the last call of this method, their media attached, in order
    /// of start (then Call-ID): what a live driver emits at once. `finish()` returns only the rest.
    public mutating func takeFinishedCalls() -> [Call] {
        defer { run.finished.removeAll() }
        return run.finished.sorted { ($0.start, $0.callID) < ($1.start, $1.callID) }
    }

    /// Ends the run: streams and calls still open are closed, media attached, streams of no
    /// call reported. Returns the calls in order of start (then Call-ID) and the counts (frames,
    /// duplicates and inputs are left to the driver). Call once.
    public mutating func finish() -> (calls: [Call], summary: AnalysisSummary) {
        if decoder.pendingFragmentGroups > 0 {
            // One defragmenter served every input: the datagrams' file is not known; the
            // warning stands at the last packet read.
            run.emit(.warning, packet: run.currentPacket, "\(decoder.pendingFragmentGroups) IP datagram\(decoder.pendingFragmentGroups == 1 ? "" : "s") never completed: fragments still missing when the inputs ended")
        }
        return run.finish(&reassembler)
    }
}

/// The state of a reconstruction after decoding: SIP framing and parsing, call tracking,
/// media association.
struct Run {
    let inputs: [String]
    let sourceNames: [String]
    let report: (Diagnostic) -> Void
    var summary = AnalysisSummary()
    var tracker: CallTracker
    var media: MediaAssociation
    /// Calls made final during the run, their media attached.
    var finished: [Call] = []
    var framers: [FlowKey: SIPStreamFramer] = [:]
    /// TCP streams that carry HEPv3 messages (a proxy's mirror sent to a collector over TCP).
    var hepStreams: [FlowKey: HEPStreamFramer] = [:]
    var webSockets = WebSocketStreams()
    /// TLS connections seen (SIP over TLS, wss), and where the first began: reported once at the end.
    var tls = (connections: 0, first: nil as (input: Int, packet: Int, flow: FlowKey)?)
    /// SIP over SCTP: user messages split over several DATA chunks joined (RFC 4960 §6.9).
    var sctp = SCTPReassembler()
    var currentInput = 0
    var currentPacket = 0
    var currentTime = Timestamp(nanoseconds: 0)
    /// The latest SIP message time of each input, to see its clock step back.
    var latestSIPTime: [Int64]
    /// Per Call-ID, the SIP message that went furthest back in time from the one before it in
    /// its file (rare: kept only when it happens), to name it when the call's times come out
    /// of order.
    var clockStepsBack: [String: (input: Int, packet: Int, nanoseconds: Int64)] = [:]
    /// The text of each flow's two ends, for the ladder (``endpointNames(_:)``).
    var flowNames = OpenHashTable<FlowKey, (source: String, destination: String)>()

    init(options: ReconstructionOptions, inputs: [String], diagnostics: @escaping (Diagnostic) -> Void) {
        self.inputs = inputs
        self.sourceNames = inputs.map(Run.sourceName)
        self.report = diagnostics
        self.tracker = CallTracker(options: options)
        self.latestSIPTime = Array(repeating: .min, count: inputs.count)
        self.media = MediaAssociation(options: options.media)
    }

    /// `captures/a.pcap` -> `a.pcap`; `-` -> `stdin`.
    static func sourceName(_ path: String) -> String {
        if path == "-" { return "stdin" }
        return String(path.split(separator: "/").last ?? Substring(path))
    }

    mutating func emit(_ severity: Diagnostic.Severity, packet: Int?, _ message: String, input: Int? = nil) {
        if severity == .error { summary.errors += 1 } else { summary.warnings += 1 }
        report(Diagnostic(severity, input: inputs[input ?? currentInput], packet: packet, message: message))
    }

    @inline(__always)
    mutating func move(to position: FramePosition) {
        currentInput = position.input
        currentPacket = position.frameNumber
        currentTime = Timestamp(nanoseconds: position.timestamp)
    }

    mutating func finish(_ reassembler: inout TCPReassembler) -> (calls: [Call], summary: AnalysisSummary) {
        finishStreams(&reassembler)
        var calls = finished
        finished = []
        for call in tracker.finish() { calls.append(completed(call)) }
        calls.sort { ($0.start, $0.callID) < ($1.start, $1.callID) }
        reportOrphans()
        summary.sipMessages = tracker.messageCount
        summary.sipMessagesWithoutCall = tracker.messagesWithoutCall
        summary.calls = calls.count
        summary.rtpPackets = media.counts.rtpPackets
        summary.rtcpPackets = media.counts.rtcpPackets
        return (calls, summary)
    }

    /// Remembers a SIP message of a call in progress whose time is before an earlier message of
    /// its file. Only calls the tracker holds are noted (REGISTER, OPTIONS and messages of no call
    /// are not), so the map is no larger than the open calls, whatever the capture's clock does.
    /// The Call-ID's `String` is built only when the clock stepped back.
    mutating func noteClock(_ message: SIPMessageView) {
        guard let callIDBytes = message.callID else { return }
        let now = currentTime.nanoseconds
        let latest = latestSIPTime[currentInput]
        guard now < latest else {
            latestSIPTime[currentInput] = now
            return
        }
        let callID = message.string(callIDBytes)
        guard tracker.isTracking(callID) else { return }
        let back = latest.subtractingReportingOverflow(now)
        let step = back.overflow ? Int64.max : back.partialValue
        if step > clockStepsBack[callID]?.nanoseconds ?? 0 {
            clockStepsBack[callID] = (currentInput, currentPacket, step)
        }
    }

    /// A call made final: its media attached, and a warning when its times are out of order
    /// (a capture clock that stepped back), at the packet where the clock went back.
    mutating func completed(_ call: Call) -> Call {
        let step = clockStepsBack.removeValue(forKey: call.callID)
        if let problem = call.timeOrderProblem {
            if let step {
                let seconds = Duration3(nanoseconds: step.nanoseconds).seconds3
                emit(.warning, packet: step.packet, "call \(call.callID) \(problem): the capture's clock stepped back \(seconds) s at this packet; its ring_s and talk_s are not meaningful", input: step.input)
            } else {
                emit(.warning, packet: nil, "call \(call.callID) \(problem); its ring_s and talk_s are not meaningful")
            }
        }
        return withMedia(call)
    }

    /// `call` with the RTP streams (and talk timeline) of its media.
    mutating func withMedia(_ call: Call) -> Call {
        var call = call
        let result = media.finish(callID: call.callID, answeredAt: call.answeredAt, endedAt: call.endedAt)
        call.streams = result.streams
        call.talk = result.talk
        if result.misplacedAudio > 0 {
            emit(.warning, packet: nil, "call \(call.callID): \(result.misplacedAudio) audio frames left out of its talk timeline: their RTP timestamps place them more than 60 s ahead of their arrival")
        }
        summary.rtpStreams += result.streams.count
        return call
    }

    /// Streams no SDP accounted for: one warning each, at the stream's first packet, so nothing
    /// is dropped unseen. Flows of one or two RTP-looking datagrams are summed up in one line:
    /// they are more often other UDP traffic whose first byte happens to look like RTP.
    mutating func reportOrphans() {
        let orphans = media.orphans()
        var short = (flows: 0, packets: 0, first: nil as MediaAssociation.Orphan?)
        for orphan in orphans {
            let stream = orphan.stream
            guard stream.packets >= Self.minimumOrphanPackets else {
                short.flows += 1
                short.packets += stream.packets
                if short.first == nil { short.first = orphan }
                continue
            }
            summary.orphanStreams += 1
            let codec = stream.codec ?? (stream.payloadType >= 0 ? "payload type \(stream.payloadType)" : "no audio payload")
            emit(.warning, packet: orphan.packet, "RTP stream \(stream.source) -> \(stream.destination) SSRC \(stream.ssrcText) (\(stream.packets) packets, \(codec)) belongs to no call: no SDP seen announces either address", input: orphan.input)
        }
        if short.flows > 0, let first = short.first {
            emit(.warning, packet: first.packet, "\(short.packets) RTP-looking datagrams in \(short.flows) flows of fewer than \(Self.minimumOrphanPackets) packets with no call, the first here: not analysed", input: first.input)
        }
        if media.counts.unassociatedPackets > 0 {
            emit(.warning, packet: nil, "\(media.counts.unassociatedPackets) RTP-like datagrams not analysed: more than \(MediaAssociation.orphanLimit) streams without a call")
        }
    }

    /// Fewer packets than this without a call is not reported as a stream.
    static let minimumOrphanPackets = 3

    mutating func handle(_ packet: TransportPacket, reassembler: inout TCPReassembler) {
        switch packet.flow.transport {
        case .udp:
            if SIPMessage.looksLikeSIP(packet.payload) {
                handleSIP(packet.payload, flow: packet.flow)
            } else if HEPPacket.looksLikeHEP(packet.payload, onHEPPort: packet.flow.destination.port == HEPPacket.wellKnownPort
                                                || packet.flow.source.port == HEPPacket.wellKnownPort) {
                handleHEP(packet.payload)
            } else {
                _ = media.handle(packet.flow, packet.payload, arrival: currentTime.nanoseconds, input: currentInput, packet: currentPacket)
            }
        case .sctp:
            var sctp = self.sctp
            self.sctp = SCTPReassembler()  // keep the reassembler uniquely referenced while it is mutated
            sctp.add(packet, timestamp: currentTime.nanoseconds) { event in handle(event) }
            self.sctp = sctp
        case .tcp:
            reassembler.add(packet, timestamp: currentTime.nanoseconds) { event in
                handle(event)
            }
        }
    }

    /// A HEP datagram (a proxy's mirror of a SIP message, as Homer collects them): its SIP is
    /// handled as if captured on the wire, at the time the HEP header gives (the frame's when
    /// it gives none). Other payload types (RTCP reports, logs) are counted, not read.
    mutating func handleHEP(_ bytes: UnsafeRawBufferPointer) {
        let hep: HEPPacket
        do {
            hep = try HEPPacket.parse(bytes)
        } catch {
            emit(.warning, packet: currentPacket, "HEP datagram not read: \(error)")
            return
        }
        summary.hepMessages += 1
        guard hep.payloadType == HEPPacket.sip, SIPMessage.looksLikeSIP(hep.payload) else { return }
        let frameTime = currentTime
        if let time = hep.timestamp { currentTime = Timestamp(nanoseconds: time) }
        handleSIP(hep.payload, flow: hep.flow)
        currentTime = frameTime
    }

    mutating func handle(_ event: TCPReassembler.Event) {
        switch event {
        case .data(let flow, let bytes):
            if framers[flow] == nil, takeHEPStream(flow, bytes) { return }
            if framers[flow] == nil, takeWebSocket(flow, bytes) { return }
            if framers[flow] == nil {
                guard let start = SIPStreamFramer.firstStartLine(in: bytes) else { return }
                if start > 0 {
                    emit(.warning, packet: currentPacket, "TCP \(flow.source) -> \(flow.destination): \(start) bytes before the first SIP message skipped (stream joined mid-message)")
                }
                framers[flow] = SIPStreamFramer()
                feed(flow, UnsafeRawBufferPointer(rebasing: bytes[start...]))
            } else {
                feed(flow, bytes)
            }
        case .gap(let flow, let missing):
            if let held = hepStreams[flow] {
                // Resynchronise at the next HEP3 header after the hole.
                hepStreams[flow] = HEPStreamFramer()
                emit(.warning, packet: currentPacket, "HEP over TCP \(flow.source) -> \(flow.destination): \(missing) bytes never captured; \(held.bufferedByteCount) buffered bytes of an unfinished HEP message dropped")
                return
            }
            if let warning = webSockets.gap(flow, missingBytes: missing) { emit(.warning, packet: currentPacket, warning) }
            guard var framer = framers[flow] else { return }
            let dropped = framer.reset()
            framers[flow] = framer
            emit(.warning, packet: currentPacket, "TCP \(flow.source) -> \(flow.destination): \(missing) bytes never captured; \(dropped) buffered bytes of an incomplete SIP message dropped")
        case .closed(let flow):
            if hepStreams.removeValue(forKey: flow) != nil { return }
            if let warning = webSockets.close(flow) { emit(.warning, packet: currentPacket, warning) }
            guard let framer = framers.removeValue(forKey: flow) else { return }
            if framer.bufferedByteCount > 0 {
                emit(.warning, packet: currentPacket, "TCP \(flow.source) -> \(flow.destination): stream ended inside a SIP message (\(framer.bufferedByteCount) bytes)")
            }
        }
    }

    mutating func handle(_ event: SCTPReassembler.Event) {
        switch event {
        case .message(let flow, let bytes):
            guard SIPMessage.looksLikeSIP(bytes) else { return }
            handleSIP(bytes, flow: flow)
        case .dropped(let flow, let drop):
            emit(.warning, packet: currentPacket, "SCTP \(flow.source) -> \(flow.destination): \(drop)")
        }
    }

    mutating func feed(_ flow: FlowKey, _ bytes: UnsafeRawBufferPointer) {
        guard var framer = framers[flow] else { return }
        framers[flow] = nil  // keep the framer uniquely referenced while it is mutated
        framer.append(bytes) { event in
            switch event {
            case .message(let message):
                handleSIP(message, flow: flow)
            case .skipped(let count, let reason):
                emit(.warning, packet: currentPacket, "TCP \(flow.source) -> \(flow.destination): \(count) \(reason) skipped")
            }
        }
        framers[flow] = framer
    }

    /// Bytes of a TCP direction that belong to a WebSocket (SIP over WebSocket, RFC 7118), its
    /// handshake, or TLS; false when they do not.
    /// Reads `bytes` as HEPv3 messages when the direction is one (it began with `HEP3`):
    /// each whole message is handled as a HEP datagram. Returns false for any other stream.
    mutating func takeHEPStream(_ flow: FlowKey, _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard var framer = hepStreams.removeValue(forKey: flow) ?? (HEPPacket.looksLikeHEP(bytes, onHEPPort: false) ? HEPStreamFramer() : nil) else {
            return false
        }
        if !framer.append(bytes) {
            emit(.warning, packet: currentPacket, "HEP over TCP \(flow.source) -> \(flow.destination): more than 1 MiB without a whole HEP3 message, dropped")
        }
        framer.drain { message in handleHEP(message) }
        hepStreams[flow] = framer
        return true
    }

    mutating func takeWebSocket(_ flow: FlowKey, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var streams = WebSocketStreams()
        swap(&streams, &webSockets)  // `self` is used by the callback while the streams are mutated
        defer { swap(&streams, &webSockets) }
        return streams.take(flow, bytes) { output in
            switch output {
            case .message(let message):
                handleSIP(message, transportName: "ws", flow: flow)
            case .warning(let text):
                emit(.warning, packet: currentPacket, text)
            case .tls:
                tls.connections += 1
                if tls.first == nil { tls.first = (currentInput, currentPacket, flow) }
            }
        }
    }

    mutating func handleSIP(_ bytes: UnsafeRawBufferPointer, flow: FlowKey) {
        handleSIP(bytes, transportName: flow.transport.name, flow: flow)
    }

    /// `transportName` is the call's `transport` when the message is its initial INVITE.
    mutating func handleSIP(_ bytes: UnsafeRawBufferPointer, transportName: String, flow: FlowKey) {
        do {
            _ = try SIPMessageView.parse(bytes) { message in
                handleSIP(message, bytes: bytes, transportName: transportName, flow: flow)
            }
        } catch {
            emit(.error, packet: currentPacket, error.description)
        }
    }

    /// One message read in place from `bytes` (the view's own bytes may be an unfolded copy):
    /// a `String` is built only for what a call keeps.
    private mutating func handleSIP(_ message: SIPMessageView, bytes: UnsafeRawBufferPointer, transportName: String, flow: FlowKey) {
        for problem in message.problems {
            emit(.warning, packet: currentPacket, "SIP \(message.label): \(problem)")
        }
        let time = currentTime
        let names = endpointNames(flow)
        let label = message.label  // the closure captures this, not the whole view
        tracker.handle(message, at: time, transport: transportName, source: sourceNames[currentInput]) { cseq in
            // The ladder (Call.messages), built only for a call's message.
            SIPMessageSummary(time: time, source: names.source, destination: names.destination, transport: transportName,
                              label: label, cseqNumber: cseq.number, cseqMethod: cseq.method.name,
                              firstLine: SIPMessageSummary.firstLine(of: bytes))
        }
        noteClock(message)
        if let method = message.method, method == .bye || method == .cancel, let callID = message.callID {
            media.markEnded(message.string(callID), at: currentTime.nanoseconds)  // its addresses are free for the next call at once
        }
        for (callID, offer) in tracker.takeMediaOffers() { media.register(offer, callID: callID) }
        if tracker.hasCompleted {
            for call in tracker.takeCompleted() { finished.append(completed(call)) }
        }
    }

    /// `address:port` of a flow's two ends for the ladder, formatted once per flow (a flow's
    /// messages then share the two strings). At most `endpointNameLimit` flows are remembered.
    mutating func endpointNames(_ flow: FlowKey) -> (source: String, destination: String) {
        if let index = flowNames.index(of: flow) { return flowNames.states[index] }
        if flowNames.count >= Self.endpointNameLimit { flowNames.removeAll() }
        let names = (flow.source.description, flow.destination.description)
        flowNames.insert(flow, names)
        return names
    }

    static let endpointNameLimit = 65_536

    mutating func finishStreams(_ reassembler: inout TCPReassembler) {
        reassembler.flush { event in handle(event) }
        var sctp = self.sctp
        self.sctp = SCTPReassembler()
        sctp.flush { event in handle(event) }
        for (flow, framer) in framers where framer.bufferedByteCount > 0 {
            emit(.warning, packet: nil, "TCP \(flow.source) -> \(flow.destination): capture ended inside a SIP message (\(framer.bufferedByteCount) bytes)")
        }
        framers.removeAll()
        webSockets.removeAll()
        if let first = tls.first {
            let count = tls.connections == 1 ? "1 TLS connection" : "\(tls.connections) TLS connections"
            emit(.warning, packet: first.packet, "\(count), the first TCP \(first.flow.source) -> \(first.flow.destination): encrypted, so any SIP over TLS or secure WebSocket (wss) in them is not read", input: first.input)
        }
    }
}

extension TransportProtocol {
    /// `udp`, `tcp` or `sctp`, as in the `transport` output field (`ws` is given by ``Run/takeWebSocket(_:_:)``).
    var name: String {
        switch self {
        case .udp: "udp"
        case .tcp: "tcp"
        case .sctp: "sctp"
        }
    }
}
