#if canImport(Glibc)
import Glibc
#endif
import CDRImport
import CallModel
import CallReconstruction
import PacketCapture
import PacketDecoding

/// Reconstructs calls from live sources until SIGINT or SIGTERM (`callscope watch`): network
/// interfaces through libpcap, HEP collectors' sockets and growing CDR files (``CDRFollower``),
/// any mix, in one thread that waits on all of them with `poll` (200 ms at most, so SIGINT or
/// SIGTERM is seen within that, and the files are read again that often).
///
/// Each call is handed to `onCall` as soon as it is final: its end plus the linger for late
/// retransmissions (`ReconstructionOptions`), judged on the wall clock when the sources are
/// quiet. At the stop, calls still open are handed on marked truncated, as at the end of a file.
/// Frames are analysed in arrival order; a HEP message keeps the time its sender gave it.
public final class LiveAnalyzer {
    private var interfaces: [LiveInterface] = []
    private var receivers: [HEPReceiver] = []
    private var followers: [CDRFollower] = []
    private let diagnostics: (Diagnostic) -> Void
    private var reconstructor: CallReconstructor
    /// SIGINT and SIGTERM, blocked: `run` looks for them pending (`sigpending`) between polls.
    private var stopSignals = sigset_t()
    private let direction: DirectionRules
    /// The interfaces' frames saved as rotated pcap files (`--write`), one series per interface.
    private var writers: [RotatingCaptureWriter?] = []
    /// The names diagnostics give: the interfaces, then `hep:ADDRESS` for each collector socket.
    public let inputs: [String]

