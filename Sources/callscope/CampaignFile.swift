import ArgumentParser
import CDRImport
import CallMetrics
import Foundation
import Yams

/// Reads `--campaigns FILE`: which tracking numbers belong to which campaign (README
/// "Campaigns"). YAML when the name ends in `.yaml`/`.yml`, else CSV with a header.
enum CampaignFile {
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    static func load(_ path: String) throws -> [Campaign] {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("Cannot read campaigns file '\(path)'.") }
        let lower = path.lowercased()
        if lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") {
            return try yaml(String(decoding: data, as: UTF8.self), path: path)
        }
        return try csv([UInt8](data), path: path)
    }

    /// ```yaml
    /// campaigns:
    ///   - name: Spring radio
    ///     numbers: ["+442079460100", "+4420794601*"]
    ///     channel: radio
    ///     cost: 1200
    ///     revenue_per_qualified: 80
    /// ```
    static func yaml(_ text: String, path: String) throws -> [Campaign] {
        let root: Any?
        do { root = try Yams.load(yaml: text) } catch { throw ValidationError("\(path): not valid YAML: \(error)") }
        let list = (root as? [String: Any])?["campaigns"] ?? root
        guard let entries = list as? [Any] else { throw ValidationError("\(path): expected a list under 'campaigns:'.") }
        return try entries.enumerated().map { index, entry in
            guard let fields = entry as? [String: Any] else { throw ValidationError("\(path): campaign \(index + 1) is not a mapping of name, numbers, ...") }
            guard let name = fields["name"].map({ "\($0)" }), !name.isEmpty else { throw ValidationError("\(path): campaign \(index + 1) has no name.") }
            let numbers: [String]
            if let list = fields["numbers"] as? [Any] { numbers = list.map { "\($0)" } }
            else if let one = fields["numbers"] ?? fields["number"] { numbers = ["\(one)"] }
            else { throw ValidationError("\(path): campaign '\(name)' has no numbers.") }
            return Campaign(
                name: name, numbers: numbers, channel: fields["channel"].map { "\($0)" },
                cost: try number(fields["cost"], "cost", name, path),
                revenuePerQualified: try number(fields["revenue_per_qualified"], "revenue_per_qualified", name, path)
            )
        }
    }

    static func number(_ value: Any?, _ field: String, _ campaign: String, _ path: String) throws -> Double? {
        guard let value else { return nil }
        if let double = value as? Double { return double }
        if let int = value as? Int { return Double(int) }
        if let double = Double("\(value)") { return double }
        throw ValidationError("\(path): campaign '\(campaign)': \(field) '\(value)' is not a number.")
    }

    /// A CSV with a header naming `number`, `campaign` and optionally `channel`, `cost`,
    /// `revenue_per_qualified`; one row per number, rows of one campaign merged (cost, channel
    /// and revenue from the first row that gives them).
    static func csv(_ bytes: [UInt8], path: String) throws -> [Campaign] {
        var campaigns: [Campaign] = []
        var indexByName: [String: Int] = [:]
        try bytes.withUnsafeBytes { buffer in
            var scanner = CSVScanner(bytes: buffer)
            var record = CSVRecord()
            guard scanner.next(into: &record) else { throw ValidationError("\(path): empty campaigns file.") }
            let header = record.fields.map { buffer.string($0).lowercased() }
            func column(_ names: String...) -> Int? { header.firstIndex { names.contains($0) } }
            guard let numberColumn = column("number", "numbers", "tracking_number", "dnis", "did"),
                  let nameColumn = column("campaign", "name") else {
                throw ValidationError("\(path): the header needs 'number' and 'campaign' columns (it has: \(header.joined(separator: ", "))).")
            }
            let channelColumn = column("channel", "source")
            let costColumn = column("cost")
            let revenueColumn = column("revenue_per_qualified", "revenue")
            while scanner.next(into: &record) {
                let f = record.fields.map { buffer.string($0) }
                guard f.count == header.count else { throw ValidationError("\(path):\(record.line): \(f.count) fields, the header has \(header.count).") }
                let name = f[nameColumn], number = f[numberColumn]
                guard !name.isEmpty, !number.isEmpty else { throw ValidationError("\(path):\(record.line): empty number or campaign.") }
                func value(_ column: Int?) throws -> Double? {
                    guard let column, !f[column].isEmpty else { return nil }
                    guard let v = Double(f[column]) else { throw ValidationError("\(path):\(record.line): '\(f[column])' is not a number.") }
                    return v
                }
                let index = indexByName[name] ?? {
                    campaigns.append(Campaign(name: name, numbers: []))
                    indexByName[name] = campaigns.count - 1
                    return campaigns.count - 1
                }()
                campaigns[index].numbers.append(number)
                if campaigns[index].channel == nil, let c = channelColumn, !f[c].isEmpty { campaigns[index].channel = f[c] }
                if campaigns[index].cost == nil { campaigns[index].cost = try value(costColumn) }
                if campaigns[index].revenuePerQualified == nil { campaigns[index].revenuePerQualified = try value(revenueColumn) }
            }
        }
        return campaigns
    }
}
