import FuzzSupport
import PacketDecoding
import SIPParsing

/// One input, two stream decoders fed with chunk boundaries and header fields taken from it:
/// - SIP over WebSocket: the handshake parser, then the frame decoder with ``WebSocketDecoder/resynchronize()``
///   after every error, as `WebSocketStreams` drives them;
/// - SCTP DATA/I-DATA reassembly: each record of the input is one chunk (flags, TSN, stream,
///   sequence or message number, fragment number, a payload length), on two directions.
func fuzzStream(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = fuzzInput(data, size)
    guard let selector = bytes.first else { return 0 }
    let rest = UnsafeRawBufferPointer(rebasing: bytes.dropFirst())
    if selector & 1 == 0 { webSocket(rest) } else { sctp(rest) }
    return 0
}

func webSocket(_ bytes: UnsafeRawBufferPointer) {
    var offset = 0
    if case .handshake(let handshake) = WebSocketHandshake.parse(bytes) { offset = min(handshake.length, bytes.count) }
    var decoder = WebSocketDecoder(maxMessageBytes: 1 << 16)
    while offset < bytes.count {
        let step = Int(bytes[offset] & 0x3F) + 1
        let end = min(bytes.count, offset + step)
        do {
            try decoder.append(UnsafeRawBufferPointer(rebasing: bytes[offset..<end])) { event in
                if case .message(let message, _) = event { _ = SIPMessage.looksLikeSIP(message) }
            }
        } catch {
            _ = error.description
            decoder.resynchronize()
        }
        precondition(decoder.bufferedByteCount <= 2 * (1 << 16) + 256, "WebSocket buffer beyond its bound")
        offset = end
    }
}

func sctp(_ bytes: UnsafeRawBufferPointer) {
    let a = Endpoint(address: .v4(0x0A00_0001), port: 5060), b = Endpoint(address: .v4(0x0A00_0002), port: 5060)
    var reassembler = SCTPReassembler(maxBufferedBytesPerDirection: 1 << 16, timeoutNanoseconds: 1_000_000)
    var offset = 0
    var time: Int64 = 0
    // Record: flags(1) tsn(2) stream(1) number(1) fragment(1) length(1), then `length` bytes.
    while offset + 7 <= bytes.count {
        let flags = bytes[offset]
        let tsn = UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2])
        let info = SCTPDataChunkInfo(
            tsn: tsn &* 0x10001 &+ (flags & 0x80 != 0 ? 0xFFFF_FF00 : 0), streamIdentifier: UInt16(bytes[offset + 3] & 3),
            messageNumber: UInt32(bytes[offset + 4]), fragmentNumber: UInt32(bytes[offset + 5]),
            flags: flags & 0x07, interleaved: flags & 0x40 != 0)
        let length = min(Int(bytes[offset + 6]), bytes.count - offset - 7)
        let payload = UnsafeRawBufferPointer(rebasing: bytes[(offset + 7)..<(offset + 7 + length)])
        let flow = FlowKey(source: flags & 0x20 != 0 ? a : b, destination: flags & 0x20 != 0 ? b : a, transport: .sctp)
        time += flags & 0x10 != 0 ? 2_000_000 : 1
        reassembler.add(TransportPacket(flow: flow, payload: payload, sctp: info), timestamp: time) { event in
            if case .message(_, let message) = event { _ = SIPMessage.looksLikeSIP(message) }
        }
        precondition(reassembler.heldChunks <= 2 * SCTPReassembler.maxHeldChunksPerDirection, "SCTP fragments beyond their bound")
        offset += 7 + length
    }
    reassembler.flush { _ in }
}

@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 { fuzzStream(data, size) }

@_cdecl("FuzzStream_main")
func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc: argc, argv: argv, fuzzStream)
}