    /// Opens every source (the interfaces with the BPF `filter`); throws naming the first that
    /// cannot be opened. SIGINT and SIGTERM are blocked for the process from here on, and read
    /// by ``run(onCall:)``.
    public init(interfaces names: [String], filter: String?, hepListen: [String], follow: [String] = [], cdrOptions: CDRImportOptions = .init(),
                options: ReconstructionOptions, direction: DirectionRules = DirectionRules(),
                write: (directory: String, rotation: CaptureRotation)? = nil, agentStates: Bool = false,
                diagnostics: @escaping (Diagnostic) -> Void) throws(LiveSourceError) {
        self.direction = direction
        self.diagnostics = diagnostics
        for name in names {
            do { interfaces.append(try LiveInterface(name: name, filter: filter)) } catch { throw .interface(error) }
        }
        for address in hepListen {
            do { receivers.append(try HEPReceiver(address: address)) } catch { throw .hep(error) }
        }
        for path in follow {
            do {
                let follower = try CDRFollower(path: path, options: cdrOptions)
                follower.keepAgentEvents = agentStates
                followers.append(follower)
            } catch { throw .follow(error) }
        }
        inputs = names + hepListen.map { "hep:\($0)" } + follow
        writers = interfaces.map { interface in
            write.map { RotatingCaptureWriter(directory: $0.directory, prefix: interface.name, linkType: interface.linkType, rotation: $0.rotation) }
        }
        reconstructor = CallReconstructor(options: options, inputs: Array(inputs.prefix(names.count + hepListen.count)), diagnostics: diagnostics)
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGINT)
        sigaddset(&stopSignals, SIGTERM)
        sigprocmask(SIG_BLOCK, &stopSignals, nil)
    }

    /// Whether SIGINT or SIGTERM arrived (they stay pending while blocked).
    private var stopRequested: Bool {
        var pending = sigset_t()
        sigpending(&pending)
        return sigismember(&pending, SIGINT) == 1 || sigismember(&pending, SIGTERM) == 1
    }

    /// Reads until SIGINT or SIGTERM; returns the run's counts (frames of every source included).
    /// `onTick` runs after each wait (200 ms at most apart), for what moves with time alone;
    /// `onAgentChanges` gets the agents' state changes of followed queue_logs as they are read
    /// (with `agentStates`).
    public func run(onCall: (Call) -> Void, onAgentChanges: ([AgentStateChange]) -> Void = { _ in }, onTick: () -> Void = {}) -> AnalysisSummary {
        var descriptors = interfaces.map { pollfd(fd: $0.selectableDescriptor, events: Int16(POLLIN), revents: 0) }
            + receivers.flatMap { $0.descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) } }
        var frames = [Int](repeating: 0, count: inputs.count)
        var stopping = false
        var lastFollow: Int64 = 0
        while !stopping {
            _ = poll(&descriptors, nfds_t(descriptors.count), 200)
            for (index, interface) in interfaces.enumerated() {
                let linkType = LinkType(rawValue: interface.linkType)
                do {
                    try interface.drain { bytes, time in
                        frames[index] += 1
                        save(bytes, at: time, interface: index)
                        reconstructor.handleFrame(bytes, linkType: linkType, at: FramePosition(input: index, frameNumber: frames[index], timestamp: time))
                    }
                } catch {
                    reconstructor.report(.error, input: index, packet: nil, error.description)
                    stopping = true
                }
            }
            for (offset, receiver) in receivers.enumerated() {
                let index = interfaces.count + offset
                receiver.drain { packet in
                    frames[index] += 1
                    reconstructor.handlePacket(packet, at: FramePosition(input: index, frameNumber: frames[index], timestamp: Self.now()))
                }
                for problem in receiver.takeProblems() { reconstructor.report(.warning, input: index, packet: nil, problem) }
            }
            // The files are looked at every 100 ms at most, however busy the other sources are.
            let now = Self.now()
            if !followers.isEmpty, now - lastFollow >= 100_000_000 {
                lastFollow = now
                for follower in followers {
                    for call in follower.poll(now: now, report: diagnostics) { onCall(decided(call)) }
                    let changes = follower.takeAgentEvents().compactMap(AgentStateChange.init)
                    if !changes.isEmpty { onAgentChanges(changes) }
                }
            }
            if stopRequested { stopping = true }
            flushWriters()
            reconstructor.advance(to: Timestamp(nanoseconds: Self.now()))
            for call in reconstructor.takeFinishedCalls() { onCall(decided(call)) }
            onTick()
        }
        for (index, interface) in interfaces.enumerated() {
            if let stats = interface.statistics, stats.dropped + stats.droppedByInterface > 0 {
                reconstructor.report(.warning, input: index, packet: nil,
                                     "\(stats.dropped) frames dropped by the kernel (buffer full) and \(stats.droppedByInterface) by the interface, of \(stats.received) received")
            }
        }
        var (calls, summary) = reconstructor.finish()
        for call in calls { onCall(decided(call)) }
        for follower in followers {
            for call in follower.finish(now: Self.now(), report: diagnostics) { onCall(decided(call)) }
        }
        summary.inputs = inputs.count
        summary.packets = frames.reduce(0, +)
        return summary
    }

    /// The calls in progress from the interfaces and HEP feeds, as they stand (their direction
    /// not yet decided): what the live view shows between calls.
    public var callsInProgress: [Call] { reconstructor.callsInProgress }

    /// The records (lines) read from the followed CDR files.
    public var cdrRows: Int { followers.reduce(0) { $0 + $1.rows } }

    /// The files `--write` wrote, per interface.
    public var writtenFiles: [String] { writers.flatMap { $0?.files ?? [] } }

    /// Saves a frame of interface `index` when `--write` asked; a write error is reported once
    /// and ends the saving of that interface (the analysis goes on).
    private func save(_ frame: UnsafeRawBufferPointer, at time: Int64, interface index: Int) {
        guard let writer = writers[index] else { return }
        do { try writer.write(timestamp: time, frame: frame) } catch {
            reconstructor.report(.error, input: index, packet: nil, "\(error.description): frames of \(inputs[index]) are no longer saved")
            writers[index] = nil
        }
    }

    private func flushWriters() {
        for index in writers.indices {
            guard let writer = writers[index] else { continue }
            do { try writer.flush() } catch {
                reconstructor.report(.error, input: index, packet: nil, "\(error.description): frames of \(inputs[index]) are no longer saved")
                writers[index] = nil
            }
        }
    }

    private func decided(_ call: Call) -> Call {
        var call = call
        direction.apply(to: &call)
        return call
    }

    /// The wall clock, nanoseconds since the epoch.
    static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}

/// A live source that cannot be opened.
public enum LiveSourceError: Error, Sendable, CustomStringConvertible {
    case interface(LiveCaptureError)
    case hep(HEPReceiverError)
    case follow(CDRError)

    public var description: String {
        switch self {
        case .interface(let error): "cannot capture on \(error)"
        case .hep(let error): "cannot listen for HEP on \(error)"
        case .follow(let error): "cannot follow \(error)"
        }
    }
}
