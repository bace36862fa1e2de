extension SIPMessage {
    /// Whether `bytes` begin with a SIP request line or status line (RFC 3261 §7.1, §7.2),
    /// after optional CRLF keep-alives. This is how SIP is found on any port: by content.
    public static func looksLikeSIP(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        while i < bytes.count, isLineEnd(bytes[i]) { i += 1 }
        return startLineKind(bytes, at: i) != nil
    }

    /// Parses one SIP message into owned values (``SIPMessageView`` read, then copied out).
    ///
    /// - Returns: `nil` when the bytes are not SIP at all (no SIP start line), so callers can
    ///   try other protocols.
    /// - Throws: `SIPParseError` when the start line is SIP but the message is unusable
    ///   (no Call-ID, CSeq, From or To, or a bad CSeq). Lesser faults (a bad Content-Length,
    ///   a missing blank line) are recorded in `problems` and the message is still returned.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(SIPParseError) -> SIPMessage? {
        try SIPMessageView.parse(bytes, SIPMessage.init)
    }

    /// The owned form of `view`: a `String` for each field.
    public init(_ view: SIPMessageView) {
        let b = view.bytes
        switch view.startLine {
        case .request(let method, let uri): self.init(startLine: .request(method: method, uri: b.string(uri)))
        case .response(let status, let reason): self.init(startLine: .response(status: status, reason: b.string(reason)))
        }
        callID = view.string(view.callID)
        from = view.from.map { NameAddress(b, $0) }
        to = view.to.map { NameAddress(b, $0) }
        cseq = view.cseq
        topViaBranch = view.string(view.topViaBranch)
        topVia = view.string(view.topVia)
        rseq = view.rseq
        contact = view.contact.map { NameAddress(b, $0) }
        assertedIdentities = view.assertedIdentities
        remotePartyIDs = view.remotePartyIDs
        diversions = view.diversions
        historyInfo = view.historyInfo
        reasons = view.reasons
        contentLength = view.contentLength
        contentType = view.contentType.map { b.lowercasedString($0) }
        if !view.body.isEmpty { body = Array(UnsafeRawBufferPointer(rebasing: b[view.body])) }
        problems = view.problems
    }

    /// Parses a message held in an array (tests, stream framing).
    public static func parse(_ bytes: [UInt8]) throws(SIPParseError) -> SIPMessage? {
        do {
            return try bytes.withUnsafeBytes { buffer in try parse(buffer) }
        } catch let error as SIPParseError {
            throw error
        } catch {
            return nil  // unreachable: parse(_:) only throws SIPParseError
        }
    }

    // MARK: - Start line

    enum StartLineKind { case request(methodEnd: Int), response }

    /// Recognises a start line at `at` without building any strings.
    static func startLineKind(_ b: UnsafeRawBufferPointer, at: Int) -> StartLineKind? {
        // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF
        if b.matchesLowercase("sip/2.0 ", at: at) {
            let d = at + 8
            guard d + 3 <= b.count, isDigit(b[d]), isDigit(b[d + 1]), isDigit(b[d + 2]) else { return nil }
            if d + 3 < b.count, !(b[d + 3] == 0x20 || isLineEnd(b[d + 3])) { return nil }
            return .response
        }
        // Request-Line = Method SP Request-URI SP SIP-Version CRLF
        var i = at
        while i < b.count, i - at < 32, isTokenByte(b[i]) { i += 1 }
        guard i > at, i < b.count, b[i] == 0x20 else { return nil }
        let methodEnd = i
        let end = b.lineEnd(from: i, limit: at + 8192)
        guard end < b.count || end == b.count else { return nil }
        guard end - methodEnd > 9, b.matchesLowercase(" sip/2.0", at: end - 8) else { return nil }
        return .request(methodEnd: methodEnd)
    }

    static func parseStartLine(_ b: UnsafeRawBufferPointer, _ line: Range<Int>, kind: StartLineKind) throws(SIPParseError) -> SIPMessageView.StartLine {
        switch kind {
        case .response:
            let d = line.lowerBound + 8
            let status = Int(b[d] - 48) * 100 + Int(b[d + 1] - 48) * 10 + Int(b[d + 2] - 48)
            guard (100...699).contains(status) else { throw .badStartLine(b.trimmedString(line)) }
            let reasonStart = Swift.min(d + 4, line.upperBound)
            var reason = reasonStart..<line.upperBound
            while reason.lowerBound < reason.upperBound, isWhitespace(b[reason.lowerBound]) { reason = (reason.lowerBound + 1)..<reason.upperBound }
            while reason.upperBound > reason.lowerBound, isWhitespace(b[reason.upperBound - 1]) || isLineEnd(b[reason.upperBound - 1]) { reason = reason.lowerBound..<(reason.upperBound - 1) }
            return .response(status: status, reason: reason)
        case .request(let methodEnd):
            let method = SIPMethod(b, b.trimmed(line.lowerBound..<methodEnd))
            var uri = (methodEnd + 1)..<(line.upperBound - 8)
            while uri.lowerBound < uri.upperBound, isWhitespace(b[uri.lowerBound]) { uri = (uri.lowerBound + 1)..<uri.upperBound }
            while uri.upperBound > uri.lowerBound, isWhitespace(b[uri.upperBound - 1]) || isLineEnd(b[uri.upperBound - 1]) { uri = uri.lowerBound..<(uri.upperBound - 1) }
            guard !uri.isEmpty, b.firstIndex(of: 0x20, in: uri) == nil else { throw .badStartLine(b.trimmedString(line)) }
            return .request(method: method, uri: uri)
        }
    }

    static func firstColon(_ b: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int? {
        b.firstIndex(of: UInt8(ascii: ":"), in: range)
    }

    // MARK: - Headers

    /// The headers call reconstruction reads, with their compact forms (RFC 3261 §7.3.3, §20).
    enum KnownHeader {
        case callID, from, to, cseq, via, contact, assertedIdentity, remotePartyID, diversion, historyInfo, reason, contentLength, contentType, rseq
    }

    static func knownHeader(_ b: UnsafeRawBufferPointer, _ name: Range<Int>) -> KnownHeader? {
        let n = name.count
        let at = name.lowerBound
        switch n {
        case 1:
            switch lowercased(b[at]) {
            case UInt8(ascii: "i"): return .callID
            case UInt8(ascii: "f"): return .from
            case UInt8(ascii: "t"): return .to
            case UInt8(ascii: "v"): return .via
            case UInt8(ascii: "m"): return .contact
            case UInt8(ascii: "l"): return .contentLength
            case UInt8(ascii: "c"): return .contentType
            default: return nil
            }
        case 2: return b.matchesLowercase("to", at: at) ? .to : nil
        case 3: return b.matchesLowercase("via", at: at) ? .via : nil
        case 4:
            if b.matchesLowercase("from", at: at) { return .from }
            if b.matchesLowercase("cseq", at: at) { return .cseq }
            if b.matchesLowercase("rseq", at: at) { return .rseq }
            return nil
        case 6: return b.matchesLowercase("reason", at: at) ? .reason : nil
        case 7:
            if b.matchesLowercase("call-id", at: at) { return .callID }
            if b.matchesLowercase("contact", at: at) { return .contact }
            return nil
        case 9: return b.matchesLowercase("diversion", at: at) ? .diversion : nil
        case 12:
            if b.matchesLowercase("history-info", at: at) { return .historyInfo }
            if b.matchesLowercase("content-type", at: at) { return .contentType }
            return nil
        case 14: return b.matchesLowercase("content-length", at: at) ? .contentLength : nil
        case 15: return b.matchesLowercase("remote-party-id", at: at) ? .remotePartyID : nil
        case 19: return b.matchesLowercase("p-asserted-identity", at: at) ? .assertedIdentity : nil
        default: return nil
        }
    }

    /// Replaces each line break and the white space around it with one space, leading and
    /// trailing ones dropped (RFC 3261 §7.3.1).
    static func unfold(_ b: UnsafeRawBufferPointer, _ range: Range<Int>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        var pendingSpace = false
        for i in range {
            let c = b[i]
            if isLineEnd(c) || isWhitespace(c) { pendingSpace = true; continue }
            if pendingSpace, !out.isEmpty { out.append(0x20) }
            pendingSpace = false
            out.append(c)
        }
        return out
    }
}

