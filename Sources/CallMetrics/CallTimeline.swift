import CallModel

/// How an inbound call's caller relates to earlier calls (docs/metrics.md "First-time and
/// repeat callers").
public enum CallerClass: UInt8, Sendable, Hashable, Codable {
    /// Not an inbound call: the caller classes do not apply.
    case notInbound
    /// No call from the same number within the repeat window before it.
    case firstTime
    /// The same normalised number called within the repeat window before it (inclusive).
    case `repeat`
    /// The number is withheld (missing, empty, or without a digit): never repeat.
    case withheld
}

/// What happened after a lost call (docs/metrics.md "Lost calls and callbacks").
public enum LostCallReturn: String, Sendable, Hashable, Codable {
    /// An answered outbound call to the number within the callback window.
    case callback
    /// An answered inbound call from the number within the callback window.
    case answeredRecall = "answered-recall"
    /// Neither: still not returned.
    case none
}

/// The per-call facts that need other calls to know: caller class and, for a lost call,
/// how it was returned. Computed by the history pass, consumed by `KPIAccumulator`.
public struct CallFacts: Sendable, Hashable {
    /// Whether the call counts as inbound (direction `inbound`, or unknown with
    /// `MetricsOptions.unknownDirectionIsInbound`).
    public var inbound: Bool
    public var callerClass: CallerClass
    /// For an unanswered inbound call: how it was returned.
    public var returned: LostCallReturn
    /// For a returned lost call: lost call start to the returning call's start, in nanoseconds.
    public var returnDelayNanoseconds: Int64?

    public init(inbound: Bool, callerClass: CallerClass, returned: LostCallReturn = .none, returnDelayNanoseconds: Int64? = nil) {
        self.inbound = inbound; self.callerClass = callerClass
        self.returned = returned; self.returnDelayNanoseconds = returnDelayNanoseconds
    }
}

/// The resolution of one lost call found by the history pass.
struct LostResolution: Sendable {
    var position: Int
    var start: Int64
    var returned: LostCallReturn = .none
    /// For a returned lost call: the position in `order` of the call that returned it (its
    /// agent, caller and Call-ID are read from there when the lost calls are listed).
    var returnPosition = -1
    var delay: Int64?
    var attempts = 0
    /// The next pending lost call of the same number (index into `lost`), or -1.
    var next: Int32 = -1
}

/// Interns normalised numbers to dense ids: a packed integer key for plain numbers, the
/// normalised string otherwise.
struct NumberIDs {
    private var packedIDs: [UInt64: Int32] = [:]
    private var textIDs: [String: Int32] = [:]
    private(set) var count = 0
    /// The number id of each string of a ``MetricRows`` (-1: withheld), interned before the history pass.
    private var ofString: [Int32] = []

    init(capacity: Int) { packedIDs.reserveCapacity(capacity) }

    /// The ids of `strings`' numbers, each string interned once.
    init(strings: [String]) {
        self.init(capacity: min(strings.count, 1 << 20))
        ofString = strings.map { text in id(of: text).map { Int32($0.id) } ?? -1 }
    }

    /// The number id of string `index` of the strings given to ``init(strings:)``; nil when withheld.
    @inline(__always)
    func id(ofString index: Int32) -> Int? {
        // Ids past the strings given cannot come from rows read with them; nil keeps it safe.
        guard index >= 0, Int(index) < ofString.count else { return nil }
        let id = ofString[Int(index)]
        return id < 0 ? nil : Int(id)
    }

    /// The id of `raw`'s number, nil when withheld. `isNew` tells whether it was first seen now.
    /// Ids are dense: the n-th number first seen gets n - 1.
    @inline(__always)
    mutating func id(of raw: String?) -> (id: Int, isNew: Bool)? {
        let next = Int32(truncatingIfNeeded: count)
        if let key = NumberKey.packed(raw) {
            let id = packedIDs[key, default: next]
            if id != next { return (Int(id), false) }
            packedIDs[key] = id
        } else {
            guard let number = NumberKey.normalized(raw) else { return nil }
            let id = textIDs[number, default: next]
            if id != next { return (Int(id), false) }
            textIDs[number] = id
        }
        count += 1
        return (Int(next), true)
    }
}

/// What the history pass and the KPI tallies read of a call, so that the rules are written once
/// for ``Call`` and for the compact ``MetricRow`` a store reads (docs/performance.md "Store reports").
protocol MetricCall {
    /// Equal for two copies of one call that start at the same instant (duplicates).
    associatedtype Identity: Equatable
    var identity: Identity { get }
    var start: Timestamp { get }
    var outcome: CallOutcome { get }
    var direction: CallDirection? { get }
    var pddMilliseconds: Int64? { get }
    var answeredAt: Timestamp? { get }
    var endedAt: Timestamp? { get }
    var waitNanoseconds: Int64? { get }
    var transfers: Int { get }
    /// The history pass's dense id of the caller's (dialled) normalised number, from `ids`;
    /// nil when withheld.
    func callerNumber(_ ids: inout NumberIDs) -> Int?
    func dialedNumber(_ ids: inout NumberIDs) -> Int?
}

