import ArgumentParser
import CaptureSynthesis
import Foundation

/// `callscope-dev generate-capture`: writes a large, realistic, reproducible SIP + RTP capture
/// for benchmarks (README "Performance"). A developer tool.
struct GenerateCaptureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate-capture",
        abstract: "Write a synthetic SIP + G.711 RTP capture for benchmarks (developer tool).",
        discussion: """
            N calls between caller phones (10.1.x.y), a PBX (10.0.0.1:5060) and agent phones \
            (10.2.x.y) with direct media: real SIP (INVITE with SDP, 100, 180, 200, ACK, BYE; \
            CANCEL/487, 486, 403, 603, 503 for the failures), G.711 RTP both ways every 20 ms with \
            speech-like talk spurts, RTCP every 5 s. Written through libpcap's dump API \
            (nanosecond pcap, Ethernet), the same file for the same seed. 1,000 answered calls of \
            20 s make about 2,000,000 packets and 460 MB; memory depends on concurrent calls only.
            """
    )

    enum Mix: String, ExpressibleByArgument, CaseIterable { case answered, realistic }

    @Option(name: .shortAndLong, help: ArgumentHelp("The capture to write (- for standard output).", valueName: "file"))
    var output: String

    @Option(help: "How many calls.")
    var calls = 1000

    @Option(help: ArgumentHelp("Mean talk time of a call, seconds (varied by ±25%).", valueName: "seconds"))
    var duration = 20.0

    @Option(help: "Calls in progress at once.")
    var concurrency = 100

    @Option(help: "answered: every call talks (the benchmark's file); realistic: 70% answered, then busy, no answer, rejected, failed.")
    var mix: Mix = .answered

    @Option(help: "Seed of the generator: the same seed writes the same file.")
    var seed: UInt64 = 1

    func validate() throws {
        guard calls >= 1 else { throw ValidationError("--calls must be 1 or more.") }
        guard duration > 0 else { throw ValidationError("--duration must be above 0.") }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be 1 or more.") }
    }

    func run() throws {
        var spec = SyntheticCaptureSpec(calls: calls, seed: seed, outcomeMix: mix == .answered ? .allAnswered : .realistic)
        spec.callDuration = duration
        spec.arrivals = .concurrency(concurrency)
        let clock = ContinuousClock()
        let started = clock.now
        let summary: SynthesisSummary
        do { summary = try CaptureSynthesizer(spec: spec).write(to: output) } catch {
            throw BenchFailure(description: "\(error)")
        }
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let report = "callscope-dev: wrote \(summary.packets) packets (\(summary.sipMessages) SIP, \(summary.rtpPackets) RTP, \(summary.rtcpPackets) RTCP), \(summary.fileBytes) bytes, \(summary.calls) calls in \(String(format: "%.2f", seconds)) s\n"
        FileHandle.standardError.write(Data(report.utf8))
    }
}
