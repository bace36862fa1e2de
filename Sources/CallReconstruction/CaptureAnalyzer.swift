import CallModel
import PacketCapture
import PacketDecoding
import SIPParsing

/// Reads capture files and reconstructs their calls: capture -> packets -> SIP -> calls.
///
/// Several files are merged in timestamp order, so a call spanning rotated files comes out
/// whole. SIP is found by content on any UDP, TCP or SCTP port. Problems are reported through
/// the diagnostics callback as they are met, with the file and packet number.
public struct CaptureAnalyzer: Sendable {
    public var options: ReconstructionOptions

    public init(options: ReconstructionOptions = .init()) {
        self.options = options
    }

    /// The calls of `inputs` (paths, `-` for standard input) and the run's counts.
    /// - Parameters:
    ///   - progress: called every 2^20 packets with the counts so far (packets, SIP messages).
    ///   - diagnostics: called for every problem found, as it is found.
    public func analyze(
        _ inputs: [String],
        progress: ((AnalysisSummary) -> Void)? = nil,
        diagnostics: (Diagnostic) -> Void
    ) -> (calls: [Call], summary: AnalysisSummary) {
        withoutActuallyEscaping(diagnostics) { report in
            var run = Run(options: options, inputs: inputs, diagnostics: report)
            run.progress = progress
            return run.execute()
        }
    }
}

/// The mutable state of one analysis run.
private struct Run {
    let inputs: [String]
    let jobs: Int
    let sourceNames: [String]
    let report: (Diagnostic) -> Void
    var progress: ((AnalysisSummary) -> Void)?
    var summary = AnalysisSummary()
    var tracker: CallTracker
    var media: MediaAssociation
    /// Calls made final during the run, their media attached.
    var finished: [Call] = []
    var framers: [FlowKey: SIPStreamFramer] = [:]
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

