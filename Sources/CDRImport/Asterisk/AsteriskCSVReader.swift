/// Asterisk cdr_csv `Master.csv`: no header, 16, 17, 18 or 21 positional fields.
///
/// The layouts follow cdr_csv.c: 16 base fields (`accountcode` ... `amaflags`), then
/// `uniqueid` (17), `userfield` (18) and, with `newcdrcolumns`, `peeraccount, linkedid,
/// sequence` (21). Each record is read by its own field count, so a file that gained columns
/// after an upgrade still reads. Calls are grouped by linkedid, else uniqueid (docs/cdr-formats.md,
/// "Asterisk CDR").
public struct AsteriskCSVReader: CDRStreamingReader {
    public static let format = CDRFormat.asteriskCSV

    public init() {}

    /// No header; the first records have 16, 17, 18 or 21 fields and field 10 (start) is an ISO
    /// date and time.
    public static func detect(_ sample: CDRSample) -> Int {
        AsteriskDetection.score(AsteriskDetection.firstRecords(sample) { record, bytes in
            guard let columns = AsteriskColumns.cdrCSV(fieldCount: record.count) else { return false }
            return AsteriskDetection.matches(record, columns, bytes)
        })
    }

    public func read(_ bytes: UnsafeRawBufferPointer, context: inout CDRContext) throws(CDRError) -> CDRReadResult {
        var builder = AsteriskCallBuilder(format: Self.format, escapes: .csv, source: context.input.name, expectedBytes: bytes.count)
        try readAsteriskCSV(bytes, builder: &builder, context: &context,
                            layout: AsteriskColumns.cdrCSV(fieldCount:), expected: "16, 17, 18 or 21")
        return try builder.finish(bytes: bytes, context: context)
    }

    public func stream(_ bytes: UnsafeRawBufferPointer, context: inout CDRContext, window: CDRStreamWindow,
                       release: (Int) -> Void, emit: (CDRStreamBatch) -> Void) throws(CDRError) {
        var builder = AsteriskCallBuilder(format: Self.format, escapes: .csv, source: context.input.name)
        try streamAsteriskCSV(bytes, builder: &builder, context: &context, layout: AsteriskColumns.cdrCSV(fieldCount:),
                              expected: "16, 17, 18 or 21", window: window, release: release, emit: emit)
    }
}
