import CallModel

/// One stored call as the KPI report reads it: times, outcome, direction, transfers, and its
/// caller, dialled and diverted-from numbers, agent and queue as ids into
/// ``MetricRows/strings``. About 70 bytes and no reference counting, against some 400 bytes and
/// eight strings for a ``Call``: building, copying and releasing those was a third of a store
/// report over 10M calls (docs/performance.md "Store reports").
public struct MetricRow: Sendable, Hashable {
    /// The value of an absent time, wait or PDD.
    static let absent = Int64.min

    public var startNanoseconds: Int64
    var answeredNanoseconds: Int64
    var endedNanoseconds: Int64
    var waitValue: Int64
    var pddValue: Int64
    /// Ids into ``MetricRows/strings``; -1 when absent.
    public var caller: Int32, dialed: Int32, divertedFrom: Int32, agent: Int32, queue: Int32
    var transferCount: Int32
    /// Among rows with the same start, equal exactly when their Call-IDs are equal (duplicates).
    public var sameStartRank: Int32
    public var outcome: CallOutcome
    public var direction: CallDirection?

    public init(start: Int64, answeredAt: Int64?, endedAt: Int64?, wait: Int64?, pddMilliseconds: Int64?,
                caller: Int32, dialed: Int32, divertedFrom: Int32, agent: Int32, queue: Int32,
                transfers: Int, outcome: CallOutcome, direction: CallDirection?, sameStartRank: Int32 = 0) {
        startNanoseconds = start
        answeredNanoseconds = answeredAt ?? Self.absent
        endedNanoseconds = endedAt ?? Self.absent
        waitValue = wait ?? Self.absent
        pddValue = pddMilliseconds ?? Self.absent
        self.caller = caller; self.dialed = dialed; self.divertedFrom = divertedFrom; self.agent = agent; self.queue = queue
        transferCount = Int32(clamping: transfers)
        self.sameStartRank = sameStartRank
        self.outcome = outcome
        self.direction = direction
    }

    public var start: Timestamp { Timestamp(nanoseconds: startNanoseconds) }
    public var answeredAt: Timestamp? { answeredNanoseconds == Self.absent ? nil : Timestamp(nanoseconds: answeredNanoseconds) }
    public var endedAt: Timestamp? { endedNanoseconds == Self.absent ? nil : Timestamp(nanoseconds: endedNanoseconds) }
    public var waitNanoseconds: Int64? { waitValue == Self.absent ? nil : waitValue }
    public var pddMilliseconds: Int64? { pddValue == Self.absent ? nil : pddValue }
    public var transfers: Int { Int(transferCount) }
}

extension MetricRow: MetricCall {
    var identity: Int32 { sameStartRank }
    /// From the ids interned for every string (``NumberIDs/init(strings:)``).
    func callerNumber(_ ids: inout NumberIDs) -> Int? { ids.id(ofString: caller) }
    func dialedNumber(_ ids: inout NumberIDs) -> Int? { ids.id(ofString: dialed) }
}

/// An agent's own talk on a leg of a transferred call (`CallLeg.agent`, `CallLeg.talkNanoseconds`).
public struct AgentTalkLeg: Sendable, Hashable {
    /// Id into ``MetricRows/strings``.
    public var agent: Int32
    public var talkNanoseconds: Int64
    public init(agent: Int32, talkNanoseconds: Int64) { self.agent = agent; self.talkNanoseconds = talkNanoseconds }
}

/// Stored calls in start order as compact rows, the strings their ids name, and the agents'
/// talk legs: what a store's report reads instead of ``Call`` values
/// (``MetricsEngine/report(_:groupBy:options:)``).
public struct MetricRows: Sendable {
    public var rows: [MetricRow] = []
    /// The text of each id (numbers, agents, queues), each distinct text once.
    public private(set) var strings: [String] = []
    /// The talk legs of the calls that have some, by index in `rows`, in leg order.
    public var talkLegs: [Int: [AgentTalkLeg]] = [:]
    private var ids: [String: Int32] = [:]

    public init() {}

    /// Rows whose ids name `strings` (ids kept by a store).
    public init(strings: [String]) { self.strings = strings }

    /// The id of `text`, added when new; -1 for nil.
    public mutating func intern(_ text: String?) -> Int32 {
        guard let text else { return -1 }
        if ids.isEmpty, !strings.isEmpty {
            ids = Dictionary(strings.enumerated().map { ($0.element, Int32($0.offset)) }, uniquingKeysWith: { a, _ in a })
        }
        if let id = ids[text] { return id }
        let id = Int32(strings.count)
        ids[text] = id
        strings.append(text)
        return id
    }

    func string(_ id: Int32) -> String? { id < 0 ? nil : strings[Int(id)] }

