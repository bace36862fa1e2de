/// Format detection shared by the Asterisk CSV readers: a look at the first records of a sample.
enum AsteriskDetection {
    /// How many of the first `limit` complete records of `sample` pass `test`, and how many were
    /// looked at. A record cut by the end of a truncated sample is not looked at.
    static func firstRecords(
        _ sample: CDRSample, limit: Int = 5,
        _ test: (CSVRecord, UnsafeRawBufferPointer) -> Bool
    ) -> (passed: Int, seen: Int) {
        let truncated = sample.bytes.count >= 65_536
        return sample.bytes.withUnsafeBytes { buffer in
            var scanner = CSVScanner(bytes: buffer)
            var record = CSVRecord()
            var passed = 0, seen = 0
            while seen < limit, scanner.next(into: &record) {
                if truncated, scanner.isAtEnd { break }
                seen += 1
                if test(record, buffer) { passed += 1 }
            }
            return (passed, seen)
        }
    }

    /// 90 when every record looked at passes, 70 when most do, else 0.
    static func score(_ result: (passed: Int, seen: Int)) -> Int {
        guard result.seen > 0 else { return 0 }
        if result.passed == result.seen { return 90 }
        return result.passed * 2 > result.seen ? 70 : 0
    }

    /// Whether a record has the layout's field count and a start, duration and billsec in its form.
    static func matches(_ record: CSVRecord, _ columns: AsteriskColumns, _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard record.count == columns.fieldCount else { return false }
        let start = record.fields[columns.start].range
        let parsed = columns.dateForm == .iso ? CivilDateTime.parseISO(bytes, start) : CivilDateTime.parseDayMonthYear(bytes, start)
        return parsed != nil && bytes.integer(record.fields[columns.duration]) != nil && bytes.integer(record.fields[columns.billsec]) != nil
    }
}

/// Reads every CSV record of `bytes` into `builder`: one loop shared by the CSV-based readers.
/// `layout` gives the columns of a record, or the expected field counts when it has none;
/// `beforeRecord` runs before each record with the offset up to which the file has been read.
func readAsteriskCSV(
    _ bytes: UnsafeRawBufferPointer, builder: inout AsteriskCallBuilder, context: inout CDRContext,
    skipFirst: Bool = false, layout: (Int) -> AsteriskColumns?, expected: String,
    beforeRecord: (inout AsteriskCallBuilder, _ offset: Int) throws(CDRError) -> Void = { _, _ in }
) throws(CDRError) {
    var scanner = CSVScanner(bytes: bytes)
    var record = CSVRecord()
    if skipFirst { _ = scanner.next(into: &record) }
    var before = scanner.offset
    while scanner.next(into: &record) {
        // Streaming reads (`AsteriskCallBuilder.flush`): every record before `before` is added.
        try beforeRecord(&builder, before)
        before = scanner.offset
        if record.unterminatedQuote {
            try builder.reject(line: record.line, "unterminated quote: the record runs to the end of the file", context: &context)
            continue
        }
        guard let columns = layout(record.count) else {
            try builder.reject(line: record.line, "\(record.count) fields, expected \(expected)", context: &context)
            continue
        }
        try builder.add(record, columns: columns, bytes: bytes, context: &context)
    }
}

/// ``readAsteriskCSV(_:builder:context:skipFirst:layout:expected:beforeRecord:)`` handing calls on
/// as they complete (``CDRStreamingReader``): every ``CDRStreamWindow/flushRows`` rows the
/// builder's complete groups become calls, and the bytes no held row points into are released.
func streamAsteriskCSV(
    _ bytes: UnsafeRawBufferPointer, builder: inout AsteriskCallBuilder, context: inout CDRContext,
    layout: (Int) -> AsteriskColumns?, expected: String,
    window: CDRStreamWindow, release: (Int) -> Void, emit: (CDRStreamBatch) -> Void
) throws(CDRError) {
    var lastFlush = 0
    try readAsteriskCSV(bytes, builder: &builder, context: &context, layout: layout, expected: expected) { builder, offset throws(CDRError) in
        guard builder.rowsAdded - lastFlush >= window.flushRows else { return }
        lastFlush = builder.rowsAdded
        let batch = builder.flush(window: window, final: false, bytes: bytes)
        emit(CDRStreamBatch(calls: batch.calls, startFloor: batch.startFloor))
        release(min(batch.firstHeldOffset ?? offset, offset))
    }
    try builder.checkRows(context: context)
    emit(CDRStreamBatch(calls: builder.flush(window: window, final: true, bytes: bytes).calls, startFloor: .max))
}
