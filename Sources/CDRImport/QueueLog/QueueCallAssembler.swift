import CallModel

/// Where a queue_log layout keeps the values callscope reads from an event's data.
enum QueueDataLayout: Sendable {
    /// Stock app_queue order (`data1|data2|...`, realtime `data1`..`data5`): e.g.
    /// `ENTERQUEUE(url|callerid|position)`, `CONNECT(holdtime|bridgeduniqueid|ringtime)`.
    case stock
    /// A table export with `param1..3` and `htime`/`ttime` columns: the caller number in
    /// param1 on ENTERQUEUE, the bridged uniqueid in param2 on CONNECT, wait time (seconds)
    /// and ring time (milliseconds, RINGNOANSWER) in `htime`.
    case paramTimes
}

/// One queue_log record as byte ranges of the buffer being read: the same view for the text
/// log, the table export and the SQL dump.
struct QueueLogRow {
    var time = Timestamp(nanoseconds: 0)
    var callID = CSVField(range: 0..<0, quoted: false, hasEscapes: false, irregular: false)
    var queue = CSVField(range: 0..<0, quoted: false, hasEscapes: false, irregular: false)
    var agent = CSVField(range: 0..<0, quoted: false, hasEscapes: false, irregular: false)
    var event = CSVField(range: 0..<0, quoted: false, hasEscapes: false, irregular: false)
    /// data1...dataN (stock) or param1...param3 (table export).
    var data: [CSVField] = []
    /// The `htime` column of a `paramTimes` export.
    var htime: CSVField?
}

/// Turns queue_log records into queue calls and agent events (docs/cdr-formats.md, "Asterisk
/// queue_log").
///
/// Records are grouped by callid in any order; only a callid with an `ENTERQUEUE` becomes a
/// call. Each CONNECT, COMPLETE*, ABANDON, EXIT*, transfer and RINGNOANSWER/RINGCANCELED
/// record is a leg; `packets` counts every record of the callid. `finish` reports, once per
/// file, callids with call events but no ENTERQUEUE and hold/ring/wait times it ignored.
struct QueueCallAssembler {
    let layout: QueueDataLayout
    let source: String
    let format: CDRFormat
    /// The input as given (agent events carry it for their diagnostics).
    let inputPath: String

    private var indexByCallID: [String: Int] = [:]
    private var pending: [PendingQueueCall] = []
    private(set) var agentEvents: [AgentEvent] = []
    private var warnedEvents: Set<String> = []
    /// Hold, ring and wait times outside 0...365 days (or not numbers): how many, and the first.
    private var ignoredDurations = 0
    private var firstIgnoredDuration: (line: Int, what: String)?

    init(layout: QueueDataLayout, source: String, format: CDRFormat, inputPath: String = "") {
        self.layout = layout; self.source = source; self.format = format; self.inputPath = inputPath
    }

