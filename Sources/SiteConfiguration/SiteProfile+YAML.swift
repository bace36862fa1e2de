import CDRImport
import Yams

/// Reading the profile's YAML (README "Site profile"), through the same node tree and helpers
/// as the campaigns and rules files (``CampaignYAML``): every unknown key, wrong type and bad
/// value is a ``ConfigurationError`` naming the line.
extension SiteProfile {
    /// The top-level keys, and the keys of each section.
    static let topKeys: [String] = ["site", "timezone", "own_numbers", "extension_pattern", "agent_pattern",
                                    "caller_from", "dialed_from", "database", "thresholds", "windows",
                                    "campaigns", "pools", "agent_states", "events", "dashboard_token"]
    static let sectionKeys: [String: [String]] = [
        "thresholds": ["service_level_s", "short_abandon_s", "qualified_s", "blocked_target_percent"],
        "windows": ["repeat_days", "callback_hours"],
        "agent_states": ["acw_reasons", "wrapup_s"],
        "events": ["rules", "shifts"],
    ]
    static let callerSources = ["pai", "rpid", "from"]
    static let dialedSources = ["ruri", "to"]

    /// Parses the text of a profile; `file` names it in errors and is the base of relative paths.
    /// An empty file is a profile that sets nothing.
    public static func parse(_ text: String, file: String) throws(ConfigurationError) -> SiteProfile {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw ConfigurationError(.invalid, file: file, line: CampaignYAML.line(of: error), "not valid YAML: \(CampaignYAML.reason(error))")
        }
        var profile = SiteProfile(file: file)
        guard let root, !(root.scalar.map { CampaignYAML.scalarText(root) == nil && $0.style == .plain } ?? false) else { return profile }
        let reader = Reader(file: file)
        let top = try reader.mapping(root, section: nil, known: topKeys)
        profile.site = try reader.text(top["site"], "site")
        if let zone = try reader.text(top["timezone"], "timezone") {
            if case .failure(let error) = TimeZoneName.parse(zone.value) {
                throw ConfigurationError(.invalid, file: file, line: zone.line, "timezone: \(error.description)")
            }
            profile.timeZone = zone
        }
        profile.ownNumbers = try reader.list(top["own_numbers"], "own_numbers")
        profile.extensionPattern = try reader.text(top["extension_pattern"], "extension_pattern")
        profile.agentPattern = try reader.text(top["agent_pattern"], "agent_pattern")
        profile.callerFrom = try reader.list(top["caller_from"], "caller_from", allowed: callerSources)
        profile.dialedFrom = try reader.list(top["dialed_from"], "dialed_from", allowed: dialedSources)
        profile.database = try reader.text(top["database"], "database").map { Entry(profile.resolve($0.value), line: $0.line) }
        profile.dashboardToken = try reader.text(top["dashboard_token"], "dashboard_token")
        if let node = top["thresholds"] {
            let section = try reader.mapping(node, section: "thresholds", known: sectionKeys["thresholds"] ?? [])
            profile.serviceLevelSeconds = try reader.number(section["service_level_s"], "thresholds.service_level_s", maximum: 86_400)
            profile.shortAbandonSeconds = try reader.number(section["short_abandon_s"], "thresholds.short_abandon_s", maximum: 86_400)
            profile.qualifiedSeconds = try reader.number(section["qualified_s"], "thresholds.qualified_s", maximum: 86_400)
            profile.blockedTargetPercent = try reader.number(section["blocked_target_percent"], "thresholds.blocked_target_percent", maximum: 100)
        }
        if let node = top["windows"] {
            let section = try reader.mapping(node, section: "windows", known: sectionKeys["windows"] ?? [])
            profile.repeatWindowDays = try reader.number(section["repeat_days"], "windows.repeat_days", maximum: 3650)
            profile.callbackWindowHours = try reader.number(section["callback_hours"], "windows.callback_hours", maximum: 87_600)
        }
        if let node = top["campaigns"] {
            if node.sequence != nil {
                profile.campaigns = Entry(.inline(try CampaignYAML.campaigns(node, file: file)), line: CampaignYAML.line(node))
            } else if let path = try reader.text(node, "campaigns") {
                profile.campaigns = Entry(.file(profile.resolve(path.value)), line: path.line)
            }
        }
        if let node = top["pools"] {
            profile.pools = Entry(try PoolYAML.pools(node, file: file), line: CampaignYAML.line(node))
        }
        if let node = top["agent_states"] {
            let section = try reader.mapping(node, section: "agent_states", known: sectionKeys["agent_states"] ?? [])
            profile.acwReasons = try reader.list(section["acw_reasons"], "agent_states.acw_reasons")
            profile.wrapUpSeconds = try reader.number(section["wrapup_s"], "agent_states.wrapup_s", maximum: 86_400)
        }
        if let node = top["events"] {
            let section = try reader.mapping(node, section: "events", known: sectionKeys["events"] ?? [])
            profile.rules = try reader.text(section["rules"], "events.rules").map { Entry(profile.resolve($0.value), line: $0.line) }
            profile.shifts = try reader.text(section["shifts"], "events.shifts").map { Entry(profile.resolve($0.value), line: $0.line) }
        }
        return profile
    }

    /// The typed reads of one profile file, each failing with the line of the node to blame.
    struct Reader {
        let file: String

        func fail(_ node: Node?, _ message: String) -> ConfigurationError {
            ConfigurationError(.invalid, file: file, line: CampaignYAML.line(node), message)
        }

        /// A mapping whose keys are all in `known` (a key given twice is refused by the YAML reader).
        func mapping(_ node: Node, section: String?, known: [String]) throws(ConfigurationError) -> [String: Node] {
            let place = section.map { "'\($0)'" } ?? "the profile"
            guard let mapping = node.mapping else {
                throw fail(node, "\(place) must be a mapping of keys (\(known.joined(separator: ", "))).")
            }
            var fields: [String: Node] = [:]
            for (key, value) in mapping {
                guard let name = key.scalar?.string, known.contains(name) else {
                    let shown = key.scalar?.string ?? "(not text)"
                    let within = section.map { " in '\($0)'" } ?? ""
                    throw fail(key, "unknown key '\(shown)'\(within) (known: \(known.joined(separator: ", "))).")
                }
                fields[name] = value
            }
            return fields
        }

        /// One text value; nil when absent or null.
        func text(_ node: Node?, _ key: String) throws(ConfigurationError) -> Entry<String>? {
            guard let node else { return nil }
            guard node.scalar != nil else { throw fail(node, "\(key) must be one value, not a list or mapping.") }
            return CampaignYAML.scalarText(node).map { Entry($0, line: CampaignYAML.line(node)) }
        }

        /// A list of text values (one value is a list of one); with `allowed`, each must be one of them, once.
        func list(_ node: Node?, _ key: String, allowed: [String]? = nil) throws(ConfigurationError) -> Entry<[String]>? {
            guard let node else { return nil }
            var items: [String] = []
            if let sequence = node.sequence {
                for item in sequence {
                    guard let value = CampaignYAML.scalarText(item) else { throw fail(item, "an item of \(key) is empty or not text.") }
                    items.append(value)
                }
            } else if node.scalar != nil {
                guard let one = CampaignYAML.scalarText(node) else { return nil }
                items = [one]
            } else {
                throw fail(node, "\(key) must be a list, not a mapping.")
            }
            if let allowed {
                for (index, item) in items.enumerated() {
                    let at = node.sequence.flatMap { index < $0.count ? $0[index] : nil } ?? node
                    guard allowed.contains(item) else {
                        throw fail(at, "\(key): '\(item)' is not one of \(allowed.joined(separator: ", ")).")
                    }
                    guard !items[..<index].contains(item) else { throw fail(at, "\(key): '\(item)' is given twice.") }
                }
            }
            return items.isEmpty ? nil : Entry(items, line: CampaignYAML.line(node))
        }

        /// A plain decimal number from 0 to `maximum`.
        func number(_ node: Node?, _ key: String, maximum: Double) throws(ConfigurationError) -> Entry<Double>? {
            guard let entry = try text(node, key) else { return nil }
            let plain = !entry.value.isEmpty && entry.value.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard plain, let value = Double(entry.value), value.isFinite, value <= maximum else {
                throw fail(node, "\(key) '\(entry.value)' is not a number from 0 to \(Int(maximum)).")
            }
            return Entry(value, line: entry.line)
        }
    }
}
