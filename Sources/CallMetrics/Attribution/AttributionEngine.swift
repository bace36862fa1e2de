import CallModel

/// Attributes calls to the visits that held their pool number, to fixed campaign numbers, or to
/// nothing (README "Visit attribution"). Pure: assignments and calls in, calls with
/// ``VisitAttribution`` out.
///
/// The rules, each with its edge cases:
/// 1. The number tried is `diverted_from`, then `dialed` (as ``CampaignAttribution``). Outbound
///    and internal calls are attributed to nothing.
/// 2. A pool number: the call at `t` belongs to the assignment of that number with the latest
///    `assigned_at <= t` among those that still hold it at `t`: not released before `t`
///    (`released_at >= t`: a call exactly at the release still counts) and, without
///    `released_at`, not older than the pool's TTL since the visitor's last activity
///    (`last_activity_at`, else `assigned_at`; a call exactly at the TTL's end still counts).
///    A call exactly at `assigned_at` belongs to that visit. No such assignment: kind `none`
///    with the pool as owner (an unattributed pool call), never a fixed campaign.
/// 3. Two or more assignments hold the number at `t` (the pool was too small and the script
///    handed a held number out again): the later assignment wins and the call is `ambiguous`.
/// 4. Not a pool number: the static campaign of the number (``CampaignAttribution``) with
///    `utm_campaign` = campaign name and `utm_source` = its channel; else kind `none`.
/// 5. A number in a pool and also matched by a static campaign rule, or in two pools, is an
///    ``AttributionError``. Numbers of the visits that no declared pool holds form the pool
///    `(visits)` with the default TTL.
/// 6. Repeat callers (``RepeatTouch``): with `first`, a caller's call within the repeat window of
///    their first attributed call takes that call's attribution (ambiguity included); the window
///    is counted from that first call, and the next attributed call after it starts a new one.
///    With `last`, every call keeps its own. Withheld callers are never repeat callers.
///
/// - Complexity: building is O(v log v) for v assignments (sorted per number, with the running
///   maximum of their ends); each call is a binary search then a backward walk over the
///   assignments that may still hold the number, stopped by that running maximum.
public struct AttributionEngine: Sendable {
    /// The assignments of one number, by `assignedAt`.
    struct NumberHistory: Sendable {
        var pool: Int
        var assignments: [VisitAssignment] = []
        var ends: [Timestamp] = []
        /// `prefixMaxEnd[i]`: the latest end among `assignments[0...i]`.
        var prefixMaxEnd: [Timestamp] = []
    }

    public let pools: [NumberPool]
    public let campaigns: CampaignAttribution
    private(set) var histories: [String: NumberHistory] = [:]

    /// The name of the pool of numbers that visits use but no declared pool holds.
    public static let implicitPoolName = "(visits)"

    public init(pools declared: [NumberPool], campaigns: [Campaign], visits: [VisitAssignment]) throws(AttributionError) {
        let campaignRules = CampaignAttribution(campaigns)
        var pools = declared
        var histories: [String: NumberHistory] = [:]
        for (index, pool) in declared.enumerated() {
            for number in pool.numbers {
                let key = Self.key(number)
                if let other = histories[key] {
                    throw AttributionError("number \(number) is in pool '\(pools[other.pool].name)' and in pool '\(pool.name)'.")
                }
                histories[key] = NumberHistory(pool: index)
            }
        }
        for visit in visits {
            let key = Self.key(visit.number)
            if histories[key] == nil {
                if pools.last?.name != Self.implicitPoolName { pools.append(NumberPool(name: Self.implicitPoolName, numbers: [])) }
                pools[pools.count - 1].numbers.append(visit.number)
                histories[key] = NumberHistory(pool: pools.count - 1)
            }
            histories[key]?.assignments.append(visit)
        }
        for (key, history) in histories {
            if let campaign = campaignRules.campaignIndex(number: key) {
                throw AttributionError("number \(key) is in pool '\(pools[history.pool].name)' and in the static campaign '\(campaigns[campaign].name)': a number is one or the other.")
            }
        }
        for key in Array(histories.keys) {
            guard var history = histories[key] else { continue }
            let ttl = pools[history.pool].ttl
            history.assignments.sort { $0.assignedAt < $1.assignedAt }
            history.ends = history.assignments.map { $0.end(ttl: ttl) }
            var running = Timestamp(nanoseconds: .min)
            history.prefixMaxEnd = history.ends.map { end in running = max(running, end); return running }
            histories[key] = history
        }
        self.pools = pools
        self.campaigns = campaignRules
        self.histories = histories
    }

    /// The comparison key of a number (as the campaign rules normalise it).
    static func key(_ number: String) -> String {
        NumberKey.normalized(number) ?? PhoneNumber.normalize(number)
    }

    /// The call's own attribution (rules 1 to 4), without the repeat-caller rule.
    public func attribution(of call: Call) -> VisitAttribution {
        if let direction = call.direction, direction == .outbound || direction == .internal { return .none }
        for number in [call.divertedFrom, call.dialed] {
            guard let number, !number.isEmpty, let history = histories[Self.key(number)] else { continue }
            return attribution(history, at: call.start)
        }
        if let index = campaigns.campaignIndex(of: call) {
            let campaign = campaigns.campaigns[index]
            return VisitAttribution(kind: .static, owner: campaign.name, source: campaign.channel, campaign: campaign.name)
        }
        return .none
    }

    /// Rules 2 and 3 for one number's history at `t`.
    func attribution(_ history: NumberHistory, at t: Timestamp) -> VisitAttribution {
        let pool = pools[history.pool].name
        // First assignment after t: everything before it was assigned at or before t.
        var low = 0, high = history.assignments.count
        while low < high {
            let middle = (low + high) / 2
            if history.assignments[middle].assignedAt <= t { low = middle + 1 } else { high = middle }
        }
        var winner: Int?
        var ambiguous = false
        var i = low - 1
        while i >= 0, history.prefixMaxEnd[i] >= t {
            if history.ends[i] >= t {
                if winner == nil { winner = i } else { ambiguous = true; break }
            }
            i -= 1
        }
        guard let winner else { return VisitAttribution(kind: .none, owner: pool) }
        return history.assignments[winner].attribution(pool: pool, ambiguous: ambiguous)
    }

    /// Every call with its attribution (rules 1 to 6), in the input order.
    /// - Parameter repeatWindow: how long a first touch lasts (the repeat-caller window).
    public func attribute(_ calls: [Call], touch: RepeatTouch, repeatWindow: Duration) -> [Call] {
        var result = calls
        let order = calls.indices.sorted { calls[$0].start != calls[$1].start ? calls[$0].start < calls[$1].start : $0 < $1 }
        var firstTouch: [String: (start: Timestamp, attribution: VisitAttribution)] = [:]
        let window = repeatWindow.nanoseconds
        for index in order {
            let call = calls[index]
            var own = attribution(of: call)
            if touch == .first, call.direction != .outbound, call.direction != .internal, let caller = NumberKey.normalized(call.caller) {
                if let first = firstTouch[caller], first.start.distance(to: call.start) <= window {
                    own = first.attribution
                } else if own.kind != .none {
                    firstTouch[caller] = (call.start, own)
                }
            }
            result[index].attribution = own
        }
        return result
    }
}
