/// An export of the Asterisk `cdr` table as CSV.
///
/// Two shapes are read:
/// - a header row of column names (FreePBX's CDR report export, a multi-tenant distribution's
///   26 columns with `did` and `linkedid`...): fields are picked by name, `calldate` or `start`;
///   without `answer`/`end` columns, end = start + duration and an ANSWERED row's answer =
///   end - billsec. `NULL` is an empty value.
/// - the 25-field FreePBX export without header, `calldate` first as `d/m/yyyy H:MM:SS` (the
///   only layout where that date form is accepted).
public struct AsteriskTableReader: CDRReader {
    public static let format = CDRFormat.asteriskTable

    public init() {}

    /// A header naming calldate/start, disposition, duration, billsec and uniqueid or channel (90);
    /// or no header, 25 fields with a `d/m/yyyy H:MM:SS` calldate first (85).
    public static func detect(_ sample: CDRSample) -> Int {
        if AsteriskColumns.looksLikeCDRHeader(sample.firstRecordFields) { return 90 }
        let score = AsteriskDetection.score(AsteriskDetection.firstRecords(sample) { record, bytes in
            AsteriskDetection.matches(record, AsteriskColumns.freePBXWithoutHeader, bytes)
        })
        return score == 90 ? 85 : score
    }

    public func read(_ bytes: UnsafeRawBufferPointer, context: inout CDRContext) throws(CDRError) -> CDRReadResult {
        var builder = AsteriskCallBuilder(format: Self.format, escapes: .csv, source: context.input.name, expectedBytes: bytes.count)
        var scanner = CSVScanner(bytes: bytes)
        var record = CSVRecord()
        guard scanner.next(into: &record) else {
            throw CDRError(input: context.input.path, reason: "no \(Self.format.rawValue) records (empty file)")
        }
        let names = record.fields.map { bytes.string($0) }
        if AsteriskColumns.looksLikeCDRHeader(names) || names.contains(where: { ["calldate", "start"].contains($0.trimmingSpacesAndQuotes().lowercased()) }) {
            let columns: AsteriskColumns
            switch AsteriskColumns.named(names) {
            case .success(let c): columns = c
            case .failure(let missing):
                throw CDRError(input: context.input.path, line: record.line, reason: "the header names no \(missing.name) column")
            }
            try readAsteriskCSV(bytes, builder: &builder, context: &context, skipFirst: true,
                                layout: { $0 == columns.fieldCount ? columns : nil },
                                expected: "\(columns.fieldCount) (the header's)")
        } else if record.count == AsteriskColumns.freePBXWithoutHeader.fieldCount {
            try readAsteriskCSV(bytes, builder: &builder, context: &context,
                                layout: { $0 == 25 ? AsteriskColumns.freePBXWithoutHeader : nil },
                                expected: "25 (FreePBX cdr export without header)")
        } else {
            throw CDRError(input: context.input.path, line: record.line,
                           reason: "not an Asterisk cdr table export: no header naming calldate or start, and \(record.count) fields where the FreePBX export without header has 25")
        }
        return try builder.finish(bytes: bytes, context: context)
    }
}
