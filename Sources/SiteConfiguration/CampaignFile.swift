import CDRImport
import CallMetrics
import Foundation
import Yams

/// The campaigns file (`--campaigns FILE`): which tracking numbers belong to which campaign,
/// with its channel, cost and revenue per qualified call (README "Campaigns").
///
/// YAML when the name ends in `.yaml`/`.yml`, else CSV with a header. Every problem is a
/// ``ConfigurationError`` naming the file and, where one is to blame, the line.
public enum CampaignFile {
    /// How the file is written.
    public enum Syntax: Sendable, Hashable, CaseIterable {
        case yaml, csv

        /// YAML for names ending in `.yaml` or `.yml` (any case), else CSV.
        public init(path: String) {
            let lower = path.lowercased()
            self = lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") ? .yaml : .csv
        }
    }

    /// Reads and parses the file at `path`.
    public static func load(_ path: String) throws(ConfigurationError) -> [Campaign] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(.unreadable, file: path, "cannot read the campaigns file")
        }
        return try parse([UInt8](data), syntax: Syntax(path: path), file: path)
    }

    /// The number pools of the file at `path` (`pools:` of a YAML file; a CSV file has none).
    public static func loadPools(_ path: String) throws(ConfigurationError) -> [NumberPool] {
        guard Syntax(path: path) == .yaml else { return [] }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(.unreadable, file: path, "cannot read the campaigns file")
        }
        return try CampaignYAML.pools(String(decoding: data, as: UTF8.self), file: path)
    }

    /// Parses the bytes of a campaigns file; `file` names it in errors.
    public static func parse(_ bytes: [UInt8], syntax: Syntax, file: String) throws(ConfigurationError) -> [Campaign] {
        switch syntax {
        case .yaml: try CampaignYAML.parse(String(decoding: bytes, as: UTF8.self), file: file)
        case .csv: try CampaignCSV.parse(bytes, file: file)
        }
    }

    /// A money amount: a plain decimal number, finite and not negative (no hex, no `nan`/`inf`).
    static func amount(_ text: String?, field: String, campaign: String, file: String, line: Int?) throws(ConfigurationError) -> Double? {
        guard let text else { return nil }
        guard text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "e" || $0 == "E" || $0 == "+") }),
              let value = Double(text), value.isFinite, value >= 0 else {
            throw ConfigurationError(.invalid, file: file, line: line,
                                     "campaign '\(campaign)': \(field) '\(text)' is not an amount (a decimal number of 0 or more).")
        }
        return value
    }
}