extension Call: MetricCall {
    var identity: String { callID }
    func callerNumber(_ ids: inout NumberIDs) -> Int? { ids.id(of: caller)?.id }
    func dialedNumber(_ ids: inout NumberIDs) -> Int? { ids.id(of: dialed)?.id }
}

/// What later calls need of one number in a history pass (``Timeline``, ``RunningCallerHistory``),
/// in one struct: one cache miss per call, not one for each of four arrays (docs/performance.md
/// "Store reports", session 8).
struct NumberState {
    var lastInbound = Int64.min
    /// Pending (not yet returned) lost calls: the first and last of a list through their `next`, in start order.
    var head: Int32 = -1
    var tail: Int32 = -1
    /// Whether an outbound call to the number was seen (``Timeline/cold``).
    var seenOutbound = false
}

/// The history pass over whole calls (every figure but the store's compact report).
typealias CallTimeline = Timeline<Call>

/// The calls in time order with duplicates removed, and the facts that need history:
/// repeat callers (look-back), lost-call returns (look-ahead), cold vs follow-up outbound calls.
///
/// - Complexity: O(n log n) for the sort (O(n) when the input is already in time order), then
///   one O(n) pass with dictionaries keyed by normalised number.
struct Timeline<Row: MetricCall> {
    let calls: [Row]
    let options: MetricsOptions
    /// Indices into `calls`, ordered by start then input order; duplicates left out.
    private(set) var order: [Int] = []
    /// Parallel to `order`.
    private(set) var callerClass: [CallerClass] = []
    private(set) var inbound: [Bool] = []
    /// Parallel to `order`: for an outbound call, whether it is the first outbound call to its number.
    private(set) var cold: [Bool] = []
    /// Parallel to `order`: index into `lost`, or -1.
    private(set) var lostSlot: [Int32] = []
    private(set) var lost: [LostResolution] = []
    /// Calls left out because an earlier call has the same Call-ID and start.
    private(set) var duplicates = 0

    /// Whether the history facts (caller classes, lost calls, cold calls) are computed.
    let withHistory: Bool
    /// Whether `lost` holds the lost calls of every start, not only of `options`' range (a
    /// timeline shared by figures of several ranges, ``CallHistory``). A lost call's return
    /// depends only on the later calls of its number, so its facts are the same either way.
    let everyLostCall: Bool

    init(calls: [Row], options: MetricsOptions, withHistory: Bool = true, everyLostCall: Bool = false) {
        self.calls = calls
        self.options = options
        self.withHistory = withHistory
        self.everyLostCall = everyLostCall
        sortAndDeduplicate()
        annotate()
    }

    func isInbound(_ call: Row) -> Bool {
        options.countsAsInbound(call.direction)
    }

    /// The positions in `order` of the calls in `options`' range (``MetricsOptions/inRange(_:)``):
    /// one run, since `order` is by start, so a figure's pass visits its range alone, not the
    /// history around it.
    /// - Complexity: O(log n).
    func positions(in options: MetricsOptions) -> Range<Int> {
        func firstPosition(notBefore bound: Timestamp) -> Int {
            var low = 0, high = order.count
            while low < high {
                let mid = (low + high) / 2
                if calls[order[mid]].start < bound { low = mid + 1 } else { high = mid }
            }
            return low
        }
        let lower = options.from.map(firstPosition(notBefore:)) ?? 0
        let upper = options.to.map(firstPosition(notBefore:)) ?? order.count
        return lower..<max(lower, upper)
    }

    /// Facts of the call at `position` in `order`.
    func facts(at position: Int) -> CallFacts {
        let slot = Int(lostSlot[position])
        if slot >= 0 {
            let lost = lost[slot]
            return CallFacts(inbound: inbound[position], callerClass: callerClass[position], returned: lost.returned, returnDelayNanoseconds: lost.delay)
        }
        return CallFacts(inbound: inbound[position], callerClass: callerClass[position])
    }

    private mutating func sortAndDeduplicate() {
        var sorted = true
        var previous = Int64.min
        for index in calls.indices {
            let start = calls[index].start.nanoseconds
            if start < previous { sorted = false; break }
            previous = start
        }
        if sorted {
            deduplicate(calls.indices)  // no array of the indices: 80 MB at 10M calls
        } else {
            var keyed = calls.indices.map { (start: calls[$0].start.nanoseconds, index: $0) }
            keyed.sort { $0.start != $1.start ? $0.start < $1.start : $0.index < $1.index }
            deduplicate(keyed.lazy.map(\.index))
        }
    }

