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
    /// Read through the YAML node tree, so numbers keep the text as written (`+44...`,
    /// `0123`) whether quoted or not, and `~`/`null` mean "not given".
    static func yaml(_ text: String, path: String) throws -> [Campaign] {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch { throw ValidationError("\(path): not valid YAML: \(error)") }
        let list = root?.mapping?["campaigns"] ?? root
        guard let entries = list?.sequence else { throw ValidationError("\(path): expected a list of campaigns under 'campaigns:'.") }
        let known: Set<String> = ["name", "numbers", "number", "channel", "source", "cost", "revenue_per_qualified", "revenue"]
        var names: Set<String> = []
        return try entries.enumerated().map { index, entry in
            guard let fields = entry.mapping else { throw ValidationError("\(path): campaign \(index + 1) is not a mapping of name, numbers, ...") }
            for key in fields.keys.compactMap({ $0.scalar?.string }) where !known.contains(key) {
                throw ValidationError("\(path): campaign \(index + 1): unknown key '\(key)' (known: \(known.sorted().joined(separator: ", "))).")
            }
            func text(_ key: String) -> String? { fields[key].flatMap(scalarText) }
            guard let name = text("name") else { throw ValidationError("\(path): campaign \(index + 1) has no name.") }
            guard names.insert(name).inserted else { throw ValidationError("\(path): campaign '\(name)' is defined twice.") }
            let numberNode = fields["numbers"] ?? fields["number"]
            let numbers: [String]
            if let sequence = numberNode?.sequence {
                numbers = try sequence.map { node in
                    guard let number = scalarText(node) else { throw ValidationError("\(path): campaign '\(name)': a number is empty or not text.") }
                    return number
                }
            } else if let one = numberNode.flatMap(scalarText) {
                numbers = [one]
            } else {
                numbers = []
            }
            guard !numbers.isEmpty else { throw ValidationError("\(path): campaign '\(name)' has no numbers.") }
            return Campaign(
                name: name, numbers: numbers, channel: text("channel") ?? text("source"),
                cost: try amount(text("cost"), "cost", name, path),
                revenuePerQualified: try amount(text("revenue_per_qualified") ?? text("revenue"), "revenue_per_qualified", name, path)
            )
        }
    }

    /// A scalar's text as written; nil for a YAML null (`~`, `null`, empty) or a non-scalar.
    static func scalarText(_ node: Node) -> String? {
        guard let scalar = node.scalar else { return nil }
        if scalar.style == .plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) { return nil }
        let text = scalar.string.trimmingCharacters(in: .whitespaces)
        return text.isEmpty ? nil : text
    }

    /// A money amount: a plain decimal number, finite and not negative.
    static func amount(_ text: String?, _ field: String, _ campaign: String, _ path: String) throws -> Double? {
        guard let text else { return nil }
        guard text.allSatisfy({ $0.isNumber || $0 == "." || $0 == "e" || $0 == "E" || $0 == "+" }),
              let value = Double(text), value.isFinite, value >= 0 else {
            throw ValidationError("\(path): campaign '\(campaign)': \(field) '\(text)' is not an amount (a decimal number of 0 or more).")
        }
        return value
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
                let hint = header.count == 1 && header[0].contains(";") ? " Fields must be separated by commas." : ""
                throw ValidationError("\(path): the header needs 'number' and 'campaign' columns (it has: \(header.joined(separator: ", "))).\(hint)")
            }
            var seenNumbers: [String: String] = [:]
            let channelColumn = column("channel", "source")
            let costColumn = column("cost")
            let revenueColumn = column("revenue_per_qualified", "revenue")
            while scanner.next(into: &record) {
                let f = record.fields.map { buffer.string($0) }
                guard f.count == header.count else { throw ValidationError("\(path):\(record.line): \(f.count) fields, the header has \(header.count).") }
                let name = f[nameColumn], number = f[numberColumn]
                guard !name.isEmpty, !number.isEmpty else { throw ValidationError("\(path):\(record.line): empty number or campaign.") }
                if record.unterminatedQuote { throw ValidationError("\(path):\(record.line): a quote is opened and never closed.") }
                func value(_ column: Int?) throws -> Double? {
                    guard let column, !f[column].isEmpty else { return nil }
                    return try amount(f[column], header[column], name, "\(path):\(record.line)")
                }
                let index = indexByName[name] ?? {
                    campaigns.append(Campaign(name: name, numbers: []))
                    indexByName[name] = campaigns.count - 1
                    return campaigns.count - 1
                }()
                if let other = seenNumbers[number], other != name {
                    throw ValidationError("\(path):\(record.line): number \(number) is already in campaign '\(other)'.")
                }
                seenNumbers[number] = name
                campaigns[index].numbers.append(number)
                if campaigns[index].channel == nil, let c = channelColumn, !f[c].isEmpty { campaigns[index].channel = f[c] }
                if campaigns[index].cost == nil { campaigns[index].cost = try value(costColumn) }
                if campaigns[index].revenuePerQualified == nil { campaigns[index].revenuePerQualified = try value(revenueColumn) }
            }
        }
        return campaigns
    }
}
