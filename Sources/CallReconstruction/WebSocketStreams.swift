import PacketDecoding
import SIPParsing

/// Finds SIP over WebSocket (RFC 7118) in reassembled TCP streams, on any port, and hands on
/// its SIP messages; also notices TLS connections, whose content cannot be read.
///
/// Rules, per TCP direction, decided by the first bytes the reassembler delivers:
/// - a `GET` with `Upgrade: websocket` that offers the `sip` subprotocol (RFC 6455 §4.1,
///   RFC 7118 §4) makes the rest of the client's direction WebSocket frames; a
///   `101 Switching Protocols` that chooses `sip` does the same for the server's direction.
///   A refusal (any other HTTP status) takes the client's direction back; a handshake that
///   names another subprotocol (or none) is a WebSocket that is not SIP: ignored.
/// - each text or binary message is one SIP message (RFC 7118 §5); empty and CRLF-only
///   messages (keep-alives) are skipped silently, others that are not SIP are reported.
/// - after a malformed frame, or a hole in the stream (bytes never captured), reading resumes
///   at the next frame that starts a SIP message (``WebSocketDecoder/resynchronize()``),
///   reported with the bytes skipped: a WebRTC client keeps one connection for many calls,
///   which one bad or lost segment must not all cost.
/// - a TLS ClientHello (record type 22, RFC 8446 §5.1) marks a TLS connection: SIP over TLS and
///   secure WebSocket (`wss`) are encrypted; they are counted, never read.
///
/// Memory per direction is bounded by the handshake limit or one ``WebSocketDecoder``.
struct WebSocketStreams {
    /// What the streams hand back to the driver.
    enum Output {
        /// One SIP message carried over WebSocket; valid only inside the callback.
        case message(UnsafeRawBufferPointer)
        /// A problem in the stream, as a sentence that names the flow.
        case warning(String)
        /// The direction opens a TLS connection.
        case tls
    }

    private enum State {
        /// The first bytes of a handshake message whose header section is not complete.
        case header([UInt8])
        /// WebSocket frames carrying SIP.
        case frames(WebSocketDecoder)
        /// Not read until the connection ends: TLS, or a WebSocket that is not SIP.
        case ignored
        /// A WebSocket direction that a FIN or RST ended. The TCP reassembler reopens a direction
        /// whose bytes go on after a RST (RFC 5961: a forged RST must not end it), so bytes that
        /// come later are frames again, unless they open a new handshake (a reused port).
        case closed(WebSocketDecoder)
    }

    private var states: [FlowKey: State] = [:]

    /// Takes the bytes of `flow` when they belong to a WebSocket, its handshake or TLS.
    /// - Returns: false when they do not; the caller tries SIP framing.
    mutating func take(_ flow: FlowKey, _ bytes: UnsafeRawBufferPointer, _ body: (Output) -> Void) -> Bool {
        switch states.removeValue(forKey: flow) {
        case .ignored:
            states[flow] = .ignored
            return true
        case .frames(var decoder):
            states[flow] = feed(flow, &decoder, bytes, body)
            return true
        case .header(var buffer):
            buffer.append(contentsOf: bytes)
            return buffer.withUnsafeBytes { recognise(flow, $0, body) }
        case .closed(var decoder):
            if case .handshake = WebSocketHandshake.parse(bytes) { return recognise(flow, bytes, body) }
            decoder.resynchronize()
            states[flow] = feed(flow, &decoder, bytes, body)
            return true
        case nil:
            if Self.isTLSClientHello(bytes) {
                states[flow] = .ignored
                body(.tls)
                return true
            }
            return recognise(flow, bytes, body)
        }
    }

    /// A hole in `flow`'s stream: a WebSocket direction looks for the next frame that starts a SIP message.
    mutating func gap(_ flow: FlowKey, missingBytes: Int) -> String? {
        switch states[flow] {
        case .frames(var decoder):
            let dropped = decoder.resynchronize()
            states[flow] = .frames(decoder)
            return "TCP \(flow.source) -> \(flow.destination): \(missingBytes) bytes never captured; \(dropped) buffered WebSocket bytes dropped, reading resumes at the next frame that starts a SIP message"
        case .header:
            states[flow] = nil
            return nil
        case .ignored, .closed, nil:
            return nil
        }
    }