    /// Adds one good record (time parsed, event not empty).
    mutating func add(_ row: QueueLogRow, line: Int, bytes b: UnsafeRawBufferPointer, context: inout CDRContext) {
        let eventRange = QueueLogField.trimmed(b, row.event.range)
        let kind = QueueEventKind.classify(b, eventRange)
        switch kind {
        case .agent:
            let raw = QueueLogField.value(b, row.agent)
            let agent = raw.flatMap(ChannelName.agent).map(PhoneNumber.normalize) ?? raw ?? ""
            var data = row.data.map { b.string($0) }
            while data.last?.isEmpty == true { data.removeLast() }
            agentEvents.append(AgentEvent(
                time: row.time, agent: agent, queue: QueueLogField.value(b, row.queue), event: b.string(row.event), data: data,
                input: inputPath, line: line))
            return
        case .connect, .completeAgent, .completeCaller, .transfer, .ringNoAnswer, .ringCanceled, .agentDump:
            // The agent's part of a call, for agent states (AgentStateBuilder); the call too.
            if let callID = QueueLogField.value(b, row.callID) {
                let agent = QueueLogField.value(b, row.agent).flatMap(ChannelName.agent).map(PhoneNumber.normalize) ?? ""
                agentEvents.append(AgentEvent(
                    time: row.time, agent: agent, queue: QueueLogField.value(b, row.queue),
                    event: b.string(row.event), data: [], callID: callID, input: inputPath, line: line))
            }
        case .unknown:
            let name = b.string(row.event)
            if warnedEvents.insert(name).inserted {
                context.warning(line: line, "queue_log event \(name) is not known: counted, not used")
            }
        default:
            // QUEUESTART/CONFIGRELOAD carry no callid (`NONE`); DID or INFO records count as
            // records of their call; OUT* callids are agent outbound calls, never entered.
            break
        }
        guard let callID = QueueLogField.value(b, row.callID) else { return }
        let index: Int
        if let known = indexByCallID[callID] {
            index = known
        } else {
            index = pending.count
            indexByCallID[callID] = index
            pending.append(PendingQueueCall(callID: callID))
        }
        pending[index].records += 1
        // Static: a method on self would copy self (and `pending`) for every record.
        var ignored: String?
        Self.apply(kind, row, layout: layout, bytes: b, to: &pending[index], ignored: &ignored)
        if let ignored {
            ignoredDurations += 1
            if firstIgnoredDuration == nil { firstIgnoredDuration = (line, ignored) }
        }
    }