extension SIPMessageView {
    /// Reads one SIP message in place and hands the view to `body`, whose result is returned.
    ///
    /// - Returns: `nil` when the bytes are not SIP at all (no SIP start line).
    /// - Throws: `SIPParseError` when the start line is SIP but the message is unusable (no
    ///   Call-ID, CSeq, From or To, or a bad CSeq); lesser faults go to ``problems``.
    public static func parse<Result>(_ bytes: UnsafeRawBufferPointer, _ body: (SIPMessageView) -> Result) throws(SIPParseError) -> Result? {
        switch try read(bytes) {
        case nil: return nil
        case .view(let view): return body(view)
        case .folded(let headerStart):
            // Rare (RFC 3261 §7.3.1 folding): read from a copy with every folded value on one line.
            let unfolded = unfoldedCopy(bytes, headerStart: headerStart)
            let result: Swift.Result<Result?, SIPParseError> = unfolded.withUnsafeBytes { copy in
                do throws(SIPParseError) {
                    guard case .view(let view) = try read(copy) else { return .success(nil) }
                    return .success(body(view))
                } catch {
                    return .failure(error)
                }
            }
            return try result.get()
        }
    }

    private enum Outcome {
        case view(SIPMessageView)
        /// A header line is continued on the next one; the headers start at `headerStart`.
        case folded(headerStart: Int)
    }

