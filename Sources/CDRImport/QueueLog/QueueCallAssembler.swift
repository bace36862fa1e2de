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
/// record is a leg; `packets` counts every record of the callid.
struct QueueCallAssembler {
    let layout: QueueDataLayout
    let source: String
    let format: CDRFormat

    private var indexByCallID: [String: Int] = [:]
    private var pending: [PendingQueueCall] = []
    private(set) var agentEvents: [AgentEvent] = []
    private var warnedEvents: Set<String> = []

    init(layout: QueueDataLayout, source: String, format: CDRFormat) {
        self.layout = layout; self.source = source; self.format = format
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
            agentEvents.append(AgentEvent(time: row.time, agent: agent, queue: QueueLogField.value(b, row.queue), event: b.string(row.event), data: data))
            return
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
        Self.apply(kind, row, layout: layout, bytes: b, to: &pending[index])
    }

    private static func apply(_ kind: QueueEventKind, _ row: QueueLogRow, layout: QueueDataLayout, bytes b: UnsafeRawBufferPointer, to call: inout PendingQueueCall) {
        let time = row.time
        let agentName = QueueLogField.value(b, row.agent).flatMap(ChannelName.agent).map(PhoneNumber.normalize)
        func data(_ i: Int) -> CSVField? { i < row.data.count ? row.data[i] : nil }
        func seconds(_ field: CSVField?) -> Int64? {
            guard let field, let value = b.integer(field), value >= 0 else { return nil }
            return value
        }
        let eventName = { b.string(row.event) }
        switch kind {
        case .enterQueue:
            guard call.enter.map({ time < $0 }) ?? true else { return }
            call.enter = time
            call.enterQueue = QueueLogField.value(b, row.queue)
            let callerField = layout == .stock ? data(1) : data(0)
            call.caller = callerField.flatMap { QueueLogField.value(b, $0) }.map(PhoneNumber.normalize)
        case .connect:
            let ringSeconds = seconds(data(2)) ?? 0
            let bridged = data(1).flatMap { QueueLogField.value(b, $0) }
            call.legs.append(CallLeg(
                id: bridged ?? call.callID, status: eventName(), start: Timestamp(nanoseconds: time.nanoseconds - ringSeconds * 1_000_000_000),
                answered: true, destination: agentName, answeredAt: time))
            guard call.connect.map({ time < $0 }) ?? true else { return }
            call.connect = time
            call.connectLeg = call.legs.count - 1
            call.agent = agentName
            call.connectQueue = QueueLogField.value(b, row.queue)
            call.holdSeconds = seconds(layout == .stock ? data(0) : row.htime)
        case .completeAgent, .completeCaller, .transfer:
            call.legs.append(CallLeg(id: call.callID, status: eventName(), start: time, answered: false, destination: agentName, endedAt: time))
            if let leg = call.connectLeg, call.legs[leg].endedAt == nil { call.legs[leg].endedAt = time }
            call.end(at: time, by: kind == .completeCaller ? .caller : .callee)
        case .abandon, .exitWithTimeout, .exitEmpty, .exitWithKey:
            call.legs.append(CallLeg(id: call.callID, status: eventName(), start: time, answered: false, destination: nil, endedAt: time))
            let waitField: CSVField?
            switch layout {
            case .stock: waitField = data(kind == .exitWithKey ? 3 : 2)
            case .paramTimes: waitField = row.htime
            }
            call.end(at: time, by: kind == .abandon ? .caller : nil)
            if call.exit == nil || time >= (call.exitTime ?? time) {
                call.exit = kind
                call.exitTime = time
                call.exitWaitSeconds = seconds(waitField)
            }
        case .ringNoAnswer, .ringCanceled:
            let ringField = layout == .stock ? data(0) : row.htime
            let ringMilliseconds = seconds(ringField) ?? 0
            call.legs.append(CallLeg(
                id: call.callID, status: eventName(), start: Timestamp(nanoseconds: time.nanoseconds - ringMilliseconds * 1_000_000),
                answered: false, destination: agentName, endedAt: time))
        case .agent, .ignored, .unknown:
            break
        }
    }

    /// The queue calls (callids with an ENTERQUEUE), ordered by start.
    func calls() -> [Call] {
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
    var enter: Timestamp?
    var enterQueue: String?
    var caller: String?
    var connect: Timestamp?
    var connectLeg: Int?
    var connectQueue: String?
    var agent: String?
    var holdSeconds: Int64?
    var endedAt: Timestamp?
    var endedBy: CallParty?
    var exit: QueueEventKind?
    var exitTime: Timestamp?
    var exitWaitSeconds: Int64?
    var legs: [CallLeg] = []

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
        if let connect {
            outcome = .answered
            wait = holdSeconds.map { $0 * 1_000_000_000 } ?? start.distance(to: connect)
        } else {
            switch exit {
            case .abandon?, .exitWithKey?: outcome = .abandoned
            case .exitWithTimeout?: outcome = .noAnswer
            case .exitEmpty?: outcome = .congestion
            default: outcome = .unknown
            }
            wait = exitWaitSeconds.map { $0 * 1_000_000_000 } ?? endedAt.map { start.distance(to: $0) }
        }
        return Call(
            callID: callID, source: source, start: start, caller: caller, dialed: nil,
            outcome: outcome, answeredAt: connect, endedAt: endedAt, endedBy: endedBy, agent: agent,
            queue: connect != nil ? (connectQueue ?? enterQueue) : enterQueue, waitNanoseconds: wait,
            direction: nil, format: format.rawValue, packets: records,
            // No outcome at all, or answered and never completed: the log ended mid-call.
            truncated: endedAt == nil,
            legs: legs)
    }
}