    init(options: ReconstructionOptions, inputs: [String], diagnostics: @escaping (Diagnostic) -> Void) {
        self.inputs = inputs
        self.jobs = options.jobs
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

    mutating func execute() -> (calls: [Call], summary: AnalysisSummary) {
        summary.inputs = inputs.count
        var files: [CaptureFile] = []
        var indexOfFile: [Int] = []  // merge position -> input position
        for (index, path) in inputs.enumerated() {
            do {
                files.append(try CaptureFile(path: path, fileIndex: files.count))
                indexOfFile.append(index)
            } catch {
                summary.unreadableInputs += 1
                emit(.error, packet: nil, error.isUnknownFormat ? "not a capture file libpcap can read (\(error.reason))" : "cannot open: \(error.reason)", input: index)
            }
        }
        var reassembler = TCPReassembler()
        if jobs > 1, files.count > 1 {
            readInParallel(files, indexOfFile: indexOfFile, reassembler: &reassembler)
        } else {
            readInOrder(files, indexOfFile: indexOfFile, reassembler: &reassembler)
        }
        finishStreams(&reassembler)
        var calls = finished
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

    /// One thread reads, decodes and analyses the files, merged in timestamp order.
    mutating func readInOrder(_ files: [CaptureFile], indexOfFile: [Int], reassembler: inout TCPReassembler) {
        let merged = MergedCapture(files: files)
        var decoder = PacketDecoder()
        var reportedReadErrors = 0
        while let frame = merged.next() {
            currentInput = indexOfFile[frame.fileIndex]
            currentPacket = frame.frameNumber
            currentTime = Timestamp(nanoseconds: frame.timestamp)
            summary.packets += 1
            if summary.packets & 0xF_FFFF == 0, let progress {
                summary.sipMessages = tracker.messageCount
                progress(summary)
            }
            handle(frame, decoder: &decoder, reassembler: &reassembler)
            reportReadErrors(merged, after: &reportedReadErrors)
        }
        reportReadErrors(merged, after: &reportedReadErrors)
        summary.duplicateFrames = merged.duplicateFrames
        if decoder.pendingFragmentGroups > 0 {
            // One defragmenter served every input: the datagrams' file is not known; the
            // warning stands at the last packet read.
            emit(.warning, packet: currentPacket, "\(decoder.pendingFragmentGroups) IP datagram\(decoder.pendingFragmentGroups == 1 ? "" : "s") never completed: fragments still missing when the inputs ended")
        }
    }

    /// `--jobs`: the files are read and decoded by a pool of `jobs` threads (``DecodingPool``);
    /// this thread merges their events in timestamp order (ties in input order, as
    /// ``MergedCapture``) and does the rest, so the calls are the same as with one thread.
    mutating func readInParallel(_ files: [CaptureFile], indexOfFile: [Int], reassembler: inout TCPReassembler) {
        let pool = DecodingPool(files: files, threads: jobs)
        defer { pool.shutDown() }
        // The current batch of each file, and a min-heap of (next timestamp, file) over the
        // files that still have events: O(log files) per event, no batch copied per event.
        var current: [DecodedBatch] = []
        var positions = [Int](repeating: 0, count: files.count)
        var heap: [(time: Int64, file: Int)] = []
        func precedes(_ a: (time: Int64, file: Int), _ b: (time: Int64, file: Int)) -> Bool {
            a.time != b.time ? a.time < b.time : a.file < b.file
        }
        func push(_ element: (time: Int64, file: Int)) {
            heap.append(element)
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard precedes(heap[child], heap[parent]) else { break }
                heap.swapAt(child, parent)
                child = parent
            }
        }
        func popMin() -> (time: Int64, file: Int)? {
            guard let top = heap.first else { return nil }
            let last = heap.removeLast()
            if !heap.isEmpty {
                heap[0] = last
                var parent = 0
                while true {
                    let left = 2 * parent + 1, right = left + 1
                    var smallest = parent
                    if left < heap.count, precedes(heap[left], heap[smallest]) { smallest = left }
                    if right < heap.count, precedes(heap[right], heap[smallest]) { smallest = right }
                    if smallest == parent { break }
                    heap.swapAt(parent, smallest)
                    parent = smallest
                }
            }
            return top
        }
        /// Moves file `index` to its next event, fetching batches as needed; false at its end.
        func advance(_ index: Int, run: inout Run) -> Bool {
            while positions[index] >= current[index].events.count {
                if current[index].isLast {
                    run.finishFile(current[index], input: indexOfFile[index])
                    current[index] = DecodedBatch()
                    return false
                }
                current[index] = pool.take(index)
                run.summary.packets += current[index].frames
                positions[index] = 0
            }
            return true
        }
        for index in files.indices {
            current.append(pool.take(index))
            summary.packets += current[index].frames
        }
        for index in files.indices where advance(index, run: &self) {
            push((current[index].events[0].timestamp, index))
        }
        var reported = 0
        // Copies of another file's frames are compared on what they decoded to (the frame bytes
        // are gone); the heap holds the other files' next events.
        var duplicates = DuplicateFrameFilter()
        var lastDuplicate: (file: Int, frame: Int)?
        while let (_, file) = popMin() {
            let position = positions[file]
            positions[file] += 1
            let timestamp = current[file].events[position].timestamp
            let frameNumber = current[file].events[position].frameNumber
            if duplicates.mustCheck(time: timestamp, file: file, nextOfOtherFiles: heap.first?.time),
               duplicates.isDuplicate(fingerprint: current[file].fingerprint(of: position), file: file) {
                if lastDuplicate.map({ $0 != (file, frameNumber) }) ?? true {  // a frame may give several events
                    lastDuplicate = (file, frameNumber)
                    summary.duplicateFrames += 1
                    summary.packets -= 1
                }
                if advance(file, run: &self) { push((current[file].events[positions[file]].timestamp, file)) }
                continue
            }
            currentInput = indexOfFile[file]
            currentPacket = frameNumber
            currentTime = Timestamp(nanoseconds: timestamp)
            if summary.packets >> 20 != reported, let progress {
                reported = summary.packets >> 20
                summary.sipMessages = tracker.messageCount
                progress(summary)
            }
            switch current[file].events[position].kind {
            case .packet(let flow, let range, let tcp, let sctp):
                current[file].bytes.withUnsafeBytes { bytes in
                    handle(TransportPacket(flow: flow, payload: UnsafeRawBufferPointer(rebasing: bytes[range]), tcp: tcp, sctp: sctp), reassembler: &reassembler)
                }
            case .decodeError(let message):
                emit(.error, packet: frameNumber, message)
            case .nothing:
                break
            }
            if advance(file, run: &self) {
                push((current[file].events[positions[file]].timestamp, file))
            }
        }
    }

    /// The end of a file read by the pool: its read error, and IP datagrams left incomplete
    /// (each file has its own defragmenter with `--jobs`: a datagram whose fragments straddle
    /// two files is only put together with `--jobs 1`).
    mutating func finishFile(_ batch: DecodedBatch, input: Int) {
        if let error = batch.readError {
            emit(.error, packet: error.frameNumber, "read failed, rest of the file skipped: \(error.reason)", input: input)
        }
        if batch.unfinishedFragments > 0 {
            reportUnfinishedFragments(batch.unfinishedFragments, input: input, lastPacket: batch.lastFrame)
        }
    }

    /// IP datagrams whose fragments never all came. With `--jobs` each file has its own
    /// defragmenter, so a datagram whose fragments straddle two files is only joined with
    /// `--jobs 1` (README "--jobs").
    mutating func reportUnfinishedFragments(_ count: Int, input: Int, lastPacket: Int) {
        emit(.warning, packet: lastPacket, "\(count) IP datagram\(count == 1 ? "" : "s") never completed: fragments still missing at the end of the capture", input: input)
    }

    /// Remembers a SIP message of a call in progress whose time is before an earlier message of
    /// its file. Only calls the tracker holds are noted (REGISTER, OPTIONS and messages of no call
    /// are not), so the map is no larger than the open calls, whatever the capture's clock does.
    mutating func noteClock(_ callID: String) {
        let now = currentTime.nanoseconds
        let latest = latestSIPTime[currentInput]
        guard now < latest else {
            latestSIPTime[currentInput] = now
            return
        }
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

    /// Reports the merge's read errors not reported yet (a file that failed is dropped from the merge).
    mutating func reportReadErrors(_ merged: MergedCapture, after reported: inout Int) {
        while reported < merged.errors.count {
            let error = merged.errors[reported]
            reported += 1
            let input = inputs.firstIndex(of: error.path) ?? currentInput
            emit(.error, packet: error.frameNumber, "read failed, rest of the file skipped: \(error.reason)", input: input)
        }
    }

    mutating func handle(_ frame: CapturedFrame, decoder: inout PacketDecoder, reassembler: inout TCPReassembler) {
        do {
            _ = try decoder.decode(frame: frame.data, linkType: LinkType(rawValue: frame.linkType), timestamp: frame.timestamp) { packet in
                handle(packet, reassembler: &reassembler)
            }
        } catch {
            emit(.error, packet: currentPacket, String(describing: error))
        }
    }

    mutating func handle(_ packet: TransportPacket, reassembler: inout TCPReassembler) {
        switch packet.flow.transport {
        case .udp:
            if SIPMessage.looksLikeSIP(packet.payload) {
                handleSIP(packet.payload, transport: .udp)
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

    mutating func handle(_ event: TCPReassembler.Event) {
        switch event {
        case .data(let flow, let bytes):
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
            if let warning = webSockets.gap(flow, missingBytes: missing) { emit(.warning, packet: currentPacket, warning) }
            guard var framer = framers[flow] else { return }
            let dropped = framer.reset()
            framers[flow] = framer
            emit(.warning, packet: currentPacket, "TCP \(flow.source) -> \(flow.destination): \(missing) bytes never captured; \(dropped) buffered bytes of an incomplete SIP message dropped")
        case .closed(let flow):
            if let warning = webSockets.close(flow) { emit(.warning, packet: currentPacket, warning) }
            guard let framer = framers.removeValue(forKey: flow) else { return }
            if framer.bufferedByteCount > 0 {
                emit(.warning, packet: currentPacket, "TCP \(flow.source) -> \(flow.destination): stream ended inside a SIP message (\(framer.bufferedByteCount) bytes)")
            }
        }
    }

    mutating func handle(_ event: SCTPReassembler.Event) {
        switch event {
        case .message(_, let bytes):
            guard SIPMessage.looksLikeSIP(bytes) else { return }
            handleSIP(bytes, transport: .sctp)
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
                handleSIP(message, transport: .tcp)
            case .skipped(let count, let reason):
                emit(.warning, packet: currentPacket, "TCP \(flow.source) -> \(flow.destination): \(count) \(reason) skipped")
            }
        }
        framers[flow] = framer
    }

    /// Bytes of a TCP direction that belong to a WebSocket (SIP over WebSocket, RFC 7118), its
    /// handshake, or TLS; false when they do not.
    mutating func takeWebSocket(_ flow: FlowKey, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var streams = WebSocketStreams()
        swap(&streams, &webSockets)  // `self` is used by the callback while the streams are mutated
        defer { swap(&streams, &webSockets) }
        return streams.take(flow, bytes) { output in
            switch output {
            case .message(let message):
                handleSIP(message, transportName: "ws")
            case .warning(let text):
                emit(.warning, packet: currentPacket, text)
            case .tls:
                tls.connections += 1
                if tls.first == nil { tls.first = (currentInput, currentPacket, flow) }
            }
        }
    }

    mutating func handleSIP(_ bytes: UnsafeRawBufferPointer, transport: TransportProtocol) {
        handleSIP(bytes, transportName: transport.name)
    }

    /// `transportName` is the call's `transport` when the message is its initial INVITE.
    mutating func handleSIP(_ bytes: UnsafeRawBufferPointer, transportName: String) {
        do {
            guard let message = try SIPMessage.parse(bytes) else { return }
            for problem in message.problems {
                emit(.warning, packet: currentPacket, "SIP \(message.label): \(problem)")
            }
            tracker.handle(message, at: currentTime, transport: transportName, source: sourceNames[currentInput])
            if let callID = message.callID { noteClock(callID) }
            if let method = message.method, method == .bye || method == .cancel, let callID = message.callID {
                media.markEnded(callID, at: currentTime.nanoseconds)  // its addresses are free for the next call at once
            }
            for (callID, offer) in tracker.takeMediaOffers() { media.register(offer, callID: callID) }
            if tracker.hasCompleted {
                for call in tracker.takeCompleted() { finished.append(completed(call)) }
            }
        } catch {
            emit(.error, packet: currentPacket, error.description)
        }
    }

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
