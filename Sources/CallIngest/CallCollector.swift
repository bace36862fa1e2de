import CDRImport
import CallModel
import CallReconstruction
import Decompression
import Foundation
import PacketCapture

/// Everything a reading command needs to turn its inputs into calls.
public struct IngestOptions: Sendable {
    public var reconstruction: ReconstructionOptions
    public var cdr: CDRImportOptions
    public var direction: DirectionRules
    public var recordings: RecordingOptions

    public init(reconstruction: ReconstructionOptions = .init(), cdr: CDRImportOptions = .init(), direction: DirectionRules = .init(), recordings: RecordingOptions = .init()) {
        self.reconstruction = reconstruction; self.cdr = cdr; self.direction = direction; self.recordings = recordings
    }
}

/// Counts for the summary line of a run over captures and CDR files.
public struct IngestSummary: Sendable, Hashable {
    public var inputs = 0
    public var unreadableInputs = 0
    public var capture = AnalysisSummary()
    public var cdrFiles = 0
    public var cdrRows = 0
    public var cdrBadRows = 0
    /// queue_log calls merged into CDR calls of the same run.
    public var queueCallsJoined = 0
    /// Calls read from the database (`--db`).
    public var storedCalls = 0
    /// WAV recordings read, and how many of them matched a call of the run.
    public var recordings = 0
    public var recordingsMatched = 0
    public var calls = 0
    public var errors = 0
    public var warnings = 0

    public init() {}

    /// `callscope: 3 inputs, 1234 packets, 56 SIP messages, 2 CDR files, 980 rows (3 bad), 17 calls, 3 errors`
    public var line: String {
        var parts = ["\(inputs) input\(inputs == 1 ? "" : "s")"]
        if unreadableInputs > 0 { parts.append("\(unreadableInputs) unreadable") }
        if capture.inputs > capture.unreadableInputs {  // only when a capture was read
            parts.append("\(capture.packets) packets" + (capture.duplicateFrames > 0 ? " (\(capture.duplicateFrames) duplicate frame\(capture.duplicateFrames == 1 ? "" : "s") of another input dropped)" : ""))
            parts.append("\(capture.sipMessages) SIP messages" + (capture.sipMessagesWithoutCall > 0 ? " (\(capture.sipMessagesWithoutCall) outside calls)" : "")
                         + (capture.hepMessages > 0 ? " (\(capture.hepMessages) from HEP)" : ""))
        }
        if cdrFiles > 0 {
            parts.append("\(cdrFiles) CDR file\(cdrFiles == 1 ? "" : "s")")
            parts.append("\(cdrRows) row\(cdrRows == 1 ? "" : "s")" + (cdrBadRows > 0 ? " (\(cdrBadRows) bad)" : ""))
            if queueCallsJoined > 0 { parts.append("\(queueCallsJoined) queue calls joined") }
        }
        if capture.rtpPackets > 0 || capture.orphanStreams > 0 {
            let streams = capture.rtpStreams + capture.orphanStreams
            parts.append("\(capture.rtpPackets) RTP packets in \(streams) stream\(streams == 1 ? "" : "s")" + (capture.orphanStreams > 0 ? " (\(capture.orphanStreams) without a call)" : ""))
        }
        if capture.rtcpPackets > 0 { parts.append("\(capture.rtcpPackets) RTCP packet\(capture.rtcpPackets == 1 ? "" : "s")") }
        if recordings > 0 { parts.append("\(recordings) recording\(recordings == 1 ? "" : "s") (\(recordingsMatched) matched to calls)") }
        if storedCalls > 0 { parts.append("\(storedCalls) stored calls") }
        parts.append("\(calls) call\(calls == 1 ? "" : "s")")
        parts.append("\(errors) error\(errors == 1 ? "" : "s")")
        if warnings > 0 { parts.append("\(warnings) warning\(warnings == 1 ? "" : "s")") }
        return "callscope: " + parts.joined(separator: ", ")
    }
}