    /// `flow`'s direction ended; a problem to report when it ended inside a frame. The direction
    /// stays known as a WebSocket (``State/closed(_:)``) in case its bytes go on.
    mutating func close(_ flow: FlowKey) -> String? {
        guard case .frames(let decoder) = states[flow] else { return nil }
        states[flow] = .closed(decoder)
        guard decoder.bufferedByteCount > 0 else { return nil }
        return "TCP \(flow.source) -> \(flow.destination): stream ended inside a WebSocket message (\(decoder.bufferedByteCount) bytes)"
    }

    /// Forgets every stream (end of input, after the reassembler closed them).
    mutating func removeAll() { states.removeAll() }

    // MARK: - Internals

    private mutating func recognise(_ flow: FlowKey, _ bytes: UnsafeRawBufferPointer, _ body: (Output) -> Void) -> Bool {
        switch WebSocketHandshake.parse(bytes) {
        case .notHandshake:
            return false
        case .needMoreBytes:
            states[flow] = .header(Array(bytes))
            return true
        case .handshake(let handshake):
            let rest = UnsafeRawBufferPointer(rebasing: bytes[handshake.length...])
            switch handshake.kind {
            case .request where handshake.carriesSIP, .response(switched: true) where handshake.carriesSIP:
                var decoder = WebSocketDecoder()
                states[flow] = feed(flow, &decoder, rest, body)
            case .request, .response(switched: true):
                states[flow] = .ignored
                if case .frames = states[flow.reversed] { states[flow.reversed] = .ignored }
            case .response(switched: false):
                // The upgrade was refused: the client's direction is not a WebSocket.
                if case .frames = states[flow.reversed] { states[flow.reversed] = nil }
            }
            return true
        }
    }

    private func feed(_ flow: FlowKey, _ decoder: inout WebSocketDecoder, _ bytes: UnsafeRawBufferPointer, _ body: (Output) -> Void) -> State {
        var input = bytes
        // Each malformed frame costs at least one byte, so this ends.
        while true {
            do throws(WebSocketError) {
                try decode(flow, &decoder, input, body)
                return .frames(decoder)
            } catch {
                body(.warning("TCP \(flow.source) -> \(flow.destination): \(error); reading resumes at the next frame that starts a SIP message"))
                input = UnsafeRawBufferPointer(start: nil, count: 0)
            }
        }
    }

    /// Feeds the decoder once: SIP messages and problems go to `body`.
    private func decode(_ flow: FlowKey, _ decoder: inout WebSocketDecoder, _ bytes: UnsafeRawBufferPointer, _ body: (Output) -> Void) throws(WebSocketError) {
        try decoder.append(bytes) { event in
            if case .resynchronized(let skipped) = event, skipped > 0 {
                body(.warning("TCP \(flow.source) -> \(flow.destination): \(skipped) bytes skipped to the next WebSocket frame that starts a SIP message"))
            }
            guard case .message(let payload, _) = event else { return }
            if SIPMessage.looksLikeSIP(payload) {
                body(.message(payload))
            } else if !payload.allSatisfy({ $0 == 0x0D || $0 == 0x0A }) {
                body(.warning("TCP \(flow.source) -> \(flow.destination): WebSocket message of \(payload.count) bytes is not SIP, skipped"))
            }
        }
    }

    /// A TLS handshake record holding a ClientHello (RFC 8446 §5.1, §4: content type 22,
    /// legacy version 3.x, handshake type 1), the first bytes a TLS client sends.
    static func isTLSClientHello(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 6 && bytes[0] == 0x16 && bytes[1] == 0x03 && bytes[2] <= 0x04 && bytes[5] == 0x01
    }
}
