import CallMetrics
import Yams

/// The `pools:` list of a campaigns file or of the site profile (README "Visit attribution"):
/// ```yaml
/// pools:
///   - name: website
///     numbers: ["+442079460200", "+442079460201"]
///     ttl: 30m
/// ```
/// `ttl` is seconds, or a number with `s`, `m` or `h` (default 30m). Pool numbers are exact.
enum PoolYAML {
    static let knownKeys: Set<String> = ["name", "numbers", "ttl"]

    static func pools(_ list: Node?, file: String) throws(ConfigurationError) -> [NumberPool] {
        guard let entries = list?.sequence else {
            throw ConfigurationError(.invalid, file: file, line: CampaignYAML.line(list), "expected a list of pools under 'pools:'.")
        }
        var pools: [NumberPool] = []
        for (index, entry) in entries.enumerated() {
            guard let fields = entry.mapping else {
                throw ConfigurationError(.invalid, file: file, line: CampaignYAML.line(entry), "pool \(index + 1) is not a mapping of name, numbers, ttl.")
            }
            for key in fields.keys {
                guard let name = key.scalar?.string, !knownKeys.contains(name) else { continue }
                throw ConfigurationError(.invalid, file: file, line: CampaignYAML.line(key),
                                         "pool \(index + 1): unknown key '\(name)' (known: \(knownKeys.sorted().joined(separator: ", "))).")
            }
            guard let name = fields["name"].flatMap(CampaignYAML.scalarText) else {
                throw ConfigurationError(.invalid, file: file, line: CampaignYAML.line(entry), "pool \(index + 1) has no name.")
            }
            guard !pools.contains(where: { $0.name == name }) else {
                throw ConfigurationError(.invalid, file: file, line: CampaignYAML.line(entry), "pool '\(name)' is defined twice.")
            }
            var numbers: [String] = []
            for node in fields["numbers"]?.sequence ?? [] {
                guard let number = CampaignYAML.scalarText(node), number.contains(where: \.isNumber), !number.hasSuffix("*") else {
                    throw ConfigurationError(.invalid, file: file, line: CampaignYAML.line(node), "pool '\(name)': a number is empty, a prefix or not a number.")
                }
                numbers.append(number)
            }
            guard !numbers.isEmpty else {
                throw ConfigurationError(.invalid, file: file, line: CampaignYAML.line(fields["numbers"] ?? entry), "pool '\(name)' has no numbers (a list).")
            }
            var ttl = NumberPool.defaultTTL
            if let text = fields["ttl"].flatMap(CampaignYAML.scalarText) {
                guard let seconds = duration(text) else {
                    throw ConfigurationError(.invalid, file: file, line: CampaignYAML.line(fields["ttl"]), "pool '\(name)': ttl '\(text)' is not a duration (90s, 30m, 1h).")
                }
                ttl = .seconds(seconds)
            }
            pools.append(NumberPool(name: name, numbers: numbers, ttl: ttl))
        }
        return pools
    }

    /// `90`, `90s`, `30m`, `1.5h` in whole seconds, from 1 second to 30 days.
    static func duration(_ text: String) -> Int64? {
        var number = Substring(text)
        var scale = 1.0
        switch text.last {
        case "s": number = number.dropLast()
        case "m": number = number.dropLast(); scale = 60
        case "h": number = number.dropLast(); scale = 3600
        default: break
        }
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              let value = Double(number), value.isFinite else { return nil }
        let seconds = (value * scale).rounded()
        guard seconds >= 1, seconds <= 30 * 86_400 else { return nil }
        return Int64(seconds)
    }
}
