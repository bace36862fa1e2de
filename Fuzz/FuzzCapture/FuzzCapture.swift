import CallIngest
import CallReconstruction
import Foundation
import FuzzSupport
import RTPAnalysis

/// One input: a pcap or pcapng file, analysed as `callscope calls --talk` does (every layer
/// from libpcap to calls, RTP statistics and media association with voice activity on). The last
/// byte picks how it is given, so the merge of several inputs and the duplicate-frame filter are
/// fuzzed too: 0 one file; 1 a classic pcap's records dealt alternately to two files, `--jobs 2`;
/// 2 the file given twice, `--jobs 1`; 3 the file given twice, `--jobs 2`.
func fuzzCapture(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = fuzzInput(data, size)
    let mode = Int(bytes.last ?? 0) % 4
    var options = ReconstructionOptions()
    options.media = MediaAnalysisOptions(voiceActivity: .standard)
    var files: [(String, Data)] = []
    switch mode {
    case 1:
        guard let (first, second) = dealRecords(bytes) else { return run([("capture.pcap", Data(bytes))], options) }
        files = [("half-1.pcap", first), ("half-2.pcap", second)]
        options.jobs = 2
    case 2, 3:
        files = [("a.pcap", Data(bytes)), ("b.pcap", Data(bytes))]
        options.jobs = mode == 3 ? 2 : 1
    default:
        files = [("capture.pcap", Data(bytes))]
    }
    return run(files, options)
}

func run(_ files: [(String, Data)], _ options: ReconstructionOptions) -> Int32 {
    var paths: [String] = []
    defer { for path in paths { try? FileManager.default.removeItem(atPath: path) } }
    for (name, data) in files {
        let path = scratchFile(named: name)
        guard FileManager.default.createFile(atPath: path, contents: data) else { return 0 }
        paths.append(path)
    }
    let (calls, summary) = CaptureAnalyzer(options: options).analyze(paths) { _ in }
    _ = calls.map { ($0.talkTime, $0.ringTime, $0.streams.count, $0.talk?.agentShare) }
    _ = summary.packets
    return 0
}

/// A classic pcap's records (RFC-draft "PCAP Capture File Format" §4, §5) dealt alternately to
/// two files with the same header; nil when the input is not a classic pcap.
func dealRecords(_ bytes: UnsafeRawBufferPointer) -> (Data, Data)? {
    guard bytes.count >= 24 else { return nil }
    let magic = bytes.loadUnaligned(as: UInt32.self)
    let swapped: Bool
    switch magic {
    case 0xA1B2_C3D4, 0xA1B2_3C4D: swapped = false
    case 0xD4C3_B2A1, 0x4D3C_B2A1: swapped = true
    default: return nil
    }
    let header = Data(bytes[0..<24])
    var halves = [header, header]
    var offset = 24
    var index = 0
    while offset + 16 <= bytes.count {
        let raw = bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)
        let length = Int(swapped ? raw.byteSwapped : raw)
        guard length <= bytes.count - offset - 16 else { break }
        halves[index & 1].append(contentsOf: bytes[offset..<(offset + 16 + length)])
        offset += 16 + length
        index += 1
    }
    return (halves[0], halves[1])
}

@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 { fuzzCapture(data, size) }

@_cdecl("FuzzCapture_main")
func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc: argc, argv: argv, fuzzCapture)
}
