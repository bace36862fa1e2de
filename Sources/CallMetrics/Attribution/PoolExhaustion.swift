import CallModel

/// The moments a pool had every number held by some visit (README "Visit attribution").
///
/// Why it matters: while a pool is exhausted, the site hands a held number to one more visitor,
/// and a call in that overlap can only be credited to one of them (the later one, flagged
/// `ambiguous`). CallRail sizes a pool by its peak of concurrent visitors; `sizeToAvoid` is that
/// peak plus one, the smallest pool in which some number was always free.
public struct PoolExhaustion: Sendable, Hashable {
    public var pool: String
    public var size: Int
    /// Closed intervals when every number was held, in time order.
    public var intervals: [(from: Timestamp, to: Timestamp)]
    /// The most assignments holding numbers of the pool at one instant, and the first instant it happened.
    public var peakConcurrent: Int
    public var peakAt: Timestamp?
    /// The pool size that would have avoided every interval (peak + 1); nil when none happened.
    public var sizeToAvoid: Int? { intervals.isEmpty ? nil : peakConcurrent + 1 }

    public static func == (a: PoolExhaustion, b: PoolExhaustion) -> Bool {
        a.pool == b.pool && a.size == b.size && a.peakConcurrent == b.peakConcurrent && a.peakAt == b.peakAt
            && a.intervals.map(\.from) == b.intervals.map(\.from) && a.intervals.map(\.to) == b.intervals.map(\.to)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(pool); hasher.combine(peakConcurrent)
    }
}

extension AttributionEngine {
    /// Exhaustion of every pool, declared order. A sweep over the assignments' starts and ends
    /// (an end is inclusive: at equal times starts come first).
    /// - Complexity: O(v log v) for v assignments.
    public func exhaustion() -> [PoolExhaustion] {
        var perPool = Array(repeating: [(time: Timestamp, start: Bool, number: String)](), count: pools.count)
        for (key, history) in histories {
            for i in history.assignments.indices {
                perPool[history.pool].append((history.assignments[i].assignedAt, true, key))
                perPool[history.pool].append((history.ends[i], false, key))
            }
        }
        return pools.indices.map { index in
            let size = Set(pools[index].numbers.map(Self.key)).count
            var events = perPool[index]
            events.sort { $0.time != $1.time ? $0.time < $1.time : ($0.start && !$1.start) }
            var holders: [String: Int] = [:]
            var held = 0, active = 0, peak = 0
            var peakAt: Timestamp?
            var intervals: [(from: Timestamp, to: Timestamp)] = []
            var openedAt: Timestamp?
            for event in events {
                if event.start {
                    active += 1
                    if active > peak { peak = active; peakAt = event.time }
                    let count = holders[event.number, default: 0]
                    holders[event.number] = count + 1
                    if count == 0 { held += 1 }
                    if held >= size, size > 0, openedAt == nil { openedAt = event.time }
                } else {
                    active -= 1
                    let count = holders[event.number, default: 1] - 1
                    holders[event.number] = count
                    if count == 0 {
                        held -= 1
                        if held < size, let from = openedAt { intervals.append((from, event.time)); openedAt = nil }
                    }
                }
            }
            return PoolExhaustion(pool: pools[index].name, size: size, intervals: intervals, peakConcurrent: peak, peakAt: peakAt)
        }
    }
}