    /// `ignored` names a hold, ring or wait time of the record that was not taken (not a whole
    /// number within 0...365 days), e.g. `CONNECT holdtime '-5'`.
    private static func apply(
        _ kind: QueueEventKind, _ row: QueueLogRow, layout: QueueDataLayout, bytes b: UnsafeRawBufferPointer,
        to call: inout PendingQueueCall, ignored: inout String?
    ) {
        let time = row.time
        let agentName = QueueLogField.value(b, row.agent).flatMap(ChannelName.agent).map(PhoneNumber.normalize)
        func data(_ i: Int) -> CSVField? { i < row.data.count ? row.data[i] : nil }
        let eventName = { b.string(row.event) }
        /// Nanoseconds of a duration field in `unit` (1e9 seconds, 1e6 milliseconds); nil when
        /// absent or ignored (then named in `ignored`).
        func duration(_ field: CSVField?, _ name: String, unit: Int64 = 1_000_000_000) -> Int64? {
            switch QueueLogField.duration(b, field, unitNanoseconds: unit) {
            case .absent: return nil
            case .nanoseconds(let ns): return ns
            case .ignored:
                if ignored == nil, let field { ignored = "\(eventName()) \(name) '\(b.string(field))'" }
                return nil
            }
        }
        /// `time` minus a duration (both bounded, so no overflow; checked all the same).
        func before(_ nanoseconds: Int64) -> Timestamp {
            let (start, overflow) = time.nanoseconds.subtractingReportingOverflow(nanoseconds)
            return overflow ? time : Timestamp(nanoseconds: start)
        }
        if kind != .enterQueue, kind != .agent, kind != .agentDump, kind != .ignored, kind != .unknown { call.hasCallEvents = true }
        switch kind {
        case .enterQueue:
            call.enterCount += 1
            let queue = QueueLogField.value(b, row.queue)
            // The latest ENTERQUEUE (equal times: the later record) names the last queue.
            if call.lastEnter.map({ time >= $0 }) ?? true {
                call.lastEnter = time
                call.lastEnterQueue = queue
            }
            guard call.enter.map({ time < $0 }) ?? true else { return }
            call.enter = time
            call.enterQueue = queue
            let callerField = layout == .stock ? data(1) : data(0)
            call.caller = callerField.flatMap { QueueLogField.value(b, $0) }.map(PhoneNumber.normalize)
        case .blockedJoin:
            // Written instead of ENTERQUEUE: the call starts and ends here, blocked.
            if call.enter == nil {
                call.enter = time
                call.enterQueue = QueueLogField.value(b, row.queue)
                call.enterCount = 1
            }
            call.exit = .blockedJoin
            call.exitTime = time
            call.exitWaitNanoseconds = 0
            call.end(at: time, by: nil)
        case .connect:
            let ring = duration(data(2), "ringtime") ?? 0
            let bridged = data(1).flatMap { QueueLogField.value(b, $0) }
            call.legs.append(CallLeg(
                id: bridged ?? call.callID, status: eventName(), start: before(ring),
                answered: true, destination: agentName, answeredAt: time, agent: agentName))
            let hold = duration(layout == .stock ? data(0) : row.htime, "holdtime")
            guard call.connect.map({ time < $0 }) ?? true else { return }
            call.connect = time
            call.connectLeg = call.legs.count - 1
            call.agent = agentName
            call.connectQueue = QueueLogField.value(b, row.queue)
            call.holdNanoseconds = hold
        case .completeAgent, .completeCaller, .transfer:
            // BLINDTRANSFER(extension|context|holdtime|calltime|origposition) and the older
            // TRANSFER(extension|context|holdtime|calltime) name the target;
            // ATTENDEDTRANSFER(method|data|holdtime|calltime|origposition) names a bridge or an
            // application, not a person (app_queue.c, log_attended_transfer).
            let nameLength = QueueLogField.trimmed(b, row.event.range).count
            let blind = kind == .transfer && (nameLength == 13 || nameLength == 8)  // BLINDTRANSFER, TRANSFER
            let target = blind ? data(0).flatMap { QueueLogField.value(b, $0) } : nil
            call.legs.append(CallLeg(id: call.callID, status: eventName(), start: time, answered: false, destination: target ?? agentName, endedAt: time))
            // The agent's part ends: the latest CONNECT leg still open (after a re-queue, the second agent's).
            if let open = call.legs.lastIndex(where: { $0.answeredAt != nil && $0.endedAt == nil }) { call.legs[open].endedAt = time }
            if kind == .transfer { call.transfers += 1 }
            call.end(at: time, by: kind == .completeCaller ? .caller : .callee)
        case .abandon, .exitWithTimeout, .exitEmpty, .exitWithKey:
            call.legs.append(CallLeg(id: call.callID, status: eventName(), start: time, answered: false, destination: nil, endedAt: time))
            let waitField: CSVField?
            switch layout {
            case .stock: waitField = data(kind == .exitWithKey ? 3 : 2)
            case .paramTimes: waitField = row.htime
            }
            let wait = duration(waitField, "waittime")
            // ABANDON: the caller hung up; EXITWITHKEY: the caller pressed a key to leave.
            call.end(at: time, by: kind == .abandon || kind == .exitWithKey ? .caller : nil)
            if call.exit == nil || time >= (call.exitTime ?? time) {
                call.exit = kind
                call.exitTime = time
                call.exitWaitNanoseconds = wait
            }
        case .ringNoAnswer, .ringCanceled:
            let ringField = layout == .stock ? data(0) : row.htime
            let ring = duration(ringField, "ringtime (ms)", unit: 1_000_000) ?? 0
            call.legs.append(CallLeg(
                id: call.callID, status: eventName(), start: before(ring),
                answered: false, destination: agentName, endedAt: time))
        case .agent, .agentDump, .ignored, .unknown:
            break
        }
    }

    /// The queue calls (callids with an ENTERQUEUE), ordered by start, after the file's warnings:
    /// callids with call events but no ENTERQUEUE (not calls), and ignored hold/ring/wait times.
    func finish(context: inout CDRContext) -> [Call] {
        let withoutEnter = pending.reduce(0) { $0 + ($1.enter == nil && $1.hasCallEvents ? 1 : 0) }
        if withoutEnter > 0 {
            context.warning(line: nil, "\(withoutEnter) callid\(withoutEnter == 1 ? " has" : "s have") events but no ENTERQUEUE (the log starts in the middle of their calls); they are not counted as calls")
        }
        if let first = firstIgnoredDuration {
            context.warning(line: first.line, "\(ignoredDurations) hold, ring or wait time\(ignoredDurations == 1 ? " is" : "s are") not a whole number from 0 to 365 days and ignored (first: \(first.what))")
        }
        return calls()
    }

