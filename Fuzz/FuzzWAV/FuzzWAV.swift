import FuzzSupport
import RTPAnalysis

/// One input: a WAV file, read and measured for voice activity on every channel.
func fuzzWAV(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = [UInt8](fuzzInput(data, size))
    guard let recording = try? WAVRecording(bytes: bytes) else { return 0 }
    _ = recording.duration
    for track in recording.activityTracks() { _ = track.slotCount }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 { fuzzWAV(data, size) }

@_cdecl("FuzzWAV_main")
func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc: argc, argv: argv, fuzzWAV)
}
