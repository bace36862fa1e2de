/// How the start (or calldate) column of an Asterisk CDR layout is written.
enum AsteriskDateForm: Sendable {
    /// `YYYY-MM-DD HH:MM:SS` (cdr_csv, cdr_custom, cdr table exports, SQL dumps).
    case iso
    /// `d/m/yyyy H:MM:SS`: only the 25-field FreePBX `cdr` export without header writes it.
    case dayMonthYear

    var written: String {
        switch self {
        case .iso: "YYYY-MM-DD HH:MM:SS"
        case .dayMonthYear: "d/m/yyyy H:MM:SS"
        }
    }
}

/// Where each Asterisk CDR column sits in the records of one layout (nil: the layout has none).
///
/// The names are those of the `cdr` table and of cdr_csv.c (docs/cdr-formats.md, "Asterisk
/// CDR"); `start` is also the `calldate` of table exports.
struct AsteriskColumns: Sendable {
    /// The number of fields of a record in this layout.
    var fieldCount: Int
    var clid: Int?
    var src: Int?
    var dst: Int?
    var channel: Int?
    var dstchannel: Int?
    var lastapp: Int?
    var lastdata: Int?
    var start: Int
    /// `start` or `calldate`, for messages.
    var startName: String
    var answer: Int?
    var end: Int?
    var duration: Int
    var billsec: Int
    var disposition: Int
    var uniqueid: Int?
    var linkedid: Int?
    var did: Int?
    var dateForm: AsteriskDateForm
    /// `dcontext`: an IVR context tells a system answer (nil: the layout has none).
    var dcontext: Int? = nil

    /// The cdr_csv `Master.csv` layouts (cdr_csv.c): 16 base fields, then uniqueid (17),
    /// userfield (18), and peeraccount, linkedid, sequence (21).
    static func cdrCSV(fieldCount: Int) -> AsteriskColumns? {
        switch fieldCount {
        case 16: cdrCSV16
        case 17: cdrCSV17
        case 18: cdrCSV18
        case 21: cdrCSV21
        default: nil
        }
    }

    /// `accountcode, src, dst, dcontext, clid, channel, dstchannel, lastapp, lastdata, start,
    /// answer, end, duration, billsec, disposition, amaflags`.
    private static let cdrCSV16 = AsteriskColumns(
        fieldCount: 16, clid: 4, src: 1, dst: 2, channel: 5, dstchannel: 6, lastapp: 7, lastdata: 8,
        start: 9, startName: "start", answer: 10, end: 11, duration: 12, billsec: 13, disposition: 14,
        uniqueid: nil, linkedid: nil, did: nil, dateForm: .iso, dcontext: 3)
    private static let cdrCSV17: AsteriskColumns = { var c = cdrCSV16; c.fieldCount = 17; c.uniqueid = 16; return c }()
    private static let cdrCSV18: AsteriskColumns = { var c = cdrCSV17; c.fieldCount = 18; return c }()
    private static let cdrCSV21: AsteriskColumns = { var c = cdrCSV18; c.fieldCount = 21; c.linkedid = 19; return c }()

    /// cdr_custom's default template (`cdr_custom.conf.sample`): `clid, src, dst, dcontext,
    /// channel, dstchannel, lastapp, lastdata, start, answer, end, duration, billsec,
    /// disposition, amaflags, accountcode, uniqueid, userfield, sequence`.
    static let custom = AsteriskColumns(
        fieldCount: 19, clid: 0, src: 1, dst: 2, channel: 4, dstchannel: 5, lastapp: 6, lastdata: 7,
        start: 8, startName: "start", answer: 9, end: 10, duration: 11, billsec: 12, disposition: 13,
        uniqueid: 16, linkedid: nil, did: nil, dateForm: .iso, dcontext: 3)

    /// The FreePBX `cdr` table exported without a header, 25 fields: `calldate` (d/m/yyyy),
    /// clid, src, dst, dcontext, channel, dstchannel, lastapp, lastdata, duration, billsec,
    /// disposition, amaflags, accountcode, uniqueid, userfield, recordingfile, did, cnum, cnam,
    /// outbound_cnum, outbound_cnam, dst_cnam, then a constant `0` and an empty field. There is
    /// no answer or end column and no linkedid.
    static let freePBXWithoutHeader = AsteriskColumns(
        fieldCount: 25, clid: 1, src: 2, dst: 3, channel: 5, dstchannel: 6, lastapp: 7, lastdata: 8,
        start: 0, startName: "calldate", answer: nil, end: nil, duration: 9, billsec: 10, disposition: 11,
        uniqueid: 14, linkedid: nil, did: 17, dateForm: .dayMonthYear, dcontext: 4)

    /// The layout a header row (or a CREATE TABLE) names, matched case-insensitively; nil with
    /// the missing column when `calldate`/`start`, `duration`, `billsec` or `disposition` is absent.
    static func named(_ names: [String]) -> Result<AsteriskColumns, MissingColumn> {
        var index: [String: Int] = [:]
        for (i, name) in names.enumerated() {
            let key = name.trimmingSpacesAndQuotes().lowercased()
            if index[key] == nil { index[key] = i }
        }
        let startName = index["calldate"] != nil ? "calldate" : "start"
        guard let start = index[startName] else { return .failure(MissingColumn(name: "calldate or start")) }
        guard let duration = index["duration"] else { return .failure(MissingColumn(name: "duration")) }
        guard let billsec = index["billsec"] else { return .failure(MissingColumn(name: "billsec")) }
        guard let disposition = index["disposition"] else { return .failure(MissingColumn(name: "disposition")) }
        return .success(AsteriskColumns(
            fieldCount: names.count, clid: index["clid"], src: index["src"], dst: index["dst"],
            channel: index["channel"], dstchannel: index["dstchannel"], lastapp: index["lastapp"],
            lastdata: index["lastdata"], start: start, startName: startName,
            answer: index["answer"],
            end: index["end"], duration: duration, billsec: billsec, disposition: disposition,
            uniqueid: index["uniqueid"], linkedid: index["linkedid"], did: index["did"], dateForm: .iso,
            dcontext: index["dcontext"]))
    }

    /// Whether header names look like an Asterisk `cdr` table: a start, disposition, duration and
    /// billsec, and a uniqueid or channel (a report summary without them is another format).
    static func looksLikeCDRHeader(_ names: [String]) -> Bool {
        let set = Set(names.map { $0.trimmingSpacesAndQuotes().lowercased() })
        return (set.contains("calldate") || set.contains("start")) && set.contains("disposition")
            && set.contains("duration") && set.contains("billsec")
            && (set.contains("uniqueid") || set.contains("channel"))
    }

    struct MissingColumn: Error { var name: String }
}

extension String {
    func trimmingSpacesAndQuotes() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\"" || f == "`" || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\"" || l == "`" || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
