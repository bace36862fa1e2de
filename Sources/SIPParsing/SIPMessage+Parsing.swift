extension SIPMessage {
    /// Whether `bytes` begin with a SIP request line or status line (RFC 3261 §7.1, §7.2),
    /// after optional CRLF keep-alives. This is how SIP is found on any port: by content.
    public static func looksLikeSIP(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        while i < bytes.count, isLineEnd(bytes[i]) { i += 1 }
        return startLineKind(bytes, at: i) != nil
    }

    /// Parses one SIP message.
    ///
    /// - Returns: `nil` when the bytes are not SIP at all (no SIP start line), so callers can
    ///   try other protocols.
    /// - Throws: `SIPParseError` when the start line is SIP but the message is unusable
    ///   (no Call-ID, CSeq, From or To, or a bad CSeq). Lesser faults (a bad Content-Length,
    ///   a missing blank line) are recorded in `problems` and the message is still returned.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(SIPParseError) -> SIPMessage? {
        var i = 0
        while i < bytes.count, isLineEnd(bytes[i]) { i += 1 }
        guard let kind = startLineKind(bytes, at: i) else { return nil }
        let lineEnd = bytes.lineEnd(from: i)
        var message = SIPMessage(startLine: try parseStartLine(bytes, i..<lineEnd, kind: kind))
        var cursor = bytes.skipLineTerminator(at: lineEnd)

        // Header section: one logical header per line, continuation lines folded in (§7.3.1).
        var pending: (name: Range<Int>, value: Range<Int>, folded: Bool)?
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
            if isWhitespace(bytes[cursor]), let header = pending {
                pending = (header.name, header.value.lowerBound..<end, true)
            } else {
                if let header = pending {
                    try message.apply(bytes, name: header.name, value: header.value, folded: header.folded, sawVia: &sawVia)
                }
                pending = nil
                if let colon = firstColon(bytes, cursor..<end) {
                    var nameEnd = colon
                    while nameEnd > cursor, isWhitespace(bytes[nameEnd - 1]) { nameEnd -= 1 }
                    pending = (cursor..<nameEnd, (colon + 1)..<end, false)
                } else {
                    message.problems.append("header line without a colon ignored")
                }
            }
            cursor = next
        }
        if let header = pending {
            try message.apply(bytes, name: header.name, value: header.value, folded: header.folded, sawVia: &sawVia)
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
        if bodyLength > 0 {
            message.body = Array(UnsafeRawBufferPointer(rebasing: bytes[cursor..<(cursor + bodyLength)]))
        }
        return message
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

    static func parseStartLine(_ b: UnsafeRawBufferPointer, _ line: Range<Int>, kind: StartLineKind) throws(SIPParseError) -> StartLine {
        switch kind {
        case .response:
            let d = line.lowerBound + 8
            let status = Int(b[d] - 48) * 100 + Int(b[d + 1] - 48) * 10 + Int(b[d + 2] - 48)
            guard (100...699).contains(status) else { throw .badStartLine(b.trimmedString(line)) }
            let reasonStart = Swift.min(d + 4, line.upperBound)
            return .response(status: status, reason: b.trimmedString(reasonStart..<line.upperBound))
        case .request(let methodEnd):
            let method = SIPMethod(token: b.trimmedString(line.lowerBound..<methodEnd))
            let uri = b.trimmedString((methodEnd + 1)..<(line.upperBound - 8))
            guard !uri.isEmpty, !uri.contains(" ") else { throw .badStartLine(b.trimmedString(line)) }
            return .request(method: method, uri: uri)
        }
    }

    static func firstColon(_ b: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int? {
        var i = range.lowerBound
        while i < range.upperBound {
            if b[i] == UInt8(ascii: ":") { return i }
            i += 1
        }
        return nil
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

    mutating func apply(_ b: UnsafeRawBufferPointer, name: Range<Int>, value: Range<Int>, folded: Bool, sawVia: inout Bool) throws(SIPParseError) {
        guard let header = Self.knownHeader(b, name) else { return }
        var text = b.trimmedString(value)
        if folded { text = Self.unfold(text) }
        switch header {
        case .callID:
            if callID == nil { callID = text }
        case .from:
            if from == nil { from = NameAddress.parse(text[...]) }
        case .to:
            if to == nil { to = NameAddress.parse(text[...]) }
        case .cseq:
            guard cseq == nil else { return }
            let parts = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count == 2, let number = UInt32(parts[0]) else { throw .badHeader("CSeq", value: text) }
            cseq = CSeq(number: number, method: SIPMethod(token: String(parts[1])))
        case .via:
            guard !sawVia else { return }
            sawVia = true
            guard let top = text.splitHeaderValues().first else { return }
            topVia = String(top)
            if let semicolon = top.firstIndex(of: ";") {
                topViaBranch = parseParameters(top[semicolon...]).first(where: { $0.name == "branch" })?.value
            }
        case .contact:
            if contact == nil, let first = text.splitHeaderValues().first { contact = NameAddress.parse(first) }
        case .assertedIdentity:
            assertedIdentities += text.splitHeaderValues().compactMap(NameAddress.parse)
        case .remotePartyID:
            remotePartyIDs += text.splitHeaderValues().compactMap(NameAddress.parse)
        case .diversion:
            diversions += text.splitHeaderValues().compactMap(NameAddress.parse)
        case .historyInfo:
            historyInfo += text.splitHeaderValues().compactMap(NameAddress.parse)
        case .reason:
            reasons += text.splitHeaderValues().map(SIPReason.parse)
        case .contentLength:
            // The first valid value wins, as in stream framing (SIPStreamFramer).
            if let length = Int(text), length >= 0 {
                if contentLength == nil { contentLength = length } else { problems.append("second Content-Length \(length) ignored") }
            } else {
                problems.append("invalid Content-Length \"\(text.prefix(40))\" ignored")
            }
        case .rseq:
            rseq = UInt32(text)
        case .contentType:
            contentType = text.split(separator: ";").first.map { $0.trimmingSpaces.lowercased() }
        }
    }

    /// Replaces each line break and the white space around it with one space (RFC 3261 §7.3.1).
    static func unfold(_ text: String) -> String {
        var out = ""
        var pendingSpace = false
        for c in text {
            if c.isNewline || c == " " || c == "\t" { pendingSpace = true; continue }
            if pendingSpace, !out.isEmpty { out.append(" ") }
            pendingSpace = false
            out.append(c)
        }
        return out
    }
}

extension SIPReason {
    /// Parses one `Reason` value: `protocol *(; param)` (RFC 3326 §2).
    static func parse(_ value: Substring) -> SIPReason {
        let semicolon = value.firstIndex(of: ";") ?? value.endIndex
        let params = parseParameters(value[semicolon...])
        let cause = params.first(where: { $0.name == "cause" })?.value.flatMap { Int($0) }
        let text = params.first(where: { $0.name == "text" })?.value
        return SIPReason(protocolName: String(value[..<semicolon].trimmingSpaces), cause: cause, text: text)
    }
}