/// The calls of a run and what came with them.
public struct CollectedCalls: Sendable {
    public var calls: [Call]
    public var agentEvents: [AgentEvent]
    public var summary: IngestSummary
    /// Rows read and bad rows of each CDR file, by input path (the store's ledger records them).
    public var rowsByInput: [String: (rows: Int, badRows: Int)] = [:]
    /// Inputs that could not be read at all.
    public var unreadable: Set<String> = []
    /// Inputs left aside on purpose (WAV recordings outside talk analysis).
    public var skipped: Set<String> = []
}

/// Turns any mix of inputs into one list of calls: captures through SIP reconstruction, CDR
/// files through their format's reader; queue_log calls joined to the CDR calls they belong
/// to; direction decided for every call; calls ordered by start.
///
/// An input is a capture when it is `-` or starts with a pcap or pcapng magic number, or is
/// binary data that libpcap opens (all after decompression: gzip, xz and zstd files are read
/// as their content, whatever their name); other binary data is neither (one error says so); anything
/// else is a CDR file.
public struct CallCollector: Sendable {
    public var options: IngestOptions

    public init(options: IngestOptions) { self.options = options }

    public func collect(
        _ inputs: [String],
        progress: ((AnalysisSummary) -> Void)? = nil,
        diagnostics: @escaping (Diagnostic) -> Void
    ) -> CollectedCalls {
        var summary = IngestSummary()
        summary.inputs = inputs.count
        let counting: (Diagnostic) -> Void = { diagnostic in diagnostics(diagnostic) }
        var captures: [String] = []
        var cdrFiles: [String] = []
        var recordings: [String] = []
        var skipped: Set<String> = []
        var unreadable: Set<String> = []
        for input in inputs {
            switch Self.kind(of: input) {
            case .capture:
                captures.append(input)
            case .unreadable(let message):
                unreadable.insert(input)
                summary.unreadableInputs += 1
                summary.errors += 1
                diagnostics(Diagnostic(.error, input: input, line: nil, message: message))
            case .recording:
                if options.recordings.enabled {
                    recordings.append(input)
                } else {
                    summary.warnings += 1
                    skipped.insert(input)
                    diagnostics(Diagnostic(.warning, input: input, line: nil, message: "WAV recording skipped: recordings are read by `talk` and `calls --talk`"))
                }
            case .cdr:
                cdrFiles.append(input)
            }
        }

        var calls: [Call] = []
        if !captures.isEmpty {
            let (captureCalls, captureSummary) = CaptureAnalyzer(options: options.reconstruction).analyze(captures, progress: progress, diagnostics: counting)
            calls += captureCalls
            summary.capture = captureSummary
            summary.unreadableInputs += captureSummary.unreadableInputs
            unreadable.formUnion(captureSummary.unreadablePaths)
            summary.errors += captureSummary.errors
            summary.warnings += captureSummary.warnings
        }

        var cdrCalls: [Call] = []
        var queueCalls: [Call] = []
        var agentEvents: [AgentEvent] = []
        let counter = DiagnosticTally()
        var rowsByInput: [String: (rows: Int, badRows: Int)] = [:]
        let importer = CDRImporter(options: options.cdr)
        for path in cdrFiles {
            do {
                let file = try importer.importFile(path) { diagnostic in
                    if diagnostic.severity == .error { counter.errors += 1 } else { counter.warnings += 1 }
                    diagnostics(diagnostic)
                }
                summary.cdrFiles += 1
                rowsByInput[path] = (file.rows, file.badRows)
                summary.cdrRows += file.rows
                summary.cdrBadRows += file.badRows
                agentEvents += file.result.agentEvents
                // The first file's array is taken as it is (appending would copy every call).
                if file.format == .queueLog || file.format == .queueLogSQL {
                    if queueCalls.isEmpty { queueCalls = file.result.calls } else { queueCalls += file.result.calls }
                } else if cdrCalls.isEmpty {
                    cdrCalls = file.result.calls
                } else {
                    cdrCalls += file.result.calls
                }
            } catch {
                unreadable.insert(path)
                summary.unreadableInputs += 1
                counter.errors += 1
                diagnostics(Diagnostic(.error, input: error.input, line: error.line, message: error.reason))
            }
        }
        summary.errors += counter.errors
        summary.warnings += counter.warnings
        // One array of every call, built without copying the calls of a lone input.
        if calls.isEmpty { swap(&calls, &cdrCalls) } else { calls += cdrCalls }
        cdrCalls = []
        if calls.isEmpty { swap(&calls, &queueCalls) } else { calls += queueCalls }
        queueCalls = []
        summary.queueCallsJoined = assemble(&calls)
        if !recordings.isEmpty {
            attachRecordings(recordings, to: &calls, summary: &summary, unreadable: &unreadable, diagnostics: diagnostics)
        }
        summary.calls = calls.count
        return CollectedCalls(calls: calls, agentEvents: agentEvents, summary: summary, rowsByInput: rowsByInput, unreadable: unreadable, skipped: skipped)
    }

