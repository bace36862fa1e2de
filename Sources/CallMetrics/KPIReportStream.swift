import CallModel

/// ``MetricsEngine/report(calls:groupBy:options:)`` fed one call at a time, in start order, so a
/// report over a stream of calls (captures, a CDR file read while it is written out) keeps the
/// aggregates and a little per-number history instead of every call (issue 16, target 2).
///
/// The result is the engine's for the same calls in the same order: duplicates (same start and
/// Call-ID as an earlier call) left out, calls outside `[from, to)` used as history only, the
/// caller class of each inbound call from the last inbound call of its number (look-back), a lost
/// call's return from the first later answered call of its number within the callback window
/// (look-ahead: the call is counted at once, its return added when that call comes).
///
/// What is held: per normalised number its last inbound start and its pending lost calls (a
/// start and a group slot each, dropped once their callback window has passed); per group the
/// accumulator (counters and the waits its percentiles need). No `Call` is kept.
///
/// - Complexity: `add` O(1) amortised (plus the sort of an agent call's parts); memory O(numbers
///   + lost calls within one callback window + groups + waits).
public struct KPIReportStream {
    public let options: MetricsOptions
    public let groupBy: GroupBy?
    private var groups: KPIGroups
    private var history: RunningCallerHistory
    private var duplicates = StartRunDuplicates<Call>()
    private var historyOnly = 0
    /// The lost calls the current call returned: group slot and delay.
    private var returned: [(Int32, Int64)] = []
    /// Earliest and latest start of the calls in range (duplicates included), for a report's period line.
    public private(set) var firstStart: Timestamp?
    public private(set) var lastStart: Timestamp?
    /// Calls that came before the previous call's start: their facts are those of their place in
    /// the stream, not of their start (a capture whose clock stepped back; the stream warns).
    public var outOfOrderCalls: Int { duplicates.outOfOrder }

    public init(groupBy: GroupBy?, options: MetricsOptions) {
        self.options = options
        self.groupBy = groupBy
        groups = KPIGroups(groupBy: groupBy, options: options)
        history = RunningCallerHistory(options: options)
    }

    /// Adds the next call of the stream (calls in start order, ties in the order the whole-list
    /// report would see them: start, then Call-ID for ``CallCollector`` streams).
    public mutating func add(_ call: Call) {
        guard !duplicates.isDuplicate(call) else { return }
        let inRange = options.inRange(call.start)
        let facts = history.annotate(call, counted: inRange, returned: &returned)
        for (slot, delay) in returned { groups.addReturn(slot: slot, delayNanoseconds: delay) }
        returned.removeAll(keepingCapacity: true)
        guard inRange else {
            historyOnly += 1
            return
        }
        if firstStart.map({ call.start < $0 }) ?? true { firstStart = call.start }
        if lastStart.map({ call.start > $0 }) ?? true { lastStart = call.start }
        let slot = groups.add(call, facts: facts.facts)
        if let pending = facts.pendingLost { history.setSlot(slot, ofPending: pending) }
    }

    /// Lost calls in range still waiting for a return (at most those of the last callback window).
    var pendingLostCalls: Int { history.pendingCount }

    /// The report of the calls added (``MetricsEngine/report(calls:groupBy:options:)``'s result
    /// for the same calls).
    public func report() -> MetricsReport {
        groups.overall.report(groups.overall.result(), groupBy: groupBy, groups: groups.rows(), options: options,
                              duplicates: duplicates.count, historyOnly: historyOnly)
    }
}

/// Duplicates in a stream of calls in start order: a call with the start and Call-ID of an
/// earlier call (``CallTimeline``'s rule, which keeps the first).
struct StartRunDuplicates<Row: MetricCall> {
    /// The start and Call-IDs of the latest run of calls starting at the same instant.
    private var runStart = Int64.min
    private var runIDs: [Row.Identity] = []
    /// Duplicates seen.
    private(set) var count = 0
    /// Calls that came before the previous call's start.
    private(set) var outOfOrder = 0

