import CallModel
import CallscopeBase
import Testing
@testable import Reconciliation

/// The pairing and comparison rules on calls built for each rule (the real samples are in
/// ReconcileSampleTests).
@Suite struct ReconcilerTests {
    static let t0: Int64 = 1_796_487_600_000_000_000

    static func call(_ id: String, at seconds: Double, caller: String? = "+442079460001", dialed: String? = "+15550100001",
                     outcome: CallOutcome = .answered, talk: Double? = 10, format: String = "pcap") -> Call {
        let start = Timestamp(nanoseconds: t0 + Int64(seconds * 1e9))
        let answer = outcome == .answered ? Timestamp(nanoseconds: start.nanoseconds + 2_000_000_000) : nil
        let end = Timestamp(nanoseconds: (answer ?? start).nanoseconds + Int64((talk ?? 0) * 1e9))
        return Call(callID: id, source: format, start: start, caller: caller, dialed: dialed, outcome: outcome,
                    finalStatus: outcome == .answered ? 200 : 486, answeredAt: answer, endedAt: end, format: format)
    }

    @Test func medianOfOddAndEvenCounts() {
        #expect(Reconciler.median([]) == nil)
        #expect(Reconciler.median([5, 1, 3]) == 3)
        #expect(Reconciler.median([4, 1, 3, 100]) == 3)  // (3 + 4) / 2 rounded down
        #expect(Reconciler.median([.max, .max]) == .max)
        #expect(Reconciler.median([.min, .min]) == .min)
    }

    /// Two CDR calls from the same caller to the same number 1.5 s apart: each takes the
    /// captured call nearest to it, not the first candidate in file order.
    @Test func greedyBySmallestSkew() {
        let wire = [Self.call("w1", at: 0), Self.call("w2", at: 1.5)]
        let cdr = [Self.call("c1", at: 1.4, format: "asterisk-csv"), Self.call("c2", at: 0.1, format: "asterisk-csv")]
        let report = Reconciler.reconcile(cdr: cdr, wire: wire)
        #expect(report.clockOffset == nil)
        #expect(report.pairs.map { "\($0.cdr.callID)=\($0.wire.callID)" } == ["c1=w2", "c2=w1"])
        #expect(report.pairs.allSatisfy { $0.method == .time && $0.differences.isEmpty })
        #expect(report.allAgree)
    }

    /// The offset from the Call-ID matches is removed before pairing the others by time, and
    /// a number that differs keeps two calls apart.
    @Test func offsetFromCallIDMatchesThenTime() {
        let wire = [Self.call("a", at: 0), Self.call("b", at: 10), Self.call("w3", at: 20), Self.call("w4", at: 30, caller: "+33142685301")]
        let cdr = [Self.call("a", at: 5.0, format: "kamailio-acc"), Self.call("b", at: 15.2, format: "kamailio-acc"),
                   Self.call("c3", at: 25.1, format: "kamailio-acc"), Self.call("c4", at: 35, caller: "+33142685399", format: "kamailio-acc")]
        let report = Reconciler.reconcile(cdr: cdr, wire: wire)
        #expect(report.clockOffset == ClockOffset(nanoseconds: 5_100_000_000, samples: 2))
        #expect(report.pairs.map(\.wire.callID) == ["a", "b", "w3"])
        #expect(report.pairs.map(\.method) == [.callID, .callID, .time])
        #expect(report.cdrOnly.map(\.callID) == ["c4"])
        #expect(report.wireOnly.map(\.callID) == ["w4"])
    }

    /// A CDR call outside the capture's window is neither matched nor CDR-only.
    @Test func cdrCallOutsideTheWindow() {
        let wire = [Self.call("w1", at: 100)]
        let cdr = [Self.call("early", at: 0, format: "asterisk-csv"), Self.call("w1", at: 100, format: "asterisk-csv")]
        let report = Reconciler.reconcile(cdr: cdr, wire: wire)
        #expect(report.pairs.count == 1 && report.cdrOnly.isEmpty && report.cdrOutsideWindow == 1)
        #expect(report.allAgree)
    }

