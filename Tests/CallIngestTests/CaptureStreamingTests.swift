import CallIngest
import CallModel
import CaptureSynthesis
import Foundation
import Testing
import TestSupport

/// `CallCollector.stream` over captures (`calls CAPTURE --format ndjson|json|csv`, README "Order
/// and memory"): the calls `collect` lists, in its order, directions decided, with the same
/// counts and diagnostics, on every sample capture and every capture of the public corpus; and
/// memory that follows the calls in progress, not the calls in the capture.
@Suite struct CaptureStreamingTests {
    /// Every capture under `captures/` and the corpus's `pcap/`, one run each, then the sets
    /// read together (rotated files, one call seen on two interfaces).
    static let inputs: [[String]] = {
        Corpus.sampleAndCorpusCaptures.map { [$0] } + [
            [TestPaths.capture("rotated-1.pcap"), TestPaths.capture("rotated-2.pcap")],
            [TestPaths.capture("two-interfaces/lo-eth.pcap"), TestPaths.capture("two-interfaces/any-sll2.pcap")],
        ]
    }()

    @Test func everyCaptureIsCovered() {
        #expect(Self.inputs.count >= 30 + (Corpus.hasPcap ? 45 : 0))
    }

    @Test(arguments: inputs, [1, 2])
    func streamedCallsAreTheCollectedCalls(_ paths: [String], jobs: Int) throws {
        guard jobs == 1 || paths.count > 1 else { return }  // --jobs only reads several files apart
        var options = IngestOptions()
        options.reconstruction.jobs = jobs
        options.direction = DirectionRules(ownNumbers: ["+4989123456", "+14155550123", "02079460099", "+61212345678", "999000", "+34911234567"])  // examples/capture-audit.yaml
        let collector = CallCollector(options: options)
        var collectedDiagnostics: [Diagnostic] = []
        let collected = collector.collect(paths) { collectedDiagnostics.append($0) }
        var streamedDiagnostics: [Diagnostic] = []
        var calls: [Call] = []
        guard let summary = collector.stream(paths, diagnostics: { streamedDiagnostics.append($0) }, emit: { calls.append($0) }) else {
            // Binary data libpcap cannot open (the corpus's NetMon file) is no capture: read whole, as collect reads it.
            #expect(collected.summary.capture.inputs == 0 && collected.summary.unreadableInputs == paths.count)
            #expect(streamedDiagnostics.isEmpty && calls.isEmpty)
            return
        }
        #expect(calls == collected.calls)
        #expect(summary == collected.summary)
        #expect(streamedDiagnostics == collectedDiagnostics)
    }

    /// The peak of calls held (in progress, and final but waiting for an earlier one) is the
    /// same for a capture four times as long at the same concurrency: it follows the calls in
    /// progress and the linger, not the calls in the capture (which the whole-list path holds).
    @Test func heldCallsFollowConcurrencyNotTotal() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var held: [Int] = []
        var concurrency: [Int] = []
        for calls in [1_500, 6_000] {
            var spec = SyntheticCaptureSpec(calls: calls, seed: 7, outcomeMix: .realistic)
            spec.callDuration = 0.5
            spec.arrivals = .concurrency(10)
            let path = directory.file("generated-\(calls).pcap")
            let generated = try CaptureSynthesizer(spec: spec).write(to: path)
            var written = 0
            var previous: (Timestamp, String)?
            var ordered = true
            let (summary, counts) = CallCollector(options: IngestOptions()).streamCaptures([path], diagnostics: { _ in }) { call in
                written += 1
                if let previous, previous > (call.start, call.callID) { ordered = false }
                previous = (call.start, call.callID)
            }
            #expect(written == calls)
            #expect(summary.calls == calls)
            #expect(ordered)
            #expect(counts.lateCalls == 0)
            held.append(counts.peakOpenCalls + counts.peakWaitingCalls)
            concurrency.append(generated.peakConcurrentCalls)
        }
        // Same concurrency, four times the calls: the same peak (within a tenth), far below the total.
        #expect(concurrency[0] == concurrency[1])
        #expect(held[1] <= held[0] + held[0] / 10)
        #expect(held[1] < 6_000 / 4)
    }
}
