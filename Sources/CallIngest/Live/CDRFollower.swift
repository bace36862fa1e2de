import CDRImport
import CallModel

/// A CDR file that keeps growing (`watch --follow`): Master.csv, cdr_custom, FreeSWITCH CSV or
/// a queue_log. New records are read as they are written (``FollowedFile``: rotation and
/// half-written lines) and go through the format's own reader once each call's records are in:
///
/// - CDR rows (one a leg) are written when the legs hang up, a call's rows together: the rows
///   read are handed on once the file has been quiet for `quiet` (or held `maxHold`, on a file
///   that never rests).
/// - queue_log events of one callid are written along the call: they are held until an event
///   ends the caller's part (COMPLETE*, a transfer, ABANDON and the other exits), then `quiet`
///   longer for the events written with it. A callid never ended is handed on after `staleAfter`.
///   Agent and member events make no call and are not kept.
final class CDRFollower {
    let path: String
    private let file: FollowedFile
    private let importer: CDRImporter
    private(set) var format: CDRFormat?
    private var failed = false
    // Row formats: lines read and not yet handed on, their file line numbers.
    private var pending: [UInt8] = []
    private var pendingLines: [Int] = []
    private var lastGrowth: Int64 = 0
    private var firstPending: Int64 = 0
    // queue_log: the lines of each call not yet handed on, in order of first event.
    private struct QueueCall {
        var bytes: [UInt8] = []
        var lines: [Int] = []
        var firstSeen: Int64
        var endedAt: Int64?
    }
    private var queueCalls: [String: QueueCall] = [:]
    private var queueOrder: [String] = []
    /// Too many callids open: the oldest ones are handed on at the next look.
    private var forceOldest = false
    /// Rows (lines) read from the file.
    private(set) var rows = 0
    /// Whether the queue_log's agent events are wanted (live agent-state rules).
    var keepAgentEvents = false
    /// Agent events read and not yet taken, in file order.
    private var agentEvents: [AgentEvent] = []

    static let quiet: Int64 = 1_000_000_000
    static let maxHold: Int64 = 10_000_000_000
    static let staleAfter: Int64 = 4 * 3_600_000_000_000
    /// Callids held at once at most: past that the oldest is handed on as it is (hostile or
    /// broken logs that never end their calls keep memory bounded).
    static let maxOpenCalls = 50_000

    /// Follows `path` from its end (its lines so far are not read); throws when it holds text
    /// whose format cannot be followed.
    init(path: String, options: CDRImportOptions) throws(CDRError) {
        self.path = path
        self.importer = CDRImporter(options: options)
        self.file = FollowedFile(path: path, fromStart: false)
        let head = file.head()
        if let format = options.format {
            try Self.check(format, path: path)
            self.format = format
        } else if head.contains(0x0A) {
            let format = try importer.format(ofHead: head, path: path)
            try Self.check(format, path: path)
            self.format = format
        }
    }

    private static func check(_ format: CDRFormat, path: String) throws(CDRError) {
        guard CDRImporter.followableFormats.contains(format) else {
            throw CDRError(input: path, reason: "\(format.rawValue) cannot be followed (only \(CDRImporter.followableFormats.map(\.rawValue).sorted().joined(separator: ", ")): records one a line, no header)")
        }
    }

    /// Reads what was written since the last call; returns the calls whose records are all in.
    func poll(now: Int64, report: @escaping (Diagnostic) -> Void) -> [Call] {
        guard !failed else { return [] }
        for piece in file.readLines() { take(piece, now: now, report: report) }
        for note in file.takeNotes() { report(Diagnostic(.warning, input: path, line: nil, message: note)) }
        return ready(now: now, all: false, report: report)
    }

    /// At the stop: every record read so far goes through the reader (calls not ended in the
    /// queue_log come out as the reader makes them of an unfinished file).
    func finish(now: Int64, report: @escaping (Diagnostic) -> Void) -> [Call] {
        guard !failed else { return [] }
        for piece in file.readLines() { take(piece, now: now, report: report) }
        return ready(now: now, all: true, report: report)
    }

    /// The agent events (pauses, rings, logoffs...) read since the last call, in file order.
    func takeAgentEvents() -> [AgentEvent] {
        defer { agentEvents.removeAll() }
        return agentEvents
    }