    /// The site's direction rules applied to each row as ``DirectionRules/apply(to:)`` applies
    /// them to a call, once per distinct (direction, queued, caller, dialled) and copied to the
    /// rows that share it.
    public mutating func apply(_ rules: DirectionRules) {
        struct Key: Hashable { var direction: CallDirection?; var queued: Bool; var caller: Int32; var dialed: Int32; var agent: Int32 }
        var decided: [Key: (direction: CallDirection?, agent: Int32)] = [:]
        for index in rows.indices {
            let row = rows[index]
            guard row.direction == nil || (row.queue >= 0 && row.direction != .inbound) else { continue }
            let key = Key(direction: row.direction, queued: row.queue >= 0, caller: row.caller, dialed: row.dialed, agent: row.agent)
            let result: (direction: CallDirection?, agent: Int32)
            if let known = decided[key] {
                result = known
            } else {
                // The rules read only these fields; the agent changes only to the caller.
                var call = Call(callID: "", source: "", transport: nil, start: row.start, caller: string(row.caller), dialed: string(row.dialed),
                                divertedFrom: nil, outcome: row.outcome, finalStatus: nil, reasonCause: nil, pddMilliseconds: nil,
                                answeredAt: nil, endedAt: nil, holdNanoseconds: 0, endedBy: nil, agent: string(row.agent),
                                queue: string(row.queue), waitNanoseconds: nil, direction: row.direction, format: "", packets: 0,
                                retransmissions: 0, truncated: false, legs: [], media: [])
                rules.apply(to: &call)
                // The rules change the agent only to the caller (an extension that dialled out).
                let agent = call.agent == string(row.agent) ? row.agent : call.agent == string(row.caller) ? row.caller : intern(call.agent)
                result = (call.direction, agent)
                decided[key] = result
            }
            rows[index].direction = result.direction
            rows[index].agent = result.agent
        }
    }

    /// The agents' own parts of the talk of row `index` (``MetricsEngine/agentTalk(_:)``).
    func agentTalk(_ index: Int) -> [String: Int64]? {
        guard let legs = talkLegs[index] else { return nil }
        return MetricsEngine.agentTalk(outcome: rows[index].outcome, legs: legs.lazy.map { (agent: string($0.agent), talk: Optional($0.talkNanoseconds)) })
    }

    /// Whether ``MetricsEngine/report(_:groupBy:options:)`` can group rows by `groupBy`: not by
    /// source or the visit fields, which rows do not carry.
    public static func canGroup(by groupBy: GroupBy?) -> Bool {
        switch groupBy {
        case nil, .hour?, .day?, .weekday?, .week?, .agent?, .queue?, .dialed?, .direction?, .campaign?: return true
        default: return false
        }
    }
}

/// ``KPIReportStream`` over compact rows, fed a batch (a store's page: one day) at a time in
/// start order, so a report over 10M stored calls holds one day of rows, the per-number history
/// and the accumulators, never every row: the figures of ``MetricsEngine/report(calls:groupBy:options:)``
/// over the calls the rows were read from (after the same direction rules).
///
/// - Complexity: O(1) amortised per row; memory O(numbers + lost calls within one callback
///   window + groups + waits), plus the batch.
public struct MetricRowsReport {
    public let groupBy: GroupBy?
    public let options: MetricsOptions
    private var overall: OverallTally
    private var groups: GroupTally
    private var keys: RowGroupKeys
    private var history: RunningCallerHistory
    private var duplicates = StartRunDuplicates<MetricRow>()
    private var clock: LocalClock
    private var historyOnly = 0
    /// The lost calls the current row returned: group slot and delay.
    private var returned: [(Int32, Int64)] = []
    private var lastTime: GroupKey?
    private var lastTimeSlot = 0
    /// Earliest and latest start of the rows in range (duplicates included).
    public private(set) var firstStart: Timestamp?
    public private(set) var lastStart: Timestamp?

    /// A report of rows whose caller and dialled ids name `strings` (every batch's rows must);
    /// nil when rows cannot be grouped by `groupBy` (``MetricRows/canGroup(by:)``).
    public init?(groupBy: GroupBy?, options: MetricsOptions, strings: [String]) {
        guard MetricRows.canGroup(by: groupBy) else { return nil }
        self.groupBy = groupBy
        self.options = options
        overall = OverallTally(options: options)
        groups = GroupTally(groupBy: groupBy ?? .hour, options: options)  // used only with a grouping
        keys = RowGroupKeys(strings: strings, options: options)
        history = RunningCallerHistory(options: options, numbers: NumberIDs(strings: strings))
        clock = LocalClock(zone: options.timeZone)
    }