    /// The queue calls (callids with an ENTERQUEUE), ordered by start.
    private func calls() -> [Call] {
        var out: [Call] = []
        out.reserveCapacity(pending.count)
        for call in pending {
            guard let start = call.enter else { continue }
            out.append(call.makeCall(start: start, source: source, format: format))
        }
        // Stable: equal starts keep the order of their first record.
        return out.enumerated().sorted { ($0.element.start, $0.offset) < ($1.element.start, $1.offset) }.map(\.element)
    }
}

/// What is known so far of one callid.
private struct PendingQueueCall {
    let callID: String
    var records = 0
    /// Whether a CONNECT, COMPLETE*, ABANDON, EXIT*, transfer or RING* record was seen.
    var hasCallEvents = false
    /// The first ENTERQUEUE (the call's start) and its queue.
    var enter: Timestamp?
    var enterQueue: String?
    /// How many ENTERQUEUE records (more than one: re-queued), and the latest one's queue.
    var enterCount = 0
    var lastEnter: Timestamp?
    var lastEnterQueue: String?
    var caller: String?
    var connect: Timestamp?
    var connectLeg: Int?
    var connectQueue: String?
    var agent: String?
    var holdNanoseconds: Int64?
    var endedAt: Timestamp?
    var endedBy: CallParty?
    var exit: QueueEventKind?
    var exitTime: Timestamp?
    var exitWaitNanoseconds: Int64?
    var legs: [CallLeg] = []
    /// BLINDTRANSFER, ATTENDEDTRANSFER and TRANSFER records.
    var transfers = 0

    init(callID: String) { self.callID = callID }

    /// The latest end event wins (`ended_at`, `ended_by`).
    mutating func end(at time: Timestamp, by party: CallParty?) {
        guard endedAt.map({ time >= $0 }) ?? true else { return }
        endedAt = time
        endedBy = party
    }

    func makeCall(start: Timestamp, source: String, format: CDRFormat) -> Call {
        let outcome: CallOutcome
        var wait: Int64?
        // Re-queued (several ENTERQUEUEs): each queue's holdtime/waittime covers its own part
        // only, so the wait runs from the first ENTERQUEUE.
        let requeued = enterCount > 1
        var endedAt = endedAt, endedBy = endedBy
        if let connect {
            outcome = .answered
            wait = requeued ? start.distance(to: connect) : holdNanoseconds ?? start.distance(to: connect)
            // An end before the answer (an exit from an earlier queue) is not the call's end.
            if let end = endedAt, end < connect { endedAt = nil; endedBy = nil }
        } else {
            switch exit {
            case .abandon?, .exitWithKey?: outcome = .abandoned
            case .exitWithTimeout?: outcome = .noAnswer
            case .exitEmpty?, .blockedJoin?: outcome = .congestion
            default: outcome = .unknown
            }
            wait = requeued ? endedAt.map { start.distance(to: $0) } : exitWaitNanoseconds ?? endedAt.map { start.distance(to: $0) }
        }
        // Each agent's part: from their CONNECT to the COMPLETE* or transfer that ended it.
        var legs = legs
        for i in legs.indices {
            if let answered = legs[i].answeredAt, let ended = legs[i].endedAt { legs[i].talkNanoseconds = max(0, answered.distance(to: ended)) }
        }
        var call = Call(
            callID: callID, source: source, start: start, caller: caller, dialed: nil,
            outcome: outcome, answeredAt: connect, endedAt: endedAt, endedBy: endedBy, agent: agent,
            queue: (connect != nil ? connectQueue : nil) ?? lastEnterQueue ?? enterQueue, waitNanoseconds: wait,
            direction: nil, format: format.rawValue, packets: records,
            // No outcome at all, or answered and never completed: the log ended mid-call.
            truncated: endedAt == nil,
            legs: legs)
        call.transfers = connect != nil ? transfers : 0
        return call
    }
}
