import CallscopeBase

/// The fixed part of one WebSocket frame (RFC 6455 §5.2): FIN, opcode, mask and payload length.
public struct WebSocketFrameHeader: Sendable, Hashable {
    /// Frame opcodes (RFC 6455 §5.2, §11.8); the reserved ones are refused.
    public enum Opcode: UInt8, Sendable {
        case continuation = 0x0, text = 0x1, binary = 0x2, close = 0x8, ping = 0x9, pong = 0xA

        /// Close, ping and pong (RFC 6455 §5.5).
        public var isControl: Bool { rawValue & 0x8 != 0 }
    }

    /// The last frame of its message.
    public var fin: Bool
    public var opcode: Opcode
    /// The masking key as its four bytes read big-endian; nil for an unmasked frame (§5.3).
    public var maskingKey: UInt32?
    /// Payload bytes after the header.
    public var payloadLength: Int
    /// Header bytes: 2, plus 2 or 8 for the extended length, plus 4 for the masking key.
    public var headerLength: Int

    /// Reads the frame header at the start of `bytes`.
    ///
    /// - Returns: nil when `bytes` are shorter than the header (read again with more).
    /// - Throws: ``WebSocketError`` for reserved bits or opcodes, a 64-bit length with its
    ///   high bit set, a payload above `maxPayloadLength`, or a control frame that is
    ///   fragmented or longer than 125 bytes. Lengths not written in the shortest form are accepted.
    public static func read(_ bytes: UnsafeRawBufferPointer, maxPayloadLength: Int) throws(WebSocketError) -> WebSocketFrameHeader? {
        guard bytes.count >= 2 else { return nil }
        let first = bytes[0], second = bytes[1]
        let reserved = (first >> 4) & 0x7
        guard reserved == 0 else { throw .reservedBits(reserved) }
        guard let opcode = Opcode(rawValue: first & 0x0F) else { throw .reservedOpcode(first & 0x0F) }
        let fin = first & 0x80 != 0
        let masked = second & 0x80 != 0
        var length = UInt64(second & 0x7F)
        var headerLength = 2
        if length == 126 {
            guard bytes.count >= 4 else { return nil }
            length = UInt64(bytes.uint16(at: 2))
            headerLength = 4
        } else if length == 127 {
            guard bytes.count >= 10 else { return nil }
            length = bytes.uint64(at: 2)
            guard length >> 63 == 0 else { throw .lengthHighBit }
            headerLength = 10
        }
        if opcode.isControl, !fin || length > 125 {
            throw .badControlFrame(opcode.rawValue, length: Int(truncatingIfNeeded: min(length, UInt64(Int32.max))), fin: fin)
        }
        guard opcode.isControl || length <= UInt64(max(0, maxPayloadLength)) else { throw .tooLarge(length, limit: maxPayloadLength) }
        var key: UInt32?
        if masked {
            guard bytes.count >= headerLength + 4 else { return nil }
            key = bytes.uint32(at: headerLength)
            headerLength += 4
        }
        return WebSocketFrameHeader(fin: fin, opcode: opcode, maskingKey: key, payloadLength: Int(length), headerLength: headerLength)
    }
}

/// Turns one direction of a WebSocket connection (the bytes after the HTTP Upgrade) into its
/// messages (RFC 6455 §5): fragmented messages are joined across continuation frames, masked
/// payloads are unmasked, and control frames (close, ping, pong) are reported as they come,
/// also between the fragments of a message (§5.4). SIP over WebSocket puts one SIP message in
/// each text or binary message (RFC 7118 §5).
///
/// Bytes are handed to ``append(_:_:)`` in stream order, split anywhere. Each step is a
/// single-step decoder in the swift-nio style: ``decodeFrame(_:cursor:_:)`` returns nil and
/// leaves the cursor untouched when the frame is not complete, and throws a typed
/// ``WebSocketError`` when it is malformed. Memory is bounded: a frame or message longer than
/// `maxMessageBytes` is an error as soon as its header is read, so at most one frame and one
/// message are buffered.
///
/// Masking is not checked: a passive reader takes masked and unmasked frames from either side
/// (a client MUST mask and a server MUST NOT, §5.1, but what was sent is what the peer read).
public struct WebSocketDecoder: Sendable {
    /// What the decoder found in the stream.
    public enum Event {
        /// One complete text or binary message, unmasked; the bytes are valid only inside the callback.
        case message(UnsafeRawBufferPointer, binary: Bool)
        /// A ping or pong control frame (RFC 6455 §5.5.2, §5.5.3) and its payload length.
        case control(WebSocketFrameHeader.Opcode, payloadLength: Int)
        /// A close frame (§5.5.1) and its status code when it has one.
        case close(code: UInt16?)
        /// After ``resynchronize()``: reading resumed at a frame that starts a SIP message,
        /// after skipping this many bytes.
        case resynchronized(skippedBytes: Int)
    }

