import FuzzSupport
import SIPParsing

/// One input: a SIP message (and its SDP body), then the same bytes as a TCP stream framed in
/// chunks whose sizes come from the input itself, every framed message parsed too.
func fuzzSIP(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = fuzzInput(data, size)
    exercise(bytes)
    var framer = SIPStreamFramer()
    var offset = 0
    var step = 1
    while offset < bytes.count {
        // Chunk sizes 1...64 from the input's own bytes: splits at every kind of boundary.
        step = Int(bytes[offset] & 0x3F) + 1
        let end = min(bytes.count, offset + step)
        framer.append(UnsafeRawBufferPointer(rebasing: bytes[offset..<end])) { event in
            if case .message(let message) = event { exercise(message) }
        }
        offset = end
    }
    _ = framer.reset()
    return 0
}

/// Parses a message and reads every derived field a call is built from.
func exercise(_ bytes: UnsafeRawBufferPointer) {
    _ = SIPMessage.looksLikeSIP(bytes)
    guard let message = try? SIPMessage.parse(bytes) else { return }
    _ = message.label
    _ = message.requestURI.flatMap(SIPURI.user(of:))
    _ = message.requestURI.flatMap(SIPURI.host(of:))
    for address in [message.from, message.to, message.contact].compactMap({ $0 }) + message.assertedIdentities
        + message.remotePartyIDs + message.diversions + message.historyInfo {
        _ = address.user
        _ = address.tag
    }
    _ = message.reasons.map(\.isQ850)
    _ = message.sessionDescription
    _ = SessionDescription.parse(message.body)
}

@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 { fuzzSIP(data, size) }

@_cdecl("FuzzSIP_main")
func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc: argc, argv: argv, fuzzSIP)
}
