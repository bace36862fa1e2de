import CallModel

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
/// - Complexity: O((n + m) log m) for n CDR calls and m captured calls, plus the candidates
///   within `maxSkew` of each.
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

        // 3. Time, greedy by |skew|.
        let freeWire = wire.indices.filter { !wireTaken[$0] }.sorted { wire[$0].start < wire[$1].start }
        let freeStarts = freeWire.map { wire[$0].start.nanoseconds }
        var candidates: [(skew: Int64, cdr: Int, wire: Int)] = []
        for (index, call) in cdr.enumerated() where cdrMatch[index] == nil {
            let corrected = CallComparison.shifted(call.start, offsetNanoseconds).nanoseconds
            let (low, o1) = corrected.subtractingReportingOverflow(options.maxSkewNanoseconds)
            let (high, o2) = corrected.addingReportingOverflow(options.maxSkewNanoseconds)
            guard !o1, !o2 else { continue }
            var k = lowerBound(freeStarts, low)
            while k < freeStarts.count, freeStarts[k] <= high {
                let w = freeWire[k]
                if NumberMatch.same(call.caller, wire[w].caller) != false, NumberMatch.same(call.dialed, wire[w].dialed) != false {
                    candidates.append((corrected - freeStarts[k], index, w))
                }
                k += 1
            }
        }
        candidates.sort { (abs($0.skew), $0.cdr, $0.wire) < (abs($1.skew), $1.cdr, $1.wire) }
        for candidate in candidates where cdrMatch[candidate.cdr] == nil && !wireTaken[candidate.wire] {
            cdrMatch[candidate.cdr] = (candidate.wire, .time)
            wireTaken[candidate.wire] = true
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
