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
            let method = SIPMethod(b, b.trimmed(line.lowerBound..<methodEnd))
            var uri = (methodEnd + 1)..<(line.upperBound - 8)
            while uri.lowerBound < uri.upperBound, isWhitespace(b[uri.lowerBound]) { uri = (uri.lowerBound + 1)..<uri.upperBound }
            while uri.upperBound > uri.lowerBound, isWhitespace(b[uri.upperBound - 1]) || isLineEnd(b[uri.upperBound - 1]) { uri = uri.lowerBound..<(uri.upperBound - 1) }
            guard !uri.isEmpty, b.firstIndex(of: 0x20, in: uri) == nil else { throw .badStartLine(b.trimmedString(line)) }
            return .request(method: method, uri: b.string(uri))
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

    /// Reads one header on bytes: a `String` is built only for the values the message keeps.
    mutating func apply(_ b: UnsafeRawBufferPointer, name: Range<Int>, value: Range<Int>, folded: Bool, sawVia: inout Bool) throws(SIPParseError) {
        guard let header = Self.knownHeader(b, name) else { return }
        if folded {
            // Rare (RFC 3261 §7.3.1 folding): the value is unfolded into its own buffer and read from there.
            let unfolded = Self.unfold(b, value)
            let result: Result<Void, SIPParseError> = unfolded.withUnsafeBytes { u in
                do throws(SIPParseError) {
                    try apply(u, header: header, value: 0..<u.count, sawVia: &sawVia)
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }
            try result.get()
        } else {
            try apply(b, header: header, value: b.trimmed(value), sawVia: &sawVia)
        }
    }

    /// `value` is trimmed.
    private mutating func apply(_ b: UnsafeRawBufferPointer, header: KnownHeader, value: Range<Int>, sawVia: inout Bool) throws(SIPParseError) {
        switch header {
        case .callID:
            if callID == nil { callID = b.string(value) }
        case .from:
            if from == nil { from = NameAddress.parse(b, value) }
        case .to:
            if to == nil { to = NameAddress.parse(b, value) }
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
            var top: Range<Int>?
            b.forEachHeaderValue(in: value) { if top == nil { top = $0 } }
            guard let top else { return }
            if let semicolon = b.firstIndex(of: UInt8(ascii: ";"), in: top) {
                var branch: Range<Int>??
                b.forEachParameter(in: semicolon..<top.upperBound) { name, value in
                    if branch == nil, b.equalsLowercase(name, "branch") { branch = .some(value) }
                }
                if let branch { topViaBranch = branch.map { b.string($0) } }
            }
            if topViaBranch == nil { topVia = b.string(top) }
        case .contact:
            guard contact == nil else { return }
            var first: Range<Int>?
            b.forEachHeaderValue(in: value) { if first == nil { first = $0 } }
            if let first { contact = NameAddress.parse(b, first) }
        case .assertedIdentity:
            b.forEachHeaderValue(in: value) { if let address = NameAddress.parse(b, $0) { assertedIdentities.append(address) } }
        case .remotePartyID:
            b.forEachHeaderValue(in: value) { if let address = NameAddress.parse(b, $0) { remotePartyIDs.append(address) } }
        case .diversion:
            b.forEachHeaderValue(in: value) { if let address = NameAddress.parse(b, $0) { diversions.append(address) } }
        case .historyInfo:
            b.forEachHeaderValue(in: value) { if let address = NameAddress.parse(b, $0) { historyInfo.append(address) } }
        case .reason:
            b.forEachHeaderValue(in: value) { reasons.append(SIPReason.parse(b, $0)) }
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
            // The media type without parameters, lower-cased (the first non-empty `;` part).
            var start = value.lowerBound
            while start < value.upperBound {
                let end = b.firstIndex(of: UInt8(ascii: ";"), in: start..<value.upperBound) ?? value.upperBound
                if end > start {
                    contentType = b.lowercasedString(b.trimmed(start..<end))
                    return
                }
                start = end + 1
            }
            contentType = nil
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