    public let maxMessageBytes: Int
    /// Stream bytes of a frame not yet complete.
    private var pending: [UInt8] = []
    /// The unmasked payload of the fragmented message being assembled.
    private var message: [UInt8] = []
    /// The opcode (text or binary) of the fragmented message being assembled, nil between messages.
    private var open: WebSocketFrameHeader.Opcode?
    /// Set by ``resynchronize()`` until a frame to resume at is found; the bytes skipped so far.
    private var seeking: (active: Bool, skipped: Int) = (false, 0)

    /// - Parameter maxMessageBytes: the longest frame or joined message accepted (default 1 MiB,
    ///   the SIP body limit of ``SIPStreamFramer``).
    public init(maxMessageBytes: Int = 1 << 20) {
        self.maxMessageBytes = max(0, maxMessageBytes)
    }

    /// Bytes held for an incomplete frame or an unfinished fragmented message (or, after
    /// ``resynchronize()``, the few bytes of a frame not yet judged).
    public var bufferedByteCount: Int { pending.count + message.count }

    /// Adds the next bytes of the stream and reports every complete message and control frame.
    ///
    /// A malformed frame throws. The decoder then keeps the bytes after the frame's first byte
    /// and looks for the next frame that starts a SIP message, as after ``resynchronize()``:
    /// call `append` again (with no bytes, to go on with those already given) until it returns.
    /// Each throw consumes at least one byte.
    /// - Complexity: O(n) in the bytes added; bytes are copied only for masked payloads,
    ///   fragmented messages and frames that span calls.
    public mutating func append(_ bytes: UnsafeRawBufferPointer, _ body: (Event) -> Void) throws(WebSocketError) {
        if pending.isEmpty, !seeking.active {
            var cursor = 0
            do throws(WebSocketError) {
                while cursor < bytes.count, try decodeFrame(bytes, cursor: &cursor, body) != nil {}
            } catch {
                recover(after: UnsafeRawBufferPointer(rebasing: bytes[(cursor + 1)...]))
                throw error
            }
            if cursor < bytes.count { pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[cursor...])) }
            return
        }
        pending.append(contentsOf: bytes)
        var buffer: [UInt8] = []
        swap(&buffer, &pending)  // `self` is mutated while the buffer is read
        if seeking.active {
            let limit = maxMessageBytes
            let (start, found) = buffer.withUnsafeBytes { Self.seekSIPFrame($0, maxPayloadLength: limit) }
            buffer.removeFirst(start)
            seeking.skipped += start
            guard found else {
                pending = buffer
                return
            }
            body(.resynchronized(skippedBytes: seeking.skipped))
            seeking = (false, 0)
        }
        let outcome: (consumed: Int, error: WebSocketError?) = buffer.withUnsafeBytes { raw in
            var cursor = 0
            do throws(WebSocketError) {
                while cursor < raw.count, try decodeFrame(raw, cursor: &cursor, body) != nil {}
                return (cursor, nil)
            } catch {
                return (cursor, error)
            }
        }
        if let error = outcome.error {
            buffer.withUnsafeBytes { recover(after: UnsafeRawBufferPointer(rebasing: $0[(outcome.consumed + 1)...])) }
            throw error
        }
        buffer.removeFirst(outcome.consumed)
        pending = buffer
    }

    /// After a malformed frame: forgets the message in progress and seeks from `rest` on
    /// (the bytes after the bad frame's first byte, which counts as skipped).
    private mutating func recover(after rest: UnsafeRawBufferPointer) {
        message.removeAll()
        open = nil
        pending = Array(rest)
        seeking = (true, 1)
    }

    /// Decodes the frame at `cursor`: reports it (a message when it completes one, a control
    /// frame) and moves the cursor past it.
    /// - Returns: the frame's header; nil, with the cursor untouched, when `bytes` end before the frame does.
    public mutating func decodeFrame(
        _ bytes: UnsafeRawBufferPointer, cursor: inout Int, _ body: (Event) -> Void
    ) throws(WebSocketError) -> WebSocketFrameHeader? {
        let rest = UnsafeRawBufferPointer(rebasing: bytes[cursor...])
        guard let header = try WebSocketFrameHeader.read(rest, maxPayloadLength: maxMessageBytes - message.count) else {
            return nil
        }
        guard rest.count - header.headerLength >= header.payloadLength else { return nil }
        let payload = UnsafeRawBufferPointer(rebasing: rest[header.headerLength..<(header.headerLength + header.payloadLength)])
        switch header.opcode {
        case .text, .binary, .continuation:
            if header.opcode == .continuation {
                guard open != nil else { throw .continuationWithoutMessage }
            } else if open != nil {
                throw .dataInsideMessage(header.opcode.rawValue)
            }
            let kind = open ?? header.opcode
            if header.fin, open == nil, header.maskingKey == nil {
                body(.message(payload, binary: kind == .binary))  // one unmasked frame: no copy
            } else {
                Self.appendUnmasked(payload, key: header.maskingKey, to: &message)
                if header.fin {
                    message.withUnsafeBytes { body(.message($0, binary: kind == .binary)) }
                    message.removeAll(keepingCapacity: message.count <= 65_536)
                    open = nil
                } else {
                    open = kind
                }
            }
        case .close:
            var code: UInt16?
            if payload.count >= 2 {
                let mask = header.maskingKey ?? 0
                code = (UInt16(payload[0] ^ UInt8(truncatingIfNeeded: mask >> 24)) << 8)
                    | UInt16(payload[1] ^ UInt8(truncatingIfNeeded: mask >> 16))
            }
            body(.close(code: code))
        case .ping, .pong:
            body(.control(header.opcode, payloadLength: payload.count))
        }
        cursor += header.headerLength + header.payloadLength
        return header
    }

    /// After a hole in the stream: forgets the frame and message in progress, then skips the
    /// next bytes up to the first text or binary frame whose payload, unmasked with that frame's
    /// own key, begins with a SIP start line (RFC 7118 §5: every message is one SIP message), and
    /// reads on from there, reporting ``Event/resynchronized(skippedBytes:)``. WebSocket has no
    /// frame marker; a SIP start line behind a well-formed header is what makes a boundary credible.
    /// - Returns: the buffered bytes dropped.
    @discardableResult
    public mutating func resynchronize() -> Int {
        let dropped = bufferedByteCount
        pending.removeAll()
        message.removeAll()
        open = nil
        seeking = (true, 0)
        return dropped
    }

    /// The offset of the first frame in `bytes` that starts a SIP message (`found`), or of the
    /// first place that more bytes are needed to judge (`found` false): bytes before it can go.
    /// - Complexity: O(n); at most 20 payload bytes are unmasked per candidate header.
    static func seekSIPFrame(_ bytes: UnsafeRawBufferPointer, maxPayloadLength: Int) -> (offset: Int, found: Bool) {
        var index = 0
        while index < bytes.count {
            let first = bytes[index]
            // RSV clear, opcode text or binary (FIN either way: a fragmented message's first frame)
            if first & 0x70 == 0, first & 0x0F == 1 || first & 0x0F == 2 {
                switch startsSIPMessage(UnsafeRawBufferPointer(rebasing: bytes[index...]), maxPayloadLength: maxPayloadLength) {
                case true?: return (index, true)
                case nil: return (index, false)
                case false?: break
                }
            }
            index += 1
        }
        return (bytes.count, false)
    }

    /// Whether `bytes` begin with a frame header whose unmasked payload begins like a SIP
    /// request or status line; nil when too few bytes are there to tell.
    static func startsSIPMessage(_ bytes: UnsafeRawBufferPointer, maxPayloadLength: Int) -> Bool? {
        let header: WebSocketFrameHeader
        do {
            guard let read = try WebSocketFrameHeader.read(bytes, maxPayloadLength: maxPayloadLength) else { return nil }
            header = read
        } catch {
            return false
        }
        let length = min(header.payloadLength, 20)
        guard length >= 12 else { return false }  // "SIP/2.0 200 " or "ACK sip:a SIP/2.0" at least
        guard bytes.count >= header.headerLength + length else { return nil }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { scratch in
            let key = header.maskingKey ?? 0
            for index in 0..<length {
                let mask = UInt8(truncatingIfNeeded: key >> (24 - 8 * UInt32(index & 3)))
                scratch[index] = bytes[header.headerLength + index] ^ mask
            }
            return beginsLikeSIP(UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: scratch[..<length])))
        }
    }

    /// `SIP/2.0 ` and a digit, or an upper-case method, a space and a `sip:`, `sips:` or `tel:` URI (RFC 3261 §7.1, §7.2).
    static func beginsLikeSIP(_ p: UnsafeRawBufferPointer) -> Bool {
        if p.matchesLowercase("sip/2.0 ", at: 0) { return p.count > 8 && isDigit(p[8]) }
        var index = 0
        while index < p.count, p[index] >= 0x41, p[index] <= 0x5A { index += 1 }
        guard index >= 3, index < p.count, p[index] == 0x20 else { return false }
        return p.matchesLowercase("sip:", at: index + 1) || p.matchesLowercase("sips:", at: index + 1)
            || p.matchesLowercase("tel:", at: index + 1)
    }

    /// Appends `payload` to `buffer`, unmasked with `key` (RFC 6455 §5.3: byte i is XORed with key byte i mod 4).
    static func appendUnmasked(_ payload: UnsafeRawBufferPointer, key: UInt32?, to buffer: inout [UInt8]) {
        let start = buffer.count
        buffer.append(contentsOf: payload)
        guard let key else { return }
        let keyBytes = (UInt8(truncatingIfNeeded: key >> 24), UInt8(truncatingIfNeeded: key >> 16),
                        UInt8(truncatingIfNeeded: key >> 8), UInt8(truncatingIfNeeded: key))
        buffer.withUnsafeMutableBytes { raw in
            var index = 0
            while index < payload.count {
                let mask: UInt8
                switch index & 3 {
                case 0: mask = keyBytes.0
                case 1: mask = keyBytes.1
                case 2: mask = keyBytes.2
                default: mask = keyBytes.3
                }
                raw[start + index] ^= mask
                index += 1
            }
        }
    }
}