    private static func read(_ bytes: UnsafeRawBufferPointer) throws(SIPParseError) -> Outcome? {
        var i = 0
        while i < bytes.count, isLineEnd(bytes[i]) { i += 1 }
        guard let kind = SIPMessage.startLineKind(bytes, at: i) else { return nil }
        let lineEnd = bytes.lineEnd(from: i)
        var message = SIPMessageView(bytes: bytes, startLine: try SIPMessage.parseStartLine(bytes, i..<lineEnd, kind: kind))
        let headerStart = bytes.skipLineTerminator(at: lineEnd)
        var cursor = headerStart

        // Header section: one header per line (a continued line sends the message to `unfoldedCopy`).
        var pending: (name: Range<Int>, value: Range<Int>)?
        var sawBlankLine = false
        var sawVia = false
        while cursor < bytes.count {
            let end = bytes.lineEnd(from: cursor)
            let next = bytes.skipLineTerminator(at: end)
            if end == cursor {  // blank line: end of headers
                cursor = next
                sawBlankLine = true
                break
            }
            if isWhitespace(bytes[cursor]), pending != nil { return .folded(headerStart: headerStart) }
            if let header = pending {
                try message.apply(name: header.name, value: header.value, sawVia: &sawVia)
            }
            pending = nil
            if let colon = SIPMessage.firstColon(bytes, cursor..<end) {
                var nameEnd = colon
                while nameEnd > cursor, isWhitespace(bytes[nameEnd - 1]) { nameEnd -= 1 }
                pending = (cursor..<nameEnd, (colon + 1)..<end)
            } else {
                message.problems.append("header line without a colon ignored")
            }
            cursor = next
        }
        if let header = pending {
            try message.apply(name: header.name, value: header.value, sawVia: &sawVia)
        }
        if !sawBlankLine { message.problems.append("no blank line after the headers") }

        guard message.callID != nil else { throw .missingHeader("Call-ID") }
        guard message.cseq != nil else { throw .missingHeader("CSeq") }
        guard message.from != nil else { throw .missingHeader("From") }
        guard message.to != nil else { throw .missingHeader("To") }

        let available = bytes.count - cursor
        var bodyLength = available
        if let declared = message.contentLength {
            if declared > available {
                message.problems.append("Content-Length \(declared) but only \(available) body bytes")
            } else {
                bodyLength = declared
            }
        }
        message.body = cursor..<(cursor + bodyLength)
        return .view(message)
    }

