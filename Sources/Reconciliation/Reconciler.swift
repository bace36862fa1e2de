import CallModel
import CallscopeBase

/// Puts the ledger beside the wire: pairs each CDR call with the captured call that is the same
/// call, one to one, and compares them (README "Reconcile").
///
/// Pairing, in this order:
/// 1. **Call-ID**: a CDR call whose `call_id` is a captured call's SIP Call-ID (Kamailio acc
///    records, CDRs that carry the SIP Call-ID) is that call; among several captured calls with
///    the Call-ID, the one that starts nearest.
/// 2. **Clock offset**: PBX clock minus capture clock, the median of `cdr.start - wire.start`
///    over the Call-ID pairs (robust to a few odd pairs); 0, and reported as not estimated,
///    when there are none.
/// 3. **Time**: every other CDR call and captured call with the same caller and dialled number
///    (`NumberMatch`; a number missing on either side matches any) whose starts, offset removed,
///    are within `maxSkew` are candidates; candidates are taken greedily by the smallest
///    |skew|, ties by CDR order then capture order, each call at most once.
///
/// A CDR call left over is CDR-only when its start (offset removed) is inside the capture's
/// window (first captured call's start - maxSkew ... last captured call's end + maxSkew), else
/// only counted as outside; every captured call left over is wire-only.
/// - Complexity: O((n + m) log m) for n CDR calls and m captured calls, plus O(log n) for each
///   candidate a CDR call walks past (taken, or numbers that differ); memory O(n + m).
public enum Reconciler {
    public static func reconcile(cdr: [Call], wire: [Call], options: ReconcileOptions = .init()) -> ReconcileReport {
        var wireTaken = [Bool](repeating: false, count: wire.count)
        var cdrMatch = [(wire: Int, method: ReconciledPair.Method)?](repeating: nil, count: cdr.count)

        // 1. Call-ID.
        var byCallID: [String: [Int]] = [:]
        for (index, call) in wire.enumerated() { byCallID[call.callID, default: []].append(index) }
        var startDifferences: [Int64] = []
        for (index, call) in cdr.enumerated() {
            guard let candidates = byCallID[call.callID] else { continue }
            let free = candidates.filter { !wireTaken[$0] }
            guard let best = free.min(by: { CallComparison.magnitude(wire[$0].start.nanoseconds, call.start.nanoseconds) < CallComparison.magnitude(wire[$1].start.nanoseconds, call.start.nanoseconds) }) else { continue }
            wireTaken[best] = true
            cdrMatch[index] = (best, .callID)
            let (difference, overflow) = call.start.nanoseconds.subtractingReportingOverflow(wire[best].start.nanoseconds)
            if !overflow { startDifferences.append(difference) }
        }

        // 2. Clock offset.
        let offset = median(startDifferences).map { ClockOffset(nanoseconds: $0, samples: startDifferences.count) }
        let offsetNanoseconds = offset?.nanoseconds ?? 0

        // 3. Time, greedy by |skew|: each unpaired CDR call offers its nearest free, matching
        // captured call; the smallest offer is taken, and a CDR call whose offer went to
        // another walks on to its next one. The same pairs as sorting every candidate, with
        // memory for one offer per CDR call however dense the traffic.
        let freeWire = wire.indices.filter { !wireTaken[$0] }.sorted { (wire[$0].start, $0) < (wire[$1].start, $1) }
        let freeStarts = freeWire.map { wire[$0].start.nanoseconds }
        let wireCaller = wire.map { NumberMatch.Key($0.caller) }
        let wireDialed = wire.map { NumberMatch.Key($0.dialed) }
        var cursors: [CandidateCursor?] = Array(repeating: nil, count: cdr.count)
        var offers = BinaryHeap<Offer>()
        func nextOffer(_ index: Int) {
            guard var cursor = cursors[index] else { return }
            let caller = NumberMatch.Key(cdr[index].caller), dialed = NumberMatch.Key(cdr[index].dialed)
            while let (position, magnitude) = cursor.next(freeStarts, captureOrder: freeWire) {
                let w = freeWire[position]
                guard !wireTaken[w], NumberMatch.same(caller, wireCaller[w]) != false, NumberMatch.same(dialed, wireDialed[w]) != false else { continue }
                offers.push(Offer(magnitude: magnitude, cdr: index, wire: w))
                break
            }
            cursors[index] = cursor
        }
        for (index, call) in cdr.enumerated() where cdrMatch[index] == nil {
            let corrected = CallComparison.shifted(call.start, offsetNanoseconds).nanoseconds
            cursors[index] = CandidateCursor(center: corrected, maxSkew: options.maxSkewNanoseconds, starts: freeStarts)
            nextOffer(index)
        }
        while let offer = offers.popMin() {
            if wireTaken[offer.wire] { nextOffer(offer.cdr); continue }
            cdrMatch[offer.cdr] = (offer.wire, .time)
            wireTaken[offer.wire] = true
            cursors[offer.cdr] = nil
        }

        // 4. The capture's window, CDR-only and wire-only.
        var window: ClosedRange<Timestamp>?
        if let first = wire.map(\.start).min() {
            let last = wire.map { $0.endedAt ?? $0.start }.max() ?? first
            window = first...max(first, last)
        }
        var pairs: [ReconciledPair] = []
        var cdrOnly: [Call] = []
        var outside = 0
        for (index, call) in cdr.enumerated() {
            if let match = cdrMatch[index] {
                let w = wire[match.wire]
                let corrected = CallComparison.shifted(call.start, offsetNanoseconds)
                pairs.append(ReconciledPair(
                    cdr: call, wire: w, method: match.method,
                    skewNanoseconds: corrected.nanoseconds &- w.start.nanoseconds,
                    differences: CallComparison.differences(cdr: call, wire: w, offsetNanoseconds: offsetNanoseconds, toleranceNanoseconds: options.toleranceNanoseconds)
                ))
            } else if let window, inside(CallComparison.shifted(call.start, offsetNanoseconds), window, margin: options.maxSkewNanoseconds) {
                cdrOnly.append(call)
            } else {
                outside += 1
            }
        }
        let wireOnly = wire.indices.filter { !wireTaken[$0] }.map { wire[$0] }
        return ReconcileReport(pairs: pairs, cdrOnly: cdrOnly, cdrOutsideWindow: outside, wireOnly: wireOnly, clockOffset: offset, captureWindow: window)
    }

