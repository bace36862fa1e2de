import CallModel

/// Reading a growing CDR file piece by piece (`watch --follow`): the format is decided once,
/// then whole records are handed to the format's own reader as they are written.
extension CDRImporter {
    /// The formats whose records stand alone, one a line with no header to remember, so that
    /// a file's new lines can be read apart from the ones before: Master.csv, cdr_custom,
    /// FreeSWITCH CSV and the stock queue_log text.
    public static let followableFormats: Set<CDRFormat> = [.asteriskCSV, .asteriskCustom, .freeswitchCSV, .queueLog]

    /// The format of the file whose first bytes are `head` (`--input-format` when given), as
    /// `importFile` decides it.
    public func format(ofHead head: [UInt8], path: String) throws(CDRError) -> CDRFormat {
        try Self.checkText(head, path: path)
        return try Self.format(of: head, path: path, options: options)
    }

    /// Reads `records`, whole lines of `path` written in `format` (not necessarily adjacent in
    /// the file): `lines[k]` is the file's line number of the k-th line of `records`, so that
    /// diagnostics name the file's lines.
    public func read(records: [UInt8], lines: [Int], format: CDRFormat, path: String, report: @escaping (Diagnostic) -> Void) throws(CDRError) -> CDRReadResult {
        let relined: (Diagnostic) -> Void = { diagnostic in
            var diagnostic = diagnostic
            if case .line(let n)? = diagnostic.location, n >= 1, n <= lines.count { diagnostic.location = .line(lines[n - 1]) }
            report(diagnostic)
        }
        var context = CDRContext(options: options, input: CDRInput(path: path, bytes: []), report: relined)
        let reader = CDRReaders.reader(for: format).init()
        do {
            return try records.withUnsafeBytes { buffer in try reader.read(buffer, context: &context) }
        } catch let error as CDRError {
            var error = error
            if let n = error.line, n >= 1, n <= lines.count { error.line = lines[n - 1] }
            throw error
        } catch {
            throw CDRError(input: path, reason: String(describing: error))  // unreachable: readers throw CDRError
        }
    }

    /// A stock queue_log line (`epoch|callid|queue|agent|EVENT|data...`): its callid, and
    /// whether its event ends the caller's part of the call (COMPLETEAGENT, COMPLETECALLER,
    /// a transfer, ABANDON and the other exits). Nil for member and agent events (`NONE` as
    /// callid, AGENTLOGIN, PAUSE...), which make no call.
    public static func queueLogCall(_ line: UnsafeRawBufferPointer) -> (callID: String, ends: Bool)? {
        var separators: [Int] = []
        for index in line.indices where line[index] == 0x7C {
            separators.append(index)
            if separators.count == 5 { break }
        }
        guard separators.count >= 4 else { return nil }
        let callID = String(decoding: UnsafeRawBufferPointer(rebasing: line[separators[0] + 1..<separators[1]]), as: UTF8.self)
        let event = separators[3] + 1..<(separators.count > 4 ? separators[4] : line.count)
        let kind = QueueEventKind.classify(line, event)
        switch kind {
        case .agent, .ignored: return nil
        default: break
        }
        guard !callID.isEmpty, callID != "NONE" else { return nil }
        let ends: Bool
        switch kind {
        case .completeAgent, .completeCaller, .transfer: ends = true
        default: ends = kind.isExit
        }
        return (callID, ends)
    }
}
