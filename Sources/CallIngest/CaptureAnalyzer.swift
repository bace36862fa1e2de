import CallModel
import CallReconstruction
import CallscopeBase
import PacketCapture
import PacketDecoding

/// Reads capture files and drives a ``CallReconstruction/CallReconstructor`` with their frames:
/// files -> frames in time order -> calls.
///
/// Several files are merged in timestamp order (ties in input order), so a call spanning
/// rotated files comes out whole; a frame another file already delivered is read once. With
/// `--jobs` above 1 and several files, a pool of threads reads and decodes the files
/// (``DecodingPool``) and this thread merges their packets in the same order, so the calls are
/// the same as with one thread. Problems are reported through the diagnostics callback as they
/// are met, with the file and packet number.
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
            var reading = CaptureReading(options: options, inputs: inputs, diagnostics: report)
            reading.progress = progress
            return reading.execute()
        }
    }

    /// The calls of `inputs` handed to `emit` one by one in the order ``analyze(_:progress:diagnostics:)``
    /// returns them (start, then Call-ID), each as soon as it is final (ended and past the
    /// linger for late retransmissions) and no call still open, or still to come, can start
    /// before it (``CallReorderWindow``): memory follows the calls in progress, not the calls
    /// in the captures. The calls are those `analyze` returns, made the same way.
    ///
    /// A call still to come is taken to start no earlier than ``clockStepAllowance`` before the
    /// latest frame read: a capture whose clock steps back further (or HEP messages dated that
    /// far back) can make a call final after later ones were written; it is then written at
    /// once, out of order, and counted in ``CaptureStreamResult/lateCalls``.
    public func stream(
        _ inputs: [String],
        progress: ((AnalysisSummary) -> Void)? = nil,
        diagnostics: (Diagnostic) -> Void,
        emit: (Call) -> Void
    ) -> CaptureStreamResult {
        withoutActuallyEscaping(diagnostics) { report in
            withoutActuallyEscaping(emit) { emit in
                var reading = CaptureReading(options: options, inputs: inputs, diagnostics: report)
                reading.progress = progress
                reading.output = CaptureReading.Output(emit: emit)
                var (_, summary) = reading.execute()
                let order = reading.output?.order ?? CallReorderWindow()
                summary.calls = reading.output?.written ?? 0
                return CaptureStreamResult(summary: summary, peakOpenCalls: reading.reconstructor.peakOpenCalls,
                                           peakWaitingCalls: order.peak, lateCalls: order.lateCalls)
            }
        }
    }

    /// How far back of the latest frame a call still to come may start, for ``stream(_:progress:diagnostics:emit:)``:
    /// a capture clock stepping back that far still gives calls in order (60 s).
    public static let clockStepAllowance: Int64 = 60_000_000_000
}

/// What a streaming run over captures counts besides the reconstruction's summary.
public struct CaptureStreamResult: Sendable, Hashable {
    public var summary: AnalysisSummary
    /// The most calls in progress at once (not yet final).
    public var peakOpenCalls: Int
    /// The most final calls held at once, waiting for an earlier call to be final.
    public var peakWaitingCalls: Int
    /// Calls written out of order (``CaptureAnalyzer/clockStepAllowance``).
    public var lateCalls: Int
}

/// One run over capture files: what the driver counts, and the reconstruction it feeds.
private struct CaptureReading {
    /// A streaming run's output: the calls made final, put back in order.
    struct Output {
        let emit: (Call) -> Void
        var order = CallReorderWindow()
        /// Calls handed to `emit`.
        var written = 0

        /// Hands on, in order, the held calls starting before `floor`.
        mutating func release(before floor: Int64) {
            let emit = emit
            var count = 0
            order.release(before: floor) { call in
                count += 1
                emit(call)
            }
            written += count
        }
    }
    let inputs: [String]
    let jobs: Int
    var progress: ((AnalysisSummary) -> Void)?
    var reconstructor: CallReconstructor
    /// Frames read (copies of another file's frames not included), copies skipped, inputs not opened.
    var packets = 0
    var duplicateFrames = 0
    var unreadableInputs = 0
    var unreadablePaths: [String] = []
    /// The input of the latest frame: read errors of a file no longer known by path stand there.
    var currentInput = 0
    /// Set for a streaming run (``CaptureAnalyzer/stream(_:progress:diagnostics:emit:)``).
    var output: Output?

