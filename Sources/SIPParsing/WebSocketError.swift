/// Why a WebSocket stream could not be read past a frame (RFC 6455 §5).
///
/// A WebSocket has no resynchronisation marker: after one of these ``WebSocketDecoder`` looks
/// for the next frame that starts a SIP message. A struct with a private kind (the swift-nio
/// error style); `description` is a sentence for people.
public struct WebSocketError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Kind: Sendable, Hashable {
        case reservedBits(UInt8)
        case reservedOpcode(UInt8)
        case lengthHighBit
        case tooLarge(UInt64, limit: Int)
        case badControlFrame(UInt8, length: Int, fin: Bool)
        case continuationWithoutMessage
        case dataInsideMessage(UInt8)
    }

    private let kind: Kind
    private init(_ kind: Kind) { self.kind = kind }

    /// RSV1-3 set (§5.2): an extension is in use; RSV1 is permessage-deflate (RFC 7692).
    static func reservedBits(_ bits: UInt8) -> WebSocketError { WebSocketError(.reservedBits(bits)) }
    /// Opcodes 0x3-0x7 and 0xB-0xF are reserved (§5.2).
    static func reservedOpcode(_ opcode: UInt8) -> WebSocketError { WebSocketError(.reservedOpcode(opcode)) }
    /// A 64-bit payload length with its most significant bit set (§5.2).
    static let lengthHighBit = WebSocketError(.lengthHighBit)
    /// A frame longer than what its message may still hold under the decoder's limit.
    static func tooLarge(_ length: UInt64, limit: Int) -> WebSocketError { WebSocketError(.tooLarge(length, limit: limit)) }
    /// A control frame that is fragmented or longer than 125 bytes (§5.5).
    static func badControlFrame(_ opcode: UInt8, length: Int, fin: Bool) -> WebSocketError {
        WebSocketError(.badControlFrame(opcode, length: length, fin: fin))
    }
    /// A continuation frame with no fragmented message open (§5.4).
    static let continuationWithoutMessage = WebSocketError(.continuationWithoutMessage)
    /// A new text or binary frame while a fragmented message is still open (§5.4).
    static func dataInsideMessage(_ opcode: UInt8) -> WebSocketError { WebSocketError(.dataInsideMessage(opcode)) }

    public var description: String {
        switch kind {
        case .reservedBits(let bits):
            bits & 0x4 != 0
                ? "WebSocket frame compressed (RSV1, permessage-deflate, RFC 7692): not read"
                : "WebSocket frame with reserved bits 0x\(String(bits, radix: 16)) set (RFC 6455 §5.2)"
        case .reservedOpcode(let opcode): "WebSocket frame with reserved opcode 0x\(String(opcode, radix: 16)) (RFC 6455 §5.2)"
        case .lengthHighBit: "WebSocket frame with a 64-bit payload length whose high bit is set (RFC 6455 §5.2)"
        case .tooLarge(let length, let limit): "WebSocket frame of \(length) bytes, more than the \(limit) bytes its message may still hold"
        case .badControlFrame(let opcode, let length, let fin):
            fin
                ? "WebSocket control frame 0x\(String(opcode, radix: 16)) of \(length) bytes, more than 125 (RFC 6455 §5.5)"
                : "WebSocket control frame 0x\(String(opcode, radix: 16)) fragmented (RFC 6455 §5.5)"
        case .continuationWithoutMessage: "WebSocket continuation frame with no message begun (RFC 6455 §5.4)"
        case .dataInsideMessage(let opcode): "WebSocket data frame 0x\(String(opcode, radix: 16)) inside an unfinished fragmented message (RFC 6455 §5.4)"
        }
    }
}
