import CDRImport
import CallMetrics
import CallModel
import Foundation

/// A `--costs` file (README "Visit attribution"): CSV with a header `date, source, medium,
/// campaign, cost` (`amount`, `spend` accepted for `cost`), one row per day and spend line; an
/// empty `source`, `medium` or `campaign` means every value. Dates are `YYYY-MM-DD` in the site
/// zone. Every problem is a ``ConfigurationError`` naming file and line.
public enum CostsFile {
    public static func load(_ path: String, zone: TimeZone) throws(ConfigurationError) -> [CostEntry] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(.unreadable, file: path, "cannot read the costs file")
        }
        return try parse([UInt8](data), file: path, zone: zone)
    }

    public static func parse(_ bytes: [UInt8], file: String, zone: TimeZone) throws(ConfigurationError) -> [CostEntry] {
        let result = bytes.withUnsafeBytes { buffer in
            Swift.Result { () throws(ConfigurationError) in try parse(buffer, file: file, zone: zone) }
        }
        return try result.get()
    }

    private static func parse(_ buffer: UnsafeRawBufferPointer, file: String, zone: TimeZone) throws(ConfigurationError) -> [CostEntry] {
        var scanner = CSVScanner(bytes: buffer)
        var record = CSVRecord()
        guard scanner.next(into: &record) else { throw ConfigurationError(.invalid, file: file, "empty costs file.") }
        let header = record.fields.map { buffer.string($0).lowercased() }
        func column(_ names: String...) -> Int? { header.firstIndex { names.contains($0) } }
        guard let dateColumn = column("date", "day"), let costColumn = column("cost", "amount", "spend") else {
            throw ConfigurationError(.invalid, file: file, line: record.line,
                                     "the header needs 'date' and 'cost' columns (it has: \(header.joined(separator: ", "))).")
        }
        let sourceColumn = column("source", "utm_source"), mediumColumn = column("medium", "utm_medium")
        let campaignColumn = column("campaign", "utm_campaign")
        var entries: [CostEntry] = []
        while scanner.next(into: &record) {
            let f = record.fields.map { buffer.string($0) }
            if f.count == 1, f[0].isEmpty { continue }
            guard f.count == header.count else {
                throw ConfigurationError(.invalid, file: file, line: record.line, "\(f.count) fields, the header has \(header.count).")
            }
            guard f[dateColumn].utf8.count == 10, let day = LocalDateTime.instant(f[dateColumn], in: zone) else {
                throw ConfigurationError(.invalid, file: file, line: record.line, "date '\(f[dateColumn])' is not YYYY-MM-DD.")
            }
            func text(_ column: Int?) -> String? { column.flatMap { f[$0].isEmpty ? nil : f[$0] } }
            let amount = try CampaignFile.amount(f[costColumn], field: "cost", campaign: text(campaignColumn) ?? "(all)", file: file, line: record.line) ?? 0
            entries.append(CostEntry(day: day, source: text(sourceColumn), medium: text(mediumColumn), campaign: text(campaignColumn), amount: amount))
        }
        return entries
    }
}