    init(options: ReconstructionOptions, inputs: [String], diagnostics: @escaping (Diagnostic) -> Void) {
        self.inputs = inputs
        self.jobs = options.jobs
        self.reconstructor = CallReconstructor(options: options, inputs: inputs, diagnostics: diagnostics)
    }

    /// The reconstruction's counts with the driver's.
    func summary(_ counts: AnalysisSummary) -> AnalysisSummary {
        var summary = counts
        summary.inputs = inputs.count
        summary.unreadableInputs = unreadableInputs
        summary.unreadablePaths = unreadablePaths
        summary.packets = packets
        summary.duplicateFrames = duplicateFrames
        return summary
    }

    mutating func reportProgress() {
        guard let progress else { return }
        progress(summary(reconstructor.summary))
    }

    mutating func execute() -> (calls: [Call], summary: AnalysisSummary) {
        var files: [CaptureFile] = []
        var indexOfFile: [Int] = []  // merge position -> input position
        for (index, path) in inputs.enumerated() {
            do {
                files.append(try CaptureFile(path: path, fileIndex: files.count))
                indexOfFile.append(index)
            } catch {
                unreadableInputs += 1
                unreadablePaths.append(path)
                reconstructor.report(.error, input: index, packet: nil, error.isUnknownFormat ? "not a capture file libpcap can read (\(error.reason))" : "cannot open: \(error.reason)")
            }
        }
        if jobs > 1, files.count > 1 {
            readInParallel(files, indexOfFile: indexOfFile)
        } else {
            readInOrder(files, indexOfFile: indexOfFile)
        }
        let (calls, counts) = reconstructor.finish()
        guard var output else { return (calls, summary(counts)) }
        for call in calls { output.order.add(call) }
        output.release(before: .max)
        self.output = output
        return ([], summary(counts))
    }

    /// A streaming run, after a frame at `time` made calls final: they wait in the reorder
    /// window, and those no call open or still to come can precede are written.
    mutating func passFinishedCalls(at time: Int64) {
        guard var output else { return }
        self.output = nil  // the window is mutated uniquely referenced
        for call in reconstructor.takeFinishedCalls() { output.order.add(call) }
        let earliestToCome = time.subtractingReportingOverflow(CaptureAnalyzer.clockStepAllowance)
        let floor = min(reconstructor.earliestOpenStart?.nanoseconds ?? .max, earliestToCome.overflow ? .min : earliestToCome.partialValue)
        output.release(before: floor)
        self.output = output
    }

    /// One thread reads and decodes the files, merged in timestamp order, frame by frame into
    /// the reconstruction (zero-copy: each frame is read in libpcap's buffer).
    mutating func readInOrder(_ files: [CaptureFile], indexOfFile: [Int]) {
        let merged = MergedCapture(files: files)
        var reportedReadErrors = 0
        while let frame = merged.next() {
            currentInput = indexOfFile[frame.fileIndex]
            packets += 1
            if packets & 0xF_FFFF == 0 { reportProgress() }
            reconstructor.handleFrame(
                frame.data, linkType: LinkType(rawValue: frame.linkType),
                at: FramePosition(input: currentInput, frameNumber: frame.frameNumber, timestamp: frame.timestamp))
            if output != nil, reconstructor.hasFinishedCalls { passFinishedCalls(at: frame.timestamp) }
            reportReadErrors(merged, after: &reportedReadErrors)
        }
        reportReadErrors(merged, after: &reportedReadErrors)
        duplicateFrames = merged.duplicateFrames
    }

    /// Reports the merge's read errors not reported yet (a file that failed is dropped from the merge).
    mutating func reportReadErrors(_ merged: MergedCapture, after reported: inout Int) {
        while reported < merged.errors.count {
            let error = merged.errors[reported]
            reported += 1
            let input = inputs.firstIndex(of: error.path) ?? currentInput
            reconstructor.report(.error, input: input, packet: error.frameNumber, "read failed, rest of the file skipped: \(error.reason)")
        }
    }

    /// A file's next event in the merge of the decoding pool's batches: ordered by time, ties
    /// in file order (as ``PacketCapture/MergedCapture``).
    struct NextEvent: Comparable {
        var time: Int64
        var file: Int
        static func < (a: NextEvent, b: NextEvent) -> Bool {
            a.time != b.time ? a.time < b.time : a.file < b.file
        }
    }