    /// Streams the calls of captures (one or several, merged in time order) or of a lone CDR
    /// file to `emit` in the order ``collect(_:progress:diagnostics:)`` gives them (start, then
    /// Call-ID), each written once it can no longer change and no call still to come can start
    /// before it (``CaptureAnalyzer/stream(_:progress:diagnostics:emit:)``, ``CDRStreamWindow``):
    /// memory follows the calls in progress, not the calls in the inputs. Direction is decided
    /// as `collect` decides it.
    ///
    /// - Returns: the run's summary, or nil, having read and reported nothing, when `inputs` are
    ///   neither captures alone nor one CDR file a streaming reader reads
    ///   (``CDRImporter/streamFile(_:window:report:emit:)``): then `collect` reads them.
    public func stream(
        _ inputs: [String], window: CDRStreamWindow = CDRStreamWindow(),
        progress: ((AnalysisSummary) -> Void)? = nil,
        diagnostics: @escaping (Diagnostic) -> Void, emit: (consuming Call) -> Void
    ) -> IngestSummary? {
        if !inputs.isEmpty, inputs.allSatisfy({ Self.kind(of: $0) == .capture }) {
            return streamCaptures(inputs, progress: progress, diagnostics: diagnostics, emit: emit).summary
        }
        guard inputs.count == 1, let path = inputs.first, path != "-",
              (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeRegular,
              !Self.isCapture(path), Self.binaryInput(path) == nil, !Recording.isRecording(path) else { return nil }
        var summary = IngestSummary()
        summary.inputs = 1
        let counter = DiagnosticTally()
        var order = CallReorderWindow()
        var calls = 0
        let direction = options.direction
        func write(_ call: consuming Call) {
            var call = call
            direction.apply(to: &call)
            calls += 1
            emit(call)
        }
        do {
            let streamed = try CDRImporter(options: options.cdr).streamFile(path, window: window, report: { diagnostic in
                if diagnostic.severity == .error { counter.errors += 1 } else { counter.warnings += 1 }
                diagnostics(diagnostic)
            }) { batch in
                for call in batch.calls { order.add(call) }
                order.release(before: batch.startFloor, to: write)
            }
            guard let file = streamed else { return nil }
            summary.cdrFiles = 1
            summary.cdrRows = file.rows
            summary.cdrBadRows = file.badRows
        } catch {
            summary.unreadableInputs += 1
            counter.errors += 1
            diagnostics(Diagnostic(.error, input: error.input, line: error.line, message: error.reason))
        }
        order.release(before: .max, to: write)
        summary.errors = counter.errors
        summary.warnings = counter.warnings
        summary.calls = calls
        return summary
    }

    /// The calls of captures streamed to `emit` (``stream(_:window:progress:diagnostics:emit:)``),
    /// with the capture analysis's own counts (the calls held at once among them).
    public func streamCaptures(
        _ captures: [String], progress: ((AnalysisSummary) -> Void)? = nil,
        diagnostics: (Diagnostic) -> Void, emit: (consuming Call) -> Void
    ) -> (summary: IngestSummary, capture: CaptureStreamResult) {
        let direction = options.direction
        var result = CaptureAnalyzer(options: options.reconstruction).stream(captures, progress: progress, diagnostics: diagnostics) { call in
            var call = call
            direction.apply(to: &call)
            emit(call)
        }
        if result.lateCalls > 0 {
            result.summary.warnings += 1
            diagnostics(Diagnostic(.warning, input: captures[0], line: nil, message: "\(result.lateCalls) call\(result.lateCalls == 1 ? "" : "s") written out of start order: the capture's clock stepped back more than \(CaptureAnalyzer.clockStepAllowance / 1_000_000_000) s (with --limit or --format table every call is read first, then sorted)"))
        }
        var summary = IngestSummary()
        summary.inputs = captures.count
        summary.capture = result.summary
        summary.unreadableInputs = result.summary.unreadableInputs
        summary.errors = result.summary.errors
        summary.warnings = result.summary.warnings
        summary.calls = result.summary.calls
        return (summary, result)
    }

    /// Reads WAV recordings and gives each one's talk timeline to the call it names (by Call-ID,
    /// or by the id of one of the call's legs, e.g. an Asterisk uniqueid); a recording that names
    /// no call of the run becomes a call of its own.
    func attachRecordings(
        _ paths: [String], to calls: inout [Call], summary: inout IngestSummary, unreadable: inout Set<String>,
        diagnostics: (Diagnostic) -> Void
    ) {
        var index: [String: Int] = [:]
        for (position, call) in calls.enumerated() {
            index[call.callID] = index[call.callID] ?? position
            for leg in call.legs where index[leg.id] == nil { index[leg.id] = position }
        }
        var standalone: [Call] = []
        for path in paths {
            do {
                let recording = try Recording.read(path, options: options.recordings)
                summary.recordings += 1
                for warning in recording.warnings {
                    summary.warnings += 1
                    diagnostics(Diagnostic(.warning, input: path, line: nil, message: warning))
                }
                if let position = index[recording.id] {
                    summary.recordingsMatched += 1
                    var talk = recording.talk
                    talk.agentParty = options.direction.agentParty(of: calls[position])  // channels already name the agent
                    // Recorders start at the answer: the call's clock places the timeline.
                    talk.start = calls[position].answeredAt ?? calls[position].start
                    calls[position].talk = talk
                } else {
                    standalone.append(recording.standaloneCall)
                }
            } catch {
                unreadable.insert(path)
                summary.unreadableInputs += 1
                summary.errors += 1
                diagnostics(Diagnostic(.error, input: path, line: nil, message: error.reason))
            }
        }
        calls += standalone
        calls.sort { ($0.start, $0.callID) < ($1.start, $1.callID) }
    }

    /// Adds stored calls (`--db`) to a run's calls: a call present in both (same format, id and
    /// start) is kept once, the input's copy; then the whole set is assembled again, so queue_log
    /// calls stored apart from their Asterisk CDR (imported on another night) are joined too.
    public func merging(stored: [Call], into collected: CollectedCalls) -> CollectedCalls {
        struct Key: Hashable { var format: String; var id: String; var start: Int64 }
        var seen = Set(collected.calls.map { Key(format: $0.format, id: $0.callID, start: $0.start.nanoseconds) })
        var all = collected.calls
        for call in stored where seen.insert(Key(format: call.format, id: call.callID, start: call.start.nanoseconds)).inserted {
            all.append(call)
        }
        var result = collected
        result.calls = assemble(all).calls
        result.summary.calls = result.calls.count
        result.summary.storedCalls = stored.count
        return result
    }

    /// Joins queue_log calls to the CDR calls they belong to (`QueueLogJoin`), decides the
    /// direction (and the agent of an outbound call) of every call that has none or that waited
    /// in a queue, and orders the calls by start.
    func assemble(_ calls: [Call]) -> (calls: [Call], queueCallsJoined: Int) {
        var result = calls
        let joined = assemble(&result)
        return (result, joined)
    }

    /// ``assemble(_:)`` in place (the calls are not copied); returns how many queue_log calls were joined.
    func assemble(_ result: inout [Call]) -> Int {
        let isQueue = { (call: Call) in call.format == CDRFormat.queueLog.rawValue || call.format == CDRFormat.queueLogSQL.rawValue }
        var joinedCount = 0
        if result.contains(where: isQueue) {
            let queueCalls = result.filter(isQueue)
            let joined = QueueLogJoin.enrich(result.filter { !isQueue($0) }, with: queueCalls)
            joinedCount = joined.joined
            result = joined.calls
        }
        for index in result.indices { options.direction.apply(to: &result[index]) }
        result.sort { ($0.start, $0.callID) < ($1.start, $1.callID) }
        return joinedCount
    }

    /// Counts what the readers report; used synchronously within `collect`.
    private final class DiagnosticTally: @unchecked Sendable {
        var errors = 0
        var warnings = 0
    }

    /// What an input is, by its content (``collect(_:progress:diagnostics:)``).
    enum InputKind: Equatable {
        /// `-`, a pcap or pcapng file (compressed or not), a file libpcap opens, or a path that
        /// does not exist (the capture reader reports it).
        case capture
        case recording
        case cdr
        /// Binary data that is neither (the message says so).
        case unreadable(String)
    }

    static func kind(of input: String) -> InputKind {
        if input == "-" || isCapture(input) || !FileManager.default.fileExists(atPath: input) { return .capture }
        switch binaryInput(input) {
        case .capture: return .capture  // a format libpcap reads beyond the magic numbers
        case .unreadable(let message): return .unreadable(message)
        case nil: return Recording.isRecording(input) ? .recording : .cdr
        }
    }

    /// What a binary file without a pcap/pcapng magic number is.
    enum BinaryInput: Equatable {
        /// libpcap opens it anyway (a pcap variant beyond the magic numbers peeked at).
        case capture
        /// Neither a capture libpcap can read nor a CDR text file (a NetMon, snoop or ERF
        /// capture, an archive...): the message says both.
        case unreadable(String)
    }

    /// For a regular file that is binary data (``CDRImporter/isBinary(_:)``) and not a WAV
    /// recording, what it is; nil for any other file.
    static func binaryInput(_ path: String) -> BinaryInput? {
        guard (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeRegular,
              !Recording.isRecording(path) else { return nil }
        // The decompressed start of a compressed file: a .csv.gz is text, a .pcap.gz a capture.
        let head = DecompressingReader.head(of: path, count: 65_536)
        guard CDRImporter.isBinary(head) else { return nil }
        do {
            _ = try CaptureFile(path: path)
            return .capture
        } catch {
            let pcap = error.isUnknownFormat ? error.reason : "cannot open: \(error.reason)"
            return .unreadable("neither a capture file libpcap can read (\(pcap); first bytes \(CDRImporter.hexPrefix(head))) nor a CDR text file (binary data); other capture formats (NetMon, snoop, ERF...) can be converted with `editcap -F pcapng IN OUT`")
        }
    }

    /// Whether `path` starts with a pcap (either byte order, µs or ns) or pcapng magic number,
    /// once decompressed when it is a gzip, xz or Zstandard file.
    static func isCapture(_ path: String) -> Bool {
        // Only regular files are peeked at: a FIFO or device would block here, and is read as a
        // capture stream (as `tcpdump -w fifo` writes); a directory goes to the CDR importer,
        // which says it holds no input files.
        guard let type = try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType else { return false }
        if type == .typeDirectory { return false }
        if type != .typeRegular { return true }
        let magic = DecompressingReader.head(of: path, count: 4)  // decompressed: a .pcap.gz is a capture
        let known: [[UInt8]] = [
            [0xD4, 0xC3, 0xB2, 0xA1], [0xA1, 0xB2, 0xC3, 0xD4], [0x4D, 0x3C, 0xB2, 0xA1], [0xA1, 0xB2, 0x3C, 0x4D],
            [0x0A, 0x0D, 0x0D, 0x0A],
        ]
        return known.contains(magic)
    }
}
