import CallReconstruction
import Foundation
import FuzzSupport
import RTPAnalysis

/// One input: a pcap or pcapng file, analysed as `callscope calls --talk` does (every layer
/// from libpcap to calls, RTP statistics and media association with voice activity on).
func fuzzCapture(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = fuzzInput(data, size)
    let path = scratchFile(named: "capture.pcap")
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { return 0 }
    defer { try? FileManager.default.removeItem(atPath: path) }
    var options = ReconstructionOptions()
    options.media = MediaAnalysisOptions(voiceActivity: .standard)
    let (calls, summary) = CaptureAnalyzer(options: options).analyze([path]) { _ in }
    _ = calls.map { ($0.talkTime, $0.ringTime, $0.streams.count) }
    _ = summary.packets
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 { fuzzCapture(data, size) }

@_cdecl("FuzzCapture_main")
func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc: argc, argv: argv, fuzzCapture)
}