    private func take(_ piece: FollowedFile.Lines, now: Int64, report: (Diagnostic) -> Void) {
        // Blank lines tell nothing of the format: the first line with text decides it.
        if format == nil, piece.bytes.contains(where: { $0 != 0x0A && $0 != 0x0D && $0 != 0x20 && $0 != 0x09 }) {
            do throws(CDRError) {
                let found = try importer.format(ofHead: Array(piece.bytes.prefix(65_536)), path: path)
                try Self.check(found, path: path)
                format = found
            } catch {
                report(Diagnostic(.error, input: path, line: error.line, message: "\(error.reason): no longer followed"))
                failed = true
                return
            }
        }
        guard format != nil else { return }
        if keepAgentEvents, format == .queueLog { readAgentEvents(piece) }
        piece.bytes.withUnsafeBytes { raw in
            var start = 0
            var line = piece.firstLine
            while start < raw.count {
                var end = start
                while end < raw.count, raw[end] != 0x0A { end += 1 }
                let next = min(end + 1, raw.count)
                defer { start = next; line += 1 }
                let text = UnsafeRawBufferPointer(rebasing: raw[start..<end])
                guard text.contains(where: { $0 != 0x0D && $0 != 0x20 }) else { continue }
                rows += 1
                if format == .queueLog {
                    guard let call = CDRImporter.queueLogCall(text) else { continue }
                    if queueCalls[call.callID] == nil {
                        if queueCalls.count >= Self.maxOpenCalls { forceOldest = true }
                        queueCalls[call.callID] = QueueCall(firstSeen: now)
                        queueOrder.append(call.callID)
                    }
                    queueCalls[call.callID]?.bytes.append(contentsOf: raw[start..<next])
                    if next == end { queueCalls[call.callID]?.bytes.append(0x0A) }
                    queueCalls[call.callID]?.lines.append(line)
                    if call.ends { queueCalls[call.callID]?.endedAt = now }
                } else {
                    if pending.isEmpty { firstPending = now }
                    pending.append(contentsOf: raw[start..<next])
                    if next == end { pending.append(0x0A) }
                    pendingLines.append(line)
                    lastGrowth = now
                }
            }
        }
    }

    private func ready(now: Int64, all: Bool, report: @escaping (Diagnostic) -> Void) -> [Call] {
        guard let format else { return [] }
        var calls: [Call] = []
        if format == .queueLog {
            var kept: [String] = []
            var excess = forceOldest ? max(0, queueCalls.count - Self.maxOpenCalls * 9 / 10) : 0
            forceOldest = false
            for id in queueOrder {
                guard let call = queueCalls[id] else { continue }
                var done = all || call.endedAt.map { now - $0 >= Self.quiet } == true || now - call.firstSeen >= Self.staleAfter
                if !done, excess > 0 { done = true; excess -= 1 }
                guard done else { kept.append(id); continue }
                queueCalls[id] = nil
                calls += read(call.bytes, lines: call.lines, format: format, report: report)
            }
            queueOrder = kept
        } else if !pending.isEmpty, all || now - lastGrowth >= Self.quiet || now - firstPending >= Self.maxHold {
            calls = read(pending, lines: pendingLines, format: format, report: report)
            pending.removeAll(keepingCapacity: true)
            pendingLines.removeAll(keepingCapacity: true)
        }
        return calls
    }

    /// The agent events of a piece of queue_log, through the reader as `calls` reads them. The
    /// piece's call events are read again with their call later: their diagnostics are given
    /// there, not here.
    private func readAgentEvents(_ piece: FollowedFile.Lines) {
        let count = piece.bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } + (piece.bytes.last == 0x0A ? 0 : 1)
        let lines = Array(piece.firstLine..<(piece.firstLine + max(1, count)))
        guard let result = try? importer.read(records: piece.bytes, lines: lines, format: .queueLog, path: path, report: { _ in }) else { return }
        agentEvents += result.agentEvents
    }

    private func read(_ records: [UInt8], lines: [Int], format: CDRFormat, report: @escaping (Diagnostic) -> Void) -> [Call] {
        do throws(CDRError) {
            return try importer.read(records: records, lines: lines, format: format, path: path, report: report).calls
        } catch {
            report(Diagnostic(.error, input: path, line: error.line, message: error.reason))
            return []
        }
    }
}