    @Test func comparisonKinds() {
        let wire = Self.call("x", at: 0, talk: 61)
        var billed = Self.call("x", at: 0, caller: "02079460001", talk: 120, format: "kamailio-acc")
        billed.endedBy = .callee
        var wireWithEnd = wire
        wireWithEnd.endedBy = .caller
        let kinds = CallComparison.differences(cdr: billed, wire: wireWithEnd, offsetNanoseconds: 0, toleranceNanoseconds: 1_000_000_000).map(\.kind)
        // 020 7946 0001 and +44 20 7946 0001 are the same number (last 8 digits).
        #expect(kinds == [.end, .talk, .endedBy])
        let busy = Self.call("y", at: 0, outcome: .busy, format: "asterisk-csv")
        let congested = Self.call("y", at: 0, outcome: .congestion)
        #expect(CallComparison.differences(cdr: busy, wire: congested, offsetNanoseconds: 0, toleranceNanoseconds: 0).map(\.kind) == [.status])
        #expect(CallComparison.differences(cdr: busy, wire: wire, offsetNanoseconds: 0, toleranceNanoseconds: 0).map(\.kind).first == .outcome)
        let rewritten = Self.call("z", at: 0, dialed: "+15550100099", format: "asterisk-csv")
        #expect(CallComparison.differences(cdr: rewritten, wire: wire, offsetNanoseconds: 0, toleranceNanoseconds: 100_000_000_000).map(\.kind) == [.numbers])
    }

    /// The pairing by offers equals the plain greedy over every candidate sorted by (|skew|,
    /// CDR order, capture order), on dense traffic with equal starts on both sides of a CDR
    /// call, missing numbers (which match anything) and numbers that differ.
    @Test func offersEqualSortingEveryCandidate() {
        var random = Xoshiro256(seed: 7)
        let numbers: [String?] = [nil, "+442079460001", "02079460001", "+442079460002", "anonymous"]
        func calls(_ count: Int, _ prefix: String, _ format: String) -> [Call] {
            (0..<count).map { i in
                // Starts on a 0.25 s grid over 20 s: many equal starts and equal distances.
                Self.call("\(prefix)\(i)", at: Double(random.next() % 80) / 4,
                          caller: numbers[Int(random.next() % 5)], dialed: numbers[Int(random.next() % 2)], format: format)
            }
        }
        for _ in 0..<20 {
            let wire = calls(60, "w", "pcap"), cdr = calls(60, "c", "asterisk-csv")
            let options = ReconcileOptions(maxSkewNanoseconds: 1_000_000_000)
            let report = Reconciler.reconcile(cdr: cdr, wire: wire, options: options)
            // The reference: every candidate, sorted, taken greedily.
            var candidates: [(skew: Int64, cdr: Int, wire: Int)] = []
            for (c, call) in cdr.enumerated() {
                for (w, captured) in wire.enumerated() where abs(call.start.nanoseconds - captured.start.nanoseconds) <= options.maxSkewNanoseconds {
                    if NumberMatch.same(call.caller, captured.caller) != false, NumberMatch.same(call.dialed, captured.dialed) != false {
                        candidates.append((abs(call.start.nanoseconds - captured.start.nanoseconds), c, w))
                    }
                }
            }
            candidates.sort { ($0.skew, $0.cdr, $0.wire) < ($1.skew, $1.cdr, $1.wire) }
            var cdrTaken = Set<Int>(), wireTaken = Set<Int>()
            var expected: [String] = []
            for candidate in candidates where !cdrTaken.contains(candidate.cdr) && !wireTaken.contains(candidate.wire) {
                cdrTaken.insert(candidate.cdr)
                wireTaken.insert(candidate.wire)
                expected.append("\(cdr[candidate.cdr].callID)=\(wire[candidate.wire].callID)")
            }
            let got = report.pairs.map { "\($0.cdr.callID)=\($0.wire.callID)" }
            #expect(got.sorted() == expected.sorted())
            #expect(expected.count > 20)
        }
    }

    @Test func numbers() {
        #expect(NumberMatch.same("+442079460001", "02079460001") == true)
        #expect(NumberMatch.same("+442079460001", "+442079460002") == false)
        #expect(NumberMatch.same("1234", "+1234") == true)
        #expect(NumberMatch.same("1234", "01234") == false)
        #expect(NumberMatch.same("anonymous", "Anonymous") == true)
        #expect(NumberMatch.same(nil, "1") == nil)
    }
}
