/// Asterisk cdr_custom with its default template: 19 fields, no header.
///
/// `clid, src, dst, dcontext, channel, dstchannel, lastapp, lastdata, start, answer, end,
/// duration, billsec, disposition, amaflags, accountcode, uniqueid, userfield, sequence`
/// (`cdr_custom.conf.sample`); calls are grouped by uniqueid.
public struct AsteriskCustomReader: CDRStreamingReader {
    public static let format = CDRFormat.asteriskCustom

    public init() {}

    /// No header; the first records have 19 fields and field 9 (start) is an ISO date and time.
    public static func detect(_ sample: CDRSample) -> Int {
        AsteriskDetection.score(AsteriskDetection.firstRecords(sample) { record, bytes in
            AsteriskDetection.matches(record, AsteriskColumns.custom, bytes)
        })
    }

    public func read(_ bytes: UnsafeRawBufferPointer, context: inout CDRContext) throws(CDRError) -> CDRReadResult {
        var builder = AsteriskCallBuilder(format: Self.format, escapes: .csv, source: context.input.name, expectedBytes: bytes.count)
        try readAsteriskCSV(bytes, builder: &builder, context: &context,
                            layout: { $0 == 19 ? AsteriskColumns.custom : nil }, expected: "19 (cdr_custom default template)")
        return try builder.finish(bytes: bytes, context: context)
    }

    public func stream(_ bytes: UnsafeRawBufferPointer, context: inout CDRContext, window: CDRStreamWindow,
                       release: (Int) -> Void, emit: (CDRStreamBatch) -> Void) throws(CDRError) {
        var builder = AsteriskCallBuilder(format: Self.format, escapes: .csv, source: context.input.name)
        try streamAsteriskCSV(bytes, builder: &builder, context: &context, layout: { $0 == 19 ? AsteriskColumns.custom : nil },
                              expected: "19 (cdr_custom default template)", window: window, release: release, emit: emit)
    }
}