    /// Whether `call` repeats an earlier call of the stream (then it is counted and left out).
    @inline(__always)
    mutating func isDuplicate(_ call: Row) -> Bool {
        let start = call.start.nanoseconds
        if start != runStart {
            if start < runStart { outOfOrder += 1 }
            runStart = start
            if !runIDs.isEmpty { runIDs.removeAll(keepingCapacity: true) }
            runIDs.append(call.identity)
            return false
        }
        // Equal starts are rare: only then are Call-IDs compared.
        if runIDs.contains(call.identity) {
            count += 1
            return true
        }
        runIDs.append(call.identity)
        return false
    }
}

/// The overall tally and the grouping's, the engine's own (FigureTallies.swift), with the group
/// key of each call and the slot it was counted in, so a return that comes later reaches it.
struct KPIGroups {
    private(set) var overall: OverallTally
    private var grouped: GroupTally?
    private var clock: LocalClock
    private let attribution: CampaignAttribution

    init(groupBy: GroupBy?, options: MetricsOptions) {
        overall = OverallTally(options: options)
        grouped = groupBy.map { GroupTally(groupBy: $0, options: options) }
        clock = LocalClock(zone: options.timeZone)
        attribution = CampaignAttribution(options.campaigns)
    }

    /// Adds a call in range; returns the slot of the group it was counted in (-1: ungrouped).
    mutating func add(_ call: Call, facts: CallFacts) -> Int32 {
        overall.add(call, facts: facts)
        guard let groupBy = grouped?.groupBy else { return -1 }
        let key = MetricsEngine.groupKey(call, groupBy, clock: &clock, attribution: attribution)
        return Int32(grouped?.add(call, facts: facts, key: key) ?? -1)
    }

    /// A lost call counted before (in the overall row and group `slot`) was returned `delay` after its start.
    mutating func addReturn(slot: Int32, delayNanoseconds delay: Int64) {
        overall.addReturn(delayNanoseconds: delay)
        if slot >= 0 { grouped?.addReturn(slot: Int(slot), delayNanoseconds: delay) }
    }

    /// The group rows in key order.
    func rows() -> [MetricsRow] { grouped?.rows() ?? [] }
}

/// The history facts of ``CallTimeline`` (caller class, lost-call returns) computed call by call
/// in start order, holding per number only what later calls need: the last inbound start, and
/// the lost calls still inside their callback window.
struct RunningCallerHistory {
    private let repeatWindow: Int64
    private let callbackWindow: Int64
    private let options: MetricsOptions
    private var ids: NumberIDs
    /// Per number: its last inbound start and its pending lost calls (a list through
    /// `Pending.next` in start order), in one struct: one cache miss per call, not three.
    private var numbers: [NumberState] = []
    private var pending: [Pending] = []
    private var free: [Int32] = []
    /// Numbers with a pending lost call, in the order of those calls' starts: the calls whose
    /// callback window has passed are dropped from the front.
    private var expiry: [(start: Int64, number: Int32)] = []
    private var expiryHead = 0

    struct Pending {
        var start: Int64
        /// The group slot the call was counted in (``KPIGroups/add(_:facts:)``).
        var slot: Int32
        var next: Int32
    }

    /// - Parameter numbers: the numbers already interned (``NumberIDs/init(strings:)``); nil: interned here.
    init(options: MetricsOptions, numbers: NumberIDs? = nil) {
        repeatWindow = options.repeatWindow.nanoseconds
        callbackWindow = options.callbackWindow.nanoseconds
        self.options = options
        ids = numbers ?? NumberIDs(capacity: 1024)
    }