    /// The median; for an even count the mean of the two middle values (rounded down). nil when empty.
    static func median(_ values: [Int64]) -> Int64? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        if sorted.count % 2 == 1 { return sorted[mid] }
        // a/2 + b/2 + the carry of the halves: no overflow.
        let a = sorted[mid - 1], b = sorted[mid]
        return a / 2 + b / 2 + (a % 2 + b % 2) / 2
    }

    /// The first index whose value is >= `value` in ascending `values`.
    static func lowerBound(_ values: [Int64], _ value: Int64) -> Int {
        var low = 0, high = values.count
        while low < high {
            let mid = (low + high) / 2
            if values[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low
    }

    static func inside(_ time: Timestamp, _ window: ClosedRange<Timestamp>, margin: Int64) -> Bool {
        let (low, o1) = window.lowerBound.nanoseconds.subtractingReportingOverflow(margin)
        let (high, o2) = window.upperBound.nanoseconds.addingReportingOverflow(margin)
        return (o1 || time.nanoseconds >= low) && (o2 || time.nanoseconds <= high)
    }
}

/// One CDR call's best remaining candidate, ordered as the greedy pairing takes them: smallest
/// |skew|, then CDR order, then capture order.
struct Offer: Comparable {
    var magnitude: UInt64
    var cdr: Int
    var wire: Int
    static func < (a: Offer, b: Offer) -> Bool { (a.magnitude, a.cdr, a.wire) < (b.magnitude, b.cdr, b.wire) }
}

/// Walks the captured calls' sorted starts outward from one CDR call's corrected start, nearest
/// first, up to `maxSkew` away; at equal distance, the earlier in capture order first (starts are
/// sorted by time, then capture order, so each side's run of equal starts is already in that order
/// and the two sides merge by it).
struct CandidateCursor {
    let center: Int64
    let maxSkew: Int64
    /// Next position at or after the center (moving up).
    var right: Int
    /// The run of equal starts being walked below the center: `leftNext...leftRunEnd`; the
    /// next run ends at `leftRunStart - 1`. Empty when `leftNext > leftRunEnd`.
    var leftRunStart: Int
    var leftNext: Int
    var leftRunEnd: Int

    init(center: Int64, maxSkew: Int64, starts: [Int64]) {
        self.center = center
        self.maxSkew = maxSkew
        right = Reconciler.lowerBound(starts, center)
        leftRunStart = right
        leftNext = right
        leftRunEnd = right - 1
    }

    /// The next candidate's position and distance, or nil when none is within `maxSkew`.
    mutating func next(_ starts: [Int64], captureOrder: [Int]) -> (position: Int, magnitude: UInt64)? {
        if leftNext > leftRunEnd, leftRunStart > 0 {
            leftRunEnd = leftRunStart - 1
            leftRunStart = Reconciler.lowerBound(starts, starts[leftRunEnd])
            leftNext = leftRunStart
        }
        let leftDistance = leftNext <= leftRunEnd ? distance(starts[leftNext]) : nil
        let rightDistance = right < starts.count ? distance(starts[right]) : nil
        switch (leftDistance, rightDistance) {
        case let (l?, r?) where l < r || (l == r && captureOrder[leftNext] < captureOrder[right]):
            leftNext += 1
            return (leftNext - 1, l)
        case let (_, r?):
            right += 1
            return (right - 1, r)
        case let (l?, nil):
            leftNext += 1
            return (leftNext - 1, l)
        case (nil, nil):
            return nil
        }
    }

    /// |center - start| when within `maxSkew`, else nil.
    private func distance(_ start: Int64) -> UInt64? {
        let (difference, overflow) = center.subtractingReportingOverflow(start)
        guard !overflow, difference.magnitude <= maxSkew.magnitude else { return nil }
        return difference.magnitude
    }
}
