import CallMetrics
import Foundation
import Yams

/// The rules file of `callscope events --rules FILE` (README "callscope events"):
/// ```yaml
/// rules:
///   - name: Dropped call
///     when: agent_ended_within
///     seconds: 10
///     severity: critical
///     queues: [support]
/// ```
/// Unknown kinds, unknown keys and bad values are ``ConfigurationError``s naming the line,
/// in the style of the campaigns file (``CampaignYAML``). A top-level list without `rules:`
/// is read the same way.
public enum ControlRulesFile {
    static let commonKeys: Set<String> = ["name", "when", "severity", "queues", "agents"]
    /// Each kind's own keys.
    static let parameters: [String: Set<String>] = [
        "agent_ended_within": ["seconds"], "wait_longer_than": ["seconds"],
        "pause_longer_than": ["minutes", "reason"], "pauses_per_day": ["count", "reason"],
        "rona_per_day": ["count"], "lost_not_returned": ["minutes"],
        "late_login": ["minutes"], "early_logoff": ["minutes"], "absent": [], "poor_audio": ["mos_below"],
        "agent_share_above": ["share"], "overtalk_above": ["seconds"],
        "kpi": ["metric", "above", "below", "window", "by", "min_calls"],
    ]

    /// Reads and parses the rules file at `path`.
    public static func load(_ path: String) throws(ConfigurationError) -> [ControlRule] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(.unreadable, file: path, "cannot read the rules file")
        }
        return try parse(String(decoding: data, as: UTF8.self), file: path)
    }

    /// Parses the text of a rules file; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(ConfigurationError) -> [ControlRule] {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw ConfigurationError(.invalid, file: file, line: CampaignYAML.line(of: error), "not valid YAML: \(CampaignYAML.reason(error))")
        }
        let list = root?.mapping?["rules"] ?? root
        guard let entries = list?.sequence else {
            throw ConfigurationError(.invalid, file: file, line: line(list), "expected a list of rules under 'rules:'.")
        }
        var names: Set<String> = []
        var rules: [ControlRule] = []
        for (index, entry) in entries.enumerated() {
            rules.append(try rule(entry, position: index + 1, file: file))
            guard names.insert(rules[rules.count - 1].name).inserted else {
                throw ConfigurationError(.invalid, file: file, line: line(entry.mapping?["name"] ?? entry),
                                         "rule '\(rules[rules.count - 1].name)' is defined twice.")
            }
        }
        return rules
    }

    static func rule(_ entry: Node, position: Int, file: String) throws(ConfigurationError) -> ControlRule {
        guard let fields = entry.mapping else {
            throw ConfigurationError(.invalid, file: file, line: line(entry), "rule \(position) is not a mapping of name, when, ...")
        }
        func text(_ key: String) -> String? { fields[key].flatMap(CampaignYAML.scalarText) }
        guard let name = text("name") else {
            throw ConfigurationError(.invalid, file: file, line: line(entry), "rule \(position) has no name.")
        }
        guard let when = text("when") else {
            throw ConfigurationError(.invalid, file: file, line: line(entry), "rule '\(name)' has no 'when' (the rule kind).")
        }
        let whenLine = line(fields["when"])
        guard let own = parameters[when] else {
            throw ConfigurationError(.invalid, file: file, line: whenLine,
                                     "rule '\(name)': unknown kind '\(when)' (known: \(parameters.keys.sorted().joined(separator: ", "))).")
        }
        for key in fields.keys {
            guard let key = key.scalar?.string, !commonKeys.contains(key), !own.contains(key) else { continue }
            let known = (commonKeys.union(own)).sorted().joined(separator: ", ")
            throw ConfigurationError(.invalid, file: file, line: line(fields.keys.first { $0.scalar?.string == key }),
                                     "rule '\(name)': unknown key '\(key)' for \(when) (known: \(known)).")
        }
        let context = Context(fields: fields, entry: entry, name: name, when: when, file: file)
        func number(_ key: String, integer: Bool = false, range: ClosedRange<Double>) throws(ConfigurationError) -> Double {
            try Self.number(key, integer: integer, range: range, context)
        }
        let kind: ControlRule.Kind
        switch when {
        case "agent_ended_within": kind = .agentEndedWithin(seconds: try number("seconds", range: 0...86_400))
        case "wait_longer_than": kind = .waitLongerThan(seconds: try number("seconds", range: 0...86_400))
        case "pause_longer_than": kind = .pauseLongerThan(minutes: try number("minutes", range: 0...1_440), reason: text("reason"))
        case "pauses_per_day": kind = .pausesPerDay(count: Int(try number("count", integer: true, range: 0...100_000)), reason: text("reason"))
        case "rona_per_day": kind = .ronaPerDay(count: Int(try number("count", integer: true, range: 0...100_000)))
        case "lost_not_returned": kind = .lostNotReturned(minutes: try number("minutes", range: 0...525_600))
        case "late_login": kind = .lateLogin(minutes: try number("minutes", range: 0...1_440))
        case "early_logoff": kind = .earlyLogoff(minutes: try number("minutes", range: 0...1_440))
        case "poor_audio": kind = .poorAudio(mosBelow: try number("mos_below", range: 1...5))
        case "agent_share_above": kind = .agentShareAbove(share: try number("share", range: 0...1))
        case "overtalk_above": kind = .overtalkAbove(seconds: try number("seconds", range: 0...86_400))
        case "kpi": kind = .kpi(try kpi(context))
        default: kind = .absent
        }
        var severity = ControlRule.Severity.warning
        if let value = text("severity") {
            guard let known = ControlRule.Severity(rawValue: value) else {
                throw ConfigurationError(.invalid, file: file, line: line(fields["severity"]),
                                         "rule '\(name)': severity '\(value)' is not info, warning or critical.")
            }
            severity = known
        }
        let queues = try list(fields["queues"], key: "queues", rule: name, file: file)
        if !queues.isEmpty, !kind.isAboutCalls {
            throw ConfigurationError(.invalid, file: file, line: line(fields["queues"]),
                                     "rule '\(name)': queues apply to call rules only, not to \(when) (agent states carry no queue).")
        }
        return ControlRule(name: name, kind: kind, severity: severity, queues: queues,
                           agents: try list(fields["agents"], key: "agents", rule: name, file: file))
    }

    /// Where a value is read, for its errors.
    struct Context {
        let fields: Node.Mapping
        let entry: Node
        let name: String
        let when: String
        let file: String
    }

    /// A parameter: a plain decimal (or whole) number in `range`, required.
    static func number(_ key: String, integer: Bool, range: ClosedRange<Double>, _ c: Context) throws(ConfigurationError) -> Double {
        guard let value = c.fields[key].flatMap(CampaignYAML.scalarText) else {
            throw ConfigurationError(.invalid, file: c.file, line: line(c.entry), "rule '\(c.name)': \(c.when) needs '\(key)'.")
        }
        let plain = value.allSatisfy { $0.isASCII && ($0.isNumber || (!integer && $0 == ".")) }
        guard plain, let number = Double(value), range.contains(number) else {
            let want = integer ? "a whole number" : "a decimal number"
            throw ConfigurationError(.invalid, file: c.file, line: line(c.fields[key]),
                                     "rule '\(c.name)': \(key) '\(value)' is not \(want) from \(Int(range.lowerBound)) to \(Int(range.upperBound)).")
        }
        return number
    }

    /// The `kpi` rule's keys: `metric` (a `report` KPI key), exactly one of `above`/`below`,
    /// `window` (`90s`, `30m`, `1h`, at most 7 days), `by` (none, queue, agent, campaign),
    /// `min_calls` (default 1).
    static func kpi(_ c: Context) throws(ConfigurationError) -> KPIWindowRule {
        func fail(_ key: String, _ message: String) -> ConfigurationError {
            ConfigurationError(.invalid, file: c.file, line: line(c.fields[key] ?? c.entry), "rule '\(c.name)': \(message)")
        }
        func text(_ key: String) -> String? { c.fields[key].flatMap(CampaignYAML.scalarText) }
        guard let metric = text("metric") else { throw fail("metric", "kpi needs 'metric' (a KPI key of report).") }
        guard KPIWindowRule.metrics[metric] != nil else {
            throw fail("metric", "metric '\(metric)' is not a KPI key (known: \(KPIWindowRule.metrics.keys.sorted().joined(separator: ", "))).")
        }
        let above = text("above") != nil ? try number("above", integer: false, range: 0...1e9, c) : nil
        let below = text("below") != nil ? try number("below", integer: false, range: 0...1e9, c) : nil
        guard (above == nil) != (below == nil) else { throw fail("metric", "kpi needs exactly one of 'above' and 'below'.") }
        guard let windowText = text("window") else { throw fail("window", "kpi needs 'window' (such as 30m or 1h).") }
        let unit: Int64? = switch windowText.last { case "s": 1; case "m": 60; case "h": 3600; default: nil }
        let digits = windowText.dropLast()
        guard let unit, !digits.isEmpty, digits.count <= 6, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let amount = Int64(digits), amount > 0, amount * unit <= 7 * 86_400 else {
            throw fail("window", "window '\(windowText)' is not a duration such as 90s, 30m or 1h (at most 7 days).")
        }
        var by = KPIWindowRule.Grouping.none
        if let byText = text("by") {
            guard let known = KPIWindowRule.Grouping(rawValue: byText) else {
                throw fail("by", "by '\(byText)' is not none, queue, agent or campaign.")
            }
            by = known
        }
        let minCalls = text("min_calls") != nil ? Int(try number("min_calls", integer: true, range: 1...1_000_000, c)) : 1
        return KPIWindowRule(metric: metric, above: above, below: below, windowSeconds: amount * unit, by: by, minCalls: minCalls)
    }

    /// A list of names, or one name; nil or empty gives [].
    static func list(_ node: Node?, key: String, rule: String, file: String) throws(ConfigurationError) -> [String] {
        guard let node else { return [] }
        if let one = CampaignYAML.scalarText(node) { return [one] }
        guard let sequence = node.sequence else {
            if node.scalar != nil { return [] }
            throw ConfigurationError(.invalid, file: file, line: line(node), "rule '\(rule)': \(key) is not a list of names.")
        }
        var names: [String] = []
        for item in sequence {
            guard let name = CampaignYAML.scalarText(item) else {
                throw ConfigurationError(.invalid, file: file, line: line(item), "rule '\(rule)': an item of \(key) is empty or not text.")
            }
            names.append(name)
        }
        return names
    }

    static func line(_ node: Node?) -> Int? { CampaignYAML.line(node) }
}