    /// `--jobs`: the files are read and decoded by a pool of `jobs` threads (``DecodingPool``);
    /// this thread merges their events in timestamp order (ties in input order, as
    /// ``PacketCapture/MergedCapture``) and hands them to the reconstruction, so the calls are
    /// the same as with one thread.
    mutating func readInParallel(_ files: [CaptureFile], indexOfFile: [Int]) {
        let pool = DecodingPool(files: files, threads: jobs)
        defer { pool.shutDown() }
        // The current batch of each file, and a min-heap of (next timestamp, file) over the
        // files that still have events: O(log files) per event, no batch copied per event.
        var current: [DecodedBatch] = []
        var positions = [Int](repeating: 0, count: files.count)
        var heap = BinaryHeap<NextEvent>()
        heap.reserveCapacity(files.count)
        /// Moves file `index` to its next event, fetching batches as needed; false at its end.
        func advance(_ index: Int, reading: inout CaptureReading) -> Bool {
            while positions[index] >= current[index].events.count {
                if current[index].isLast {
                    reading.finishFile(current[index], input: indexOfFile[index])
                    current[index] = DecodedBatch()
                    return false
                }
                current[index] = pool.take(index)
                reading.packets += current[index].frames
                positions[index] = 0
            }
            return true
        }
        for index in files.indices {
            current.append(pool.take(index))
            packets += current[index].frames
        }
        for index in files.indices where advance(index, reading: &self) {
            heap.push(NextEvent(time: current[index].events[0].timestamp, file: index))
        }
        var reported = 0
        // Copies of another file's frames are compared on what they decoded to (the frame bytes
        // are gone); the heap holds the other files' next events.
        var duplicates = DuplicateFrameFilter()
        var lastDuplicate: (file: Int, frame: Int)?
        while let next = heap.popMin() {
            let file = next.file
            let position = positions[file]
            positions[file] += 1
            let timestamp = current[file].events[position].timestamp
            let frameNumber = current[file].events[position].frameNumber
            if duplicates.mustCheck(time: timestamp, file: file, nextOfOtherFiles: heap.min?.time),
               duplicates.isDuplicate(fingerprint: current[file].fingerprint(of: position), file: file) {
                if lastDuplicate.map({ $0 != (file, frameNumber) }) ?? true {  // a frame may give several events
                    lastDuplicate = (file, frameNumber)
                    duplicateFrames += 1
                    packets -= 1
                }
                if advance(file, reading: &self) { heap.push(NextEvent(time: current[file].events[positions[file]].timestamp, file: file)) }
                continue
            }
            currentInput = indexOfFile[file]
            let at = FramePosition(input: currentInput, frameNumber: frameNumber, timestamp: timestamp)
            if packets >> 20 != reported, progress != nil {
                reported = packets >> 20
                reportProgress()
            }
            switch current[file].events[position].kind {
            case .packet(let flow, let range, let tcp, let sctp):
                current[file].bytes.withUnsafeBytes { bytes in
                    reconstructor.handlePacket(TransportPacket(flow: flow, payload: UnsafeRawBufferPointer(rebasing: bytes[range]), tcp: tcp, sctp: sctp), at: at)
                }
            case .decodeError(let message):
                reconstructor.handleUndecodableFrame(message, at: at)
            case .nothing:
                reconstructor.handleEmptyFrame(at: at)
            }
            if output != nil, reconstructor.hasFinishedCalls { passFinishedCalls(at: timestamp) }
            if advance(file, reading: &self) {
                heap.push(NextEvent(time: current[file].events[positions[file]].timestamp, file: file))
            }
        }
    }

    /// The end of a file read by the pool: its read error, and IP datagrams left incomplete
    /// (each file has its own defragmenter with `--jobs`: a datagram whose fragments straddle
    /// two files is only put together with `--jobs 1`, README "--jobs").
    mutating func finishFile(_ batch: DecodedBatch, input: Int) {
        if let error = batch.readError {
            reconstructor.report(.error, input: input, packet: error.frameNumber, "read failed, rest of the file skipped: \(error.reason)")
        }
        if batch.unfinishedFragments > 0 {
            let count = batch.unfinishedFragments
            reconstructor.report(.warning, input: input, packet: batch.lastFrame, "\(count) IP datagram\(count == 1 ? "" : "s") never completed: fragments still missing at the end of the capture")
        }
    }
}
