import CDRImport
import CallMetrics

/// The CSV form of the campaigns file (README "Campaigns"): a header naming `number` and
/// `campaign` (and optionally `channel`, `cost`, `revenue_per_qualified`), one row per number
/// (RFC 4180 quoting, through the CDR readers' byte scanner). Rows of one campaign are merged:
/// cost, channel and revenue come from the first row that gives them. A number in two campaigns
/// is an error.
enum CampaignCSV {
    static func parse(_ bytes: [UInt8], file: String) throws(ConfigurationError) -> [Campaign] {
        // withUnsafeBytes rethrows untyped errors: the typed result is carried out of it.
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(ConfigurationError) in try parse(buffer, file: file) }
        }
        return try result.get()
    }

    private static func parse(_ buffer: UnsafeRawBufferPointer, file: String) throws(ConfigurationError) -> [Campaign] {
        var campaigns: [Campaign] = []
        var indexByName: [String: Int] = [:]
        var scanner = CSVScanner(bytes: buffer)
        var record = CSVRecord()
        guard scanner.next(into: &record) else { throw ConfigurationError(.invalid, file: file, "empty campaigns file.") }
        let header = record.fields.map { buffer.string($0).lowercased() }
        func column(_ names: String...) -> Int? { header.firstIndex { names.contains($0) } }
        guard let numberColumn = column("number", "numbers", "tracking_number", "dnis", "did"),
              let nameColumn = column("campaign", "name") else {
            let hint = header.count == 1 && header[0].contains(";") ? " Fields must be separated by commas." : ""
            throw ConfigurationError(.invalid, file: file, line: record.line,
                                     "the header needs 'number' and 'campaign' columns (it has: \(header.joined(separator: ", "))).\(hint)")
        }
        var seenNumbers: [String: String] = [:]
        let channelColumn = column("channel", "source")
        let costColumn = column("cost")
        let revenueColumn = column("revenue_per_qualified", "revenue")
        while scanner.next(into: &record) {
            let line = record.line
            let f = record.fields.map { buffer.string($0) }
            guard f.count == header.count else {
                throw ConfigurationError(.invalid, file: file, line: line, "\(f.count) fields, the header has \(header.count).")
            }
            let name = f[nameColumn], number = f[numberColumn]
            guard !name.isEmpty, !number.isEmpty else { throw ConfigurationError(.invalid, file: file, line: line, "empty number or campaign.") }
            if record.unterminatedQuote { throw ConfigurationError(.invalid, file: file, line: line, "a quote is opened and never closed.") }
            func value(_ column: Int?) throws(ConfigurationError) -> Double? {
                guard let column, !f[column].isEmpty else { return nil }
                return try CampaignFile.amount(f[column], field: header[column], campaign: name, file: file, line: line)
            }
            if let other = seenNumbers[number], other != name {
                throw ConfigurationError(.invalid, file: file, line: line, "number \(number) is already in campaign '\(other)'.")
            }
            seenNumbers[number] = name
            let index: Int
            if let known = indexByName[name] {
                index = known
            } else {
                campaigns.append(Campaign(name: name, numbers: []))
                index = campaigns.count - 1
                indexByName[name] = index
            }
            campaigns[index].numbers.append(number)
            if campaigns[index].channel == nil, let c = channelColumn, !f[c].isEmpty { campaigns[index].channel = f[c] }
            if campaigns[index].cost == nil { campaigns[index].cost = try value(costColumn) }
            if campaigns[index].revenuePerQualified == nil { campaigns[index].revenuePerQualified = try value(revenueColumn) }
        }
        return campaigns
    }
}