    /// The message with each folded header value unfolded onto one line (``SIPMessage/unfold(_:_:)``),
    /// everything else as it was: the start line, unfolded values, lines without a colon, the
    /// blank line and the body byte for byte. Read as the message itself.
    private static func unfoldedCopy(_ b: UnsafeRawBufferPointer, headerStart: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[0..<headerStart]))
        var pending: (head: Range<Int>, value: Range<Int>, folded: Bool)?
        func flush() {
            guard let header = pending else { return }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[header.head]))
            if header.folded {
                out.append(contentsOf: SIPMessage.unfold(b, header.value))
            } else {
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[header.value]))
            }
            out.append(contentsOf: [0x0D, 0x0A])
            pending = nil
        }
        var cursor = headerStart
        while cursor < b.count {
            let end = b.lineEnd(from: cursor)
            let next = b.skipLineTerminator(at: end)
            if end == cursor {
                flush()
                out.append(contentsOf: [0x0D, 0x0A])
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[next...]))
                return out
            }
            if isWhitespace(b[cursor]), let header = pending {
                pending = (header.head, header.value.lowerBound..<end, true)
            } else {
                flush()
                if let colon = SIPMessage.firstColon(b, cursor..<end) {
                    pending = (cursor..<(colon + 1), (colon + 1)..<end, false)
                } else {
                    out.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[cursor..<end]))
                    out.append(contentsOf: [0x0D, 0x0A])
                }
            }
            cursor = next
        }
        flush()
        return out
    }

    /// Reads one header on bytes.
    mutating func apply(name: Range<Int>, value raw: Range<Int>, sawVia: inout Bool) throws(SIPParseError) {
        let b = bytes
        guard let header = SIPMessage.knownHeader(b, name) else { return }
        let value = b.trimmed(raw)
        switch header {
        case .callID:
            if callID == nil { callID = value }
        case .from:
            if from == nil { from = NameAddressView.parse(b, value) }
        case .to:
            if to == nil { to = NameAddressView.parse(b, value) }
        case .cseq:
            guard cseq == nil else { return }
            // CSeq = 1*DIGIT LWS Method: exactly two words.
            var i = value.lowerBound
            while i < value.upperBound, !isWhitespace(b[i]) { i += 1 }
            let numberEnd = i
            while i < value.upperBound, isWhitespace(b[i]) { i += 1 }
            let method = i..<value.upperBound
            guard numberEnd > value.lowerBound, !method.isEmpty, !method.contains(where: { isWhitespace(b[$0]) }),
                  let number = b.integer(value.lowerBound..<numberEnd), let number32 = UInt32(exactly: number)
            else { throw .badHeader("CSeq", value: b.string(value)) }
            cseq = CSeq(number: number32, method: SIPMethod(b, method))
        case .via:
            guard !sawVia else { return }
            sawVia = true
            guard let top = b.firstHeaderValue(in: value) else { return }
            if let semicolon = b.firstIndex(of: UInt8(ascii: ";"), in: top) {
                var branch: Range<Int>??
                b.forEachParameter(in: semicolon..<top.upperBound) { name, value in
                    if branch == nil, b.equalsLowercase(name, "branch") { branch = .some(value) }
                }
                if let branch { topViaBranch = branch }
            }
            if topViaBranch == nil { topVia = top }
        case .contact:
            guard contact == nil else { return }
            if let first = b.firstHeaderValue(in: value) { contact = NameAddressView.parse(b, first) }
        case .assertedIdentity:
            b.forEachHeaderValue(in: value) { listValues.append((.assertedIdentity, $0)) }
        case .remotePartyID:
            b.forEachHeaderValue(in: value) { listValues.append((.remotePartyID, $0)) }
        case .diversion:
            b.forEachHeaderValue(in: value) { listValues.append((.diversion, $0)) }
        case .historyInfo:
            b.forEachHeaderValue(in: value) { listValues.append((.historyInfo, $0)) }
        case .reason:
            b.forEachHeaderValue(in: value) { listValues.append((.reason, $0)) }
        case .contentLength:
            // The first valid value wins, as in stream framing (SIPStreamFramer).
            if let length = b.integer(value), length >= 0 {
                if contentLength == nil { contentLength = length } else { problems.append("second Content-Length \(length) ignored") }
            } else {
                problems.append("invalid Content-Length \"\(b.string(value).prefix(40))\" ignored")
            }
        case .rseq:
            rseq = b.integer(value).flatMap { UInt32(exactly: $0) }
        case .contentType:
            // The media type without parameters (the first non-empty `;` part).
            var start = value.lowerBound
            while start < value.upperBound {
                let end = b.firstIndex(of: UInt8(ascii: ";"), in: start..<value.upperBound) ?? value.upperBound
                if end > start {
                    contentType = b.trimmed(start..<end)
                    return
                }
                start = end + 1
            }
            contentType = nil
        }
    }
}

extension SIPReason {
    /// Parses one `Reason` value: `protocol *(; param)` (RFC 3326 §2).
    static func parse(_ b: UnsafeRawBufferPointer, _ value: Range<Int>) -> SIPReason {
        let semicolon = b.firstIndex(of: UInt8(ascii: ";"), in: value) ?? value.upperBound
        var cause: Int??, text: String??
        b.forEachParameter(in: semicolon..<value.upperBound) { name, parameter in
            if cause == nil, b.equalsLowercase(name, "cause") { cause = .some(parameter.flatMap { b.integer($0) }) }
            if text == nil, b.equalsLowercase(name, "text") { text = .some(parameter.map { b.string($0) }) }
        }
        return SIPReason(protocolName: b.string(b.trimmed(value.lowerBound..<semicolon)), cause: cause ?? nil, text: text ?? nil)
    }
}

extension SIPMethod {
    /// The method token at `range` of `b`, without building a `String` for the known methods
    /// (case-sensitive, RFC 3261 §7.1).
    init(_ b: UnsafeRawBufferPointer, _ range: Range<Int>) {
        func equals(_ literal: StaticString) -> Bool {
            guard range.count == literal.utf8CodeUnitCount else { return false }
            let p = literal.utf8Start
            for k in 0..<range.count where b[range.lowerBound + k] != p[k] { return false }
            return true
        }
        switch range.count {
        case 3 where equals("ACK"): self = .ack
        case 3 where equals("BYE"): self = .bye
        case 4 where equals("INFO"): self = .info
        case 5 where equals("PRACK"): self = .prack
        case 5 where equals("REFER"): self = .refer
        case 6 where equals("INVITE"): self = .invite
        case 6 where equals("CANCEL"): self = .cancel
        case 6 where equals("UPDATE"): self = .update
        case 6 where equals("NOTIFY"): self = .notify
        case 7 where equals("OPTIONS"): self = .options
        case 7 where equals("PUBLISH"): self = .publish
        case 7 where equals("MESSAGE"): self = .message
        case 8 where equals("REGISTER"): self = .register
        case 9 where equals("SUBSCRIBE"): self = .subscribe
        default: self = .other(b.string(range))
        }
    }
}