    /// Adds the next rows, in start order after those added before (equal starts by Call-ID).
    public mutating func add(_ batch: MetricRows) {
        if batch.strings.count != keys.strings.count { keys.strings = batch.strings }
        for index in batch.rows.indices {
            let row = batch.rows[index]
            guard !duplicates.isDuplicate(row) else { continue }
            let inRange = options.inRange(row.start)
            let facts = history.annotate(row, counted: inRange, returned: &returned)
            if !returned.isEmpty {
                for (slot, delay) in returned {
                    overall.addReturn(delayNanoseconds: delay)
                    if groupBy != nil, slot >= 0 { groups.addReturn(slot: Int(slot), delayNanoseconds: delay) }
                }
                returned.removeAll(keepingCapacity: true)
            }
            guard inRange else {
                historyOnly += 1
                continue
            }
            if firstStart == nil { firstStart = row.start }
            lastStart = row.start
            overall.add(row, facts: facts.facts)
            var counted: Int32 = -1
            if let groupBy {
                let slot: Int
                if let time = MetricsEngine.timeKey(groupBy, clock.local(row.start)) {
                    if time != lastTime { lastTimeSlot = groups.slot(of: time); lastTime = time }
                    slot = lastTimeSlot
                } else {
                    slot = keys.slot(row, groupBy, in: &groups)
                }
                let parts = groupBy == .agent ? batch.agentTalk(index) : nil
                groups.add(row, facts: facts.facts, slot: slot, agent: parts == nil ? nil : batch.string(row.agent), talkParts: parts)
                counted = Int32(slot)
            }
            if let pending = facts.pendingLost { history.setSlot(counted, ofPending: pending) }
        }
    }

    /// The report of the rows added.
    public func report() -> MetricsReport {
        overall.report(overall.result(), groupBy: groupBy, groups: groupBy == nil ? [] : groups.rows(), options: options,
                       duplicates: duplicates.count, historyOnly: historyOnly)
    }
}

/// The group slot of a row under a grouping by text (agent, queue, dialled number, direction,
/// campaign): each distinct id is turned into its ``GroupKey`` and slot once.
private struct RowGroupKeys {
    var strings: [String]
    let attribution: CampaignAttribution
    /// Slot by token (``token(_:_:)``), -1 until seen.
    private var slots: [Int] = []
    /// Campaign index by string id (-2 not looked up yet, -1 none).
    private var campaignOf: [Int] = []

    init(strings: [String], options: MetricsOptions) {
        self.strings = strings
        attribution = CampaignAttribution(options.campaigns)
    }

    mutating func slot(_ row: MetricRow, _ groupBy: GroupBy, in groups: inout GroupTally) -> Int {
        let token = token(row, groupBy)
        if token >= slots.count { slots.append(contentsOf: repeatElement(-1, count: token + 1 - slots.count)) }
        if slots[token] >= 0 { return slots[token] }
        let slot = groups.slot(of: key(row, groupBy))
        slots[token] = slot
        return slot
    }

    /// A small number standing for the row's key: equal tokens, equal keys.
    private mutating func token(_ row: MetricRow, _ groupBy: GroupBy) -> Int {
        switch groupBy {
        case .agent: return Int(row.agent) + 1
        case .queue: return Int(row.queue) + 1
        case .dialed: return Int(row.dialed) + 1
        case .direction:
            switch row.direction {
            case nil: return 0
            case .inbound?: return 1
            case .outbound?: return 2
            case .internal?: return 3
            }
        case .campaign:
            if row.direction == .outbound { return 0 }
            if row.direction == .internal { return 1 }
            return (campaign(row.divertedFrom) ?? campaign(row.dialed)).map { $0 + 3 } ?? 2
        default: return 0
        }
    }

    private func text(_ id: Int32) -> String? { id < 0 ? nil : strings[Int(id)] }

    private mutating func campaign(_ id: Int32) -> Int? {
        guard id >= 0 else { return nil }
        if campaignOf.isEmpty { campaignOf = Array(repeating: -2, count: strings.count) }
        if campaignOf[Int(id)] == -2 { campaignOf[Int(id)] = attribution.campaignIndex(number: strings[Int(id)]) ?? -1 }
        let index = campaignOf[Int(id)]
        return index >= 0 ? index : nil
    }

    /// The key ``MetricsEngine/groupKey(_:_:clock:attribution:)`` gives the call of `row`.
    private mutating func key(_ row: MetricRow, _ groupBy: GroupBy) -> GroupKey {
        func text(_ value: String?) -> GroupKey {
            guard let value, !value.isEmpty else { return .none }
            return .text(value)
        }
        switch groupBy {
        case .agent: return text(self.text(row.agent))
        case .queue: return text(self.text(row.queue))
        case .dialed: return NumberKey.normalized(self.text(row.dialed)).map(GroupKey.text) ?? text(self.text(row.dialed))
        case .direction: return text(row.direction?.rawValue)
        case .campaign:
            if let direction = row.direction, direction == .outbound || direction == .internal { return .notInbound(direction.rawValue) }
            guard let index = campaign(row.divertedFrom) ?? campaign(row.dialed) else { return .unattributed }
            return .text(attribution.campaigns[index].name)
        default: return .none
        }
    }
}
