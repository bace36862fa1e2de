import CallIngest
import CallModel
import PacketCapture
import PacketDecoding
import Testing
import TestSupport
@testable import CallReconstruction

/// Reconstruction driven by frames held in memory, as a live interface or a test drives it: no
/// file is opened by the reconstruction. The calls, counts and diagnostics must be those the file
/// reader (``CallIngest/CaptureAnalyzer``) gives for the same frames.
@Suite("Reconstruction driven from memory")
struct CallReconstructorTests {
    /// A frame copied out of a capture: what a live capture or a test would push.
    struct Frame {
        var input: Int
        var number: Int
        var timestamp: Int64
        var linkType: Int32
        var bytes: [UInt8]
    }

    /// Every frame of `paths`, copied into memory, in time order over the files (ties in file
    /// order, as the file reader merges them).
    static func frames(of paths: [String]) throws -> [Frame] {
        var frames: [Frame] = []
        for (input, path) in paths.enumerated() {
            let file = try CaptureFile(path: path)
            while let frame = try file.next() {
                frames.append(Frame(input: input, number: frame.frameNumber, timestamp: frame.timestamp, linkType: frame.linkType, bytes: Array(frame.data)))
            }
        }
        // A stable sort keeps each file's order among equal times.
        return frames.enumerated().sorted { ($0.element.timestamp, $0.element.input, $0.offset) < ($1.element.timestamp, $1.element.input, $1.offset) }.map(\.element)
    }

    static func reconstruct(_ frames: [Frame], inputs: [String], options: ReconstructionOptions) -> (calls: [Call], summary: AnalysisSummary, diagnostics: [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        var reconstructor = CallReconstructor(options: options, inputs: inputs) { diagnostics.append($0) }
        for frame in frames {
            frame.bytes.withUnsafeBytes { bytes in
                reconstructor.handleFrame(bytes, linkType: LinkType(rawValue: frame.linkType), at: FramePosition(input: frame.input, frameNumber: frame.number, timestamp: frame.timestamp))
            }
        }
        var (calls, summary) = reconstructor.finish()
        summary.inputs = inputs.count
        summary.packets = frames.count
        return (calls, summary, diagnostics)
    }

    /// UDP, TCP, WebSocket, Linux cooked capture, a B2BUA's two legs, retransmissions, RTP talk
    /// with voice activity, and two rotated files merged by time.
    @Test(arguments: [
        ["answered-udp.pcap"], ["tcp-calls.pcap"], ["websocket-call.pcap"], ["sll-any.pcap"],
        ["b2bua-udp.pcap"], ["retransmission-udp.pcap"], ["talk/talk-inbound.pcap"],
        ["rotated-1.pcap", "rotated-2.pcap"],
    ])
    func sameCallsAsFromTheFile(names: [String]) throws {
        let paths = names.map(TestPaths.capture)
        var options = ReconstructionOptions()
        options.media = MediaAnalysisOptions(voiceActivity: .standard)
        let fromFile = Fixtures.analyze(paths, options: options)
        let fromMemory = Self.reconstruct(try Self.frames(of: paths), inputs: paths, options: options)
        #expect(!fromFile.calls.isEmpty)
        #expect(fromMemory.calls == fromFile.calls)
        #expect(fromMemory.summary == fromFile.summary)
        #expect(fromMemory.diagnostics == fromFile.diagnostics)
    }

    /// The SCTP capture of the public corpus, whose frames the corpus reference counts.
    @Test func corpusSCTPFromMemory() throws {
        let path = Corpus.pcapFile("heplify__sip_sctp.pcap")
        let fromFile = Fixtures.analyze([path])
        let fromMemory = Self.reconstruct(try Self.frames(of: [path]), inputs: [path], options: .init())
        #expect(fromFile.summary.sipMessages > 0)
        #expect(fromMemory.calls == fromFile.calls)
        #expect(fromMemory.summary == fromFile.summary)
        #expect(fromMemory.diagnostics == fromFile.diagnostics)
    }
}
