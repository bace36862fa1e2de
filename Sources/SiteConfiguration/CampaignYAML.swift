import CallMetrics
import Yams

/// The YAML form of the campaigns file (README "Campaigns"):
/// ```yaml
/// campaigns:
///   - name: Spring radio
///     numbers: ["+442079460100", "+4420794601*"]
///     channel: radio
///     cost: 1200
///     revenue_per_qualified: 80
/// ```
/// Read through the YAML node tree (YAML 1.1 via libyaml), so numbers keep the text as
/// written (`+44...`, `0123`) whether quoted or not, and `~`/`null` mean "not given". A
/// top-level list without the `campaigns:` key is read the same way.
enum CampaignYAML {
    static let knownKeys: Set<String> = ["name", "numbers", "number", "channel", "source", "cost", "revenue_per_qualified", "revenue"]

    static func parse(_ text: String, file: String) throws(ConfigurationError) -> [Campaign] {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw ConfigurationError(.invalid, file: file, line: Self.line(of: error), "not valid YAML: \(Self.reason(error))")
        }
        if let mapping = root?.mapping, mapping["campaigns"] == nil, mapping["pools"] != nil { return [] }
        return try campaigns(root?.mapping?["campaigns"] ?? root, file: file)
    }

    /// The file's `pools:` (README "Visit attribution"); none when it has no such key.
    static func pools(_ text: String, file: String) throws(ConfigurationError) -> [NumberPool] {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw ConfigurationError(.invalid, file: file, line: Self.line(of: error), "not valid YAML: \(Self.reason(error))")
        }
        guard let node = root?.mapping?["pools"] else { return [] }
        return try PoolYAML.pools(node, file: file)
    }

    /// The campaigns of a YAML list node: the file's `campaigns:` list, or a site profile's
    /// inline `campaigns:` (``SiteProfile``), in the same shape.
    static func campaigns(_ list: Node?, file: String) throws(ConfigurationError) -> [Campaign] {
        guard let entries = list?.sequence else {
            throw ConfigurationError(.invalid, file: file, line: line(list), "expected a list of campaigns under 'campaigns:'.")
        }
        var names: Set<String> = []
        var campaigns: [Campaign] = []
        for (index, entry) in entries.enumerated() {
            guard let fields = entry.mapping else {
                throw ConfigurationError(.invalid, file: file, line: line(entry), "campaign \(index + 1) is not a mapping of name, numbers, ...")
            }
            for key in fields.keys {
                guard let name = key.scalar?.string, !knownKeys.contains(name) else { continue }
                throw ConfigurationError(.invalid, file: file, line: line(key),
                                         "campaign \(index + 1): unknown key '\(name)' (known: \(knownKeys.sorted().joined(separator: ", "))).")
            }
            func text(_ key: String) -> String? { fields[key].flatMap(scalarText) }
            guard let name = text("name") else {
                throw ConfigurationError(.invalid, file: file, line: line(entry), "campaign \(index + 1) has no name.")
            }
            guard names.insert(name).inserted else {
                throw ConfigurationError(.invalid, file: file, line: line(fields["name"] ?? entry), "campaign '\(name)' is defined twice.")
            }
            let numberNode = fields["numbers"] ?? fields["number"]
            var numbers: [String] = []
            if let sequence = numberNode?.sequence {
                for node in sequence {
                    guard let number = scalarText(node) else {
                        throw ConfigurationError(.invalid, file: file, line: line(node), "campaign '\(name)': a number is empty or not text.")
                    }
                    numbers.append(number)
                }
            } else if let one = numberNode.flatMap(scalarText) {
                numbers = [one]
            }
            guard !numbers.isEmpty else {
                throw ConfigurationError(.invalid, file: file, line: line(numberNode ?? entry), "campaign '\(name)' has no numbers.")
            }
            func amount(_ keys: [String], _ field: String) throws(ConfigurationError) -> Double? {
                guard let key = keys.first(where: { text($0) != nil }) else { return nil }
                return try CampaignFile.amount(text(key), field: field, campaign: name, file: file, line: line(fields[key]))
            }
            campaigns.append(Campaign(
                name: name, numbers: numbers, channel: text("channel") ?? text("source"),
                cost: try amount(["cost"], "cost"),
                revenuePerQualified: try amount(["revenue_per_qualified", "revenue"], "revenue_per_qualified")
            ))
        }
        return campaigns
    }

    /// A scalar's text as written; nil for a YAML null (`~`, `null`, empty) or a non-scalar.
    static func scalarText(_ node: Node) -> String? {
        guard let scalar = node.scalar else { return nil }
        if scalar.style == .plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) { return nil }
        let text = scalar.string.trimmingCharacters(in: .whitespaces)
        return text.isEmpty ? nil : text
    }

    /// The 1-based line a node starts on (libyaml marks are 1-based lines).
    static func line(_ node: Node?) -> Int? {
        node?.mark.map(\.line)
    }

    /// The line of a libyaml scanner or parser error.
    static func line(of error: Error) -> Int? {
        guard let error = error as? YamlError else { return nil }
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        case .duplicatedKeysInMapping(_, let context): return context.mark.line
        default: return nil
        }
    }

    /// The error's own words, without Yams' echo of the offending source line.
    static func reason(_ error: Error) -> String {
        guard let error = error as? YamlError else { return "\(error)" }
        switch error {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _), .composer(let context, let problem, _, _):
            return [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
        case .duplicatedKeysInMapping(let duplicates, _):
            return "the mapping starting on this line gives " + duplicates.map { "'\($0)'" }.joined(separator: ", ") + " twice"
        default: return "\(error)"
        }
    }
}