    /// The facts of `call`, the next call in start order, after adding to `returned` each
    /// pending lost call it returns (its group slot and the delay). A lost inbound call that
    /// is `counted` (in range) becomes pending: `pendingLost` is its index for ``setSlot(_:ofPending:)``.
    mutating func annotate<C: MetricCall>(_ call: C, counted: Bool, returned: inout [(Int32, Int64)]) -> (facts: CallFacts, pendingLost: Int32?) {
        let t = call.start.nanoseconds
        expire(before: t)
        let answered = call.outcome == .answered
        // An IVR drop-off never reached a queue or a person: not a lost call (docs/metrics.md).
        let lostCandidate = !answered && call.outcome != .ivrDropoff
        let direction = call.direction
        if options.countsAsInbound(direction) {
            guard let id = grow(call.callerNumber(&ids)) else { return (CallFacts(inbound: true, callerClass: .withheld), nil) }
            let before = numbers[id].lastInbound
            let callerClass: CallerClass = before != .min && Self.distance(before, t) <= repeatWindow ? .repeat : .firstTime
            numbers[id].lastInbound = t
            if answered {
                resolve(id, at: t, returned: &returned)
            } else if lostCandidate && counted {
                return (CallFacts(inbound: true, callerClass: callerClass), append(id, start: t))
            }
            return (CallFacts(inbound: true, callerClass: callerClass), nil)
        }
        if direction == .outbound, answered, let id = grow(call.dialedNumber(&ids)) {
            resolve(id, at: t, returned: &returned)
        }
        return (CallFacts(inbound: false, callerClass: .notInbound), nil)
    }

    /// Lost calls held for a return.
    var pendingCount: Int { pending.count - free.count }

    mutating func setSlot(_ slot: Int32, ofPending index: Int32) { pending[Int(index)].slot = slot }

    /// `id`, with room for it in the per-number arrays.
    private mutating func grow(_ id: Int?) -> Int? {
        guard let id else { return nil }
        if id >= numbers.count { numbers.append(contentsOf: repeatElement(NumberState(), count: id + 1 - numbers.count)) }
        return id
    }

    private mutating func append(_ id: Int, start: Int64) -> Int32 {
        let entry = Pending(start: start, slot: -1, next: -1)
        let index: Int32
        if let reused = free.popLast() {
            index = reused
            pending[Int(index)] = entry
        } else {
            index = Int32(truncatingIfNeeded: pending.count)
            pending.append(entry)
        }
        if numbers[id].tail >= 0 { pending[Int(numbers[id].tail)].next = index } else { numbers[id].head = index }
        numbers[id].tail = index
        expiry.append((start, Int32(truncatingIfNeeded: id)))
        return index
    }

    /// Returns every pending lost call of number `id` that started before `t` and within the
    /// callback window of it, and takes them off the list (those that started at `t` itself
    /// stay: a call cannot return a call of the same instant), as ``CallTimeline`` does.
    private mutating func resolve(_ id: Int, at t: Int64, returned: inout [(Int32, Int64)]) {
        var index = numbers[id].head
        while index >= 0, pending[Int(index)].start < t {
            let entry = pending[Int(index)]
            let delay = Self.distance(entry.start, t)
            if delay <= callbackWindow { returned.append((entry.slot, delay)) }
            free.append(index)
            index = entry.next
        }
        numbers[id].head = index
        if index < 0 { numbers[id].tail = -1 }
    }

    /// Drops the pending lost calls that no call from `t` on can return (window passed).
    private mutating func expire(before t: Int64) {
        while expiryHead < expiry.count, Self.distance(expiry[expiryHead].start, t) > callbackWindow {
            let id = Int(expiry[expiryHead].number)
            expiryHead += 1
            while numbers[id].head >= 0, Self.distance(pending[Int(numbers[id].head)].start, t) > callbackWindow {
                free.append(numbers[id].head)
                numbers[id].head = pending[Int(numbers[id].head)].next
            }
            if numbers[id].head < 0 { numbers[id].tail = -1 }
        }
        if expiryHead > 4096, expiryHead * 2 > expiry.count {
            expiry.removeFirst(expiryHead)
            expiryHead = 0
        }
    }

    /// `to - from`, saturating (starts read from hostile input can be centuries apart): ``Timestamp/distance(to:)``.
    private static func distance(_ from: Int64, _ to: Int64) -> Int64 {
        Timestamp(nanoseconds: from).distance(to: Timestamp(nanoseconds: to))
    }
}