    /// Appends to `order` the calls at `indices` (in start order) that are not duplicates.
    private mutating func deduplicate<Indices: Collection<Int>>(_ indices: Indices) {
        order.reserveCapacity(indices.count)
        var runStart = Int64.min
        var runIDs: [Row.Identity] = []
        var runFirst = -1
        for index in indices {
            let start = calls[index].start.nanoseconds
            if start != runStart {
                runStart = start
                runFirst = index
                if !runIDs.isEmpty { runIDs.removeAll(keepingCapacity: true) }
            } else {
                // Equal starts are rare: only then are Call-IDs compared.
                if runIDs.isEmpty { runIDs.append(calls[runFirst].identity) }
                if runIDs.contains(calls[index].identity) {
                    duplicates += 1
                    continue
                }
                runIDs.append(calls[index].identity)
            }
            order.append(index)
        }
    }

    private mutating func annotate() {
        let n = order.count
        callerClass = Array(repeating: .notInbound, count: n)
        inbound = Array(repeating: false, count: n)
        cold = Array(repeating: false, count: n)
        lostSlot = Array(repeating: -1, count: n)
        guard withHistory else {
            for position in 0..<n { inbound[position] = isInbound(calls[order[position]]) }
            return
        }
        let repeatWindow = options.repeatWindow.nanoseconds
        let callbackWindow = options.callbackWindow.nanoseconds
        // Numbers are interned once; everything else is an array indexed by the number's id.
        var ids = NumberIDs(capacity: min(n, 1 << 20) / 2)
        var numbers: [NumberState] = []
        func grow(_ id: Int?) -> Int? {
            guard let id else { return nil }
            if id >= numbers.count { numbers.append(contentsOf: repeatElement(NumberState(), count: id + 1 - numbers.count)) }
            return id
        }

        for position in 0..<n {
            let index = order[position]
            let t = calls[index].start.nanoseconds
            let answered = calls[index].outcome == .answered
            // An IVR drop-off never reached a queue or a person: not a lost call (docs/metrics.md).
            let lostCandidate = !answered && calls[index].outcome != .ivrDropoff
            let direction = calls[index].direction
            if options.countsAsInbound(direction) {
                inbound[position] = true
                let counted = everyLostCall || options.inRange(calls[index].start)
                guard let id = grow(calls[index].callerNumber(&ids)) else {
                    callerClass[position] = .withheld
                    if lostCandidate && counted {
                        lostSlot[position] = Int32(lost.count)
                        lost.append(LostResolution(position: position, start: t))
                    }
                    continue
                }
                let before = numbers[id].lastInbound
                callerClass[position] = before != .min && t - before <= repeatWindow ? .repeat : .firstTime
                numbers[id].lastInbound = t
                if answered {
                    if numbers[id].head >= 0 {
                        resolve(&numbers[id], at: t, window: callbackWindow, kind: .answeredRecall, by: position)
                    }
                } else if lostCandidate && counted {
                    let slot = Int32(lost.count)
                    lostSlot[position] = slot
                    lost.append(LostResolution(position: position, start: t))
                    if numbers[id].tail >= 0 { lost[Int(numbers[id].tail)].next = slot } else { numbers[id].head = slot }
                    numbers[id].tail = slot
                }
            } else if direction == .outbound, let id = grow(calls[index].dialedNumber(&ids)) {
                cold[position] = !numbers[id].seenOutbound
                numbers[id].seenOutbound = true
                guard numbers[id].head >= 0 else { continue }
                if answered {
                    resolve(&numbers[id], at: t, window: callbackWindow, kind: .callback, by: position)
                } else {
                    countAttempt(&numbers[id], at: t, window: callbackWindow)
                }
            }
        }
    }

    /// Marks every pending lost call of one number that started before `t` as returned when
    /// `t` is within the window of its start, and takes them off the list (those that started
    /// at `t` itself stay: a call cannot return a call of the same instant).
    private mutating func resolve(_ number: inout NumberState, at t: Int64, window: Int64, kind: LostCallReturn, by position: Int) {
        var slot = number.head
        while slot >= 0, lost[Int(slot)].start < t {
            let i = Int(slot)
            if t - lost[i].start <= window {
                lost[i].returned = kind
                lost[i].returnPosition = position
                lost[i].delay = t - lost[i].start
            }
            slot = lost[i].next
            lost[i].next = -1
        }
        number.head = slot
        if slot < 0 { number.tail = -1 }
    }

    /// Counts an unanswered callback attempt against pending lost calls still in their window,
    /// and takes those whose window has passed off the list.
    private mutating func countAttempt(_ number: inout NumberState, at t: Int64, window: Int64) {
        while number.head >= 0, t - lost[Int(number.head)].start > window {
            let next = lost[Int(number.head)].next
            lost[Int(number.head)].next = -1
            number.head = next
        }
        if number.head < 0 { number.tail = -1; return }
        var slot = number.head
        while slot >= 0, lost[Int(slot)].start < t {
            lost[Int(slot)].attempts += 1
            slot = lost[Int(slot)].next
        }
    }
}

extension Timeline: Sendable where Row: Sendable {}
