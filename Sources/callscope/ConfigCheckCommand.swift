import ArgumentParser
import CallMetrics
import Foundation
import Reports
import SiteConfiguration

/// `callscope config check`: validates the site profile and the files it names, and prints the
/// setting each command will use and where it came from (option, profile line, environment,
/// default).
struct ConfigCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the site profile and print what each command will use, and where each value came from.",
        discussion: """
            A profile that is not valid, or names a campaigns, rules or shifts file that is not, \
            is exit status 65 with file:line.
            """)

    @Option(help: ArgumentHelp("The site profile. Default: $CALLSCOPE_CONFIG, else ./callscope.yaml when it exists.", valueName: "file"))
    var config: String?

    /// The commands that read or write calls, for the `used by` column.
    static let reading = "calls talk report heatmap lost events"
    static let all = reading + " import"

    func run() throws {
        let found = try SiteSettings.loadProfile(option: config)
        let site = SiteSettings(profile: found)
        var out = "profile   \(found.map { TerminalText.escaped($0.0.description) } ?? "none (no --config, no $\(SiteProfile.environmentVariable), no ./\(SiteProfile.defaultName))")\n"
        if let name = site.profile?.site { out += "site      \(TerminalText.escaped(name.value))\n" }
        out += "\n"
        let campaigns = try checked(site.campaigns.source) { try site.loadCampaigns() }
        let rules = try site.rules.value.map { path in try checked(site.rules.source) { try ControlRulesFile.load(path) } }
        let shifts = try site.shifts.value.map { path in try checked(site.shifts.source) { try ShiftsFile.load(path) } }

        func seconds(_ value: Double) -> String { value.formatted(.number.grouping(.never)) }
        var rows: [(String, String, SettingSource, String)] = [
            ("timezone", site.timeZoneName.value ?? "machine's (\(TimeZone.current.identifier))", site.timeZoneName.source, Self.all + " db"),
            ("own_numbers", site.ownNumbers.value.isEmpty ? "(none: calls between outside numbers have no direction)" : site.ownNumbers.value.joined(separator: " "),
             site.ownNumbers.source, Self.all),
            ("extension_pattern", site.extensionPattern.value ?? "(2 to 5 digits)", site.extensionPattern.source, Self.all),
            ("agent_pattern", site.agentPattern.value ?? "(callee of inbound, caller of outbound)", site.agentPattern.source, "talk, calls --talk, events"),
            ("caller_from", site.callerFrom.value.map(\.rawValue).joined(separator: " "), site.callerFrom.source, Self.all),
            ("dialed_from", site.dialedFrom.value.map(\.rawValue).joined(separator: " "), site.dialedFrom.source, Self.all),
            ("database", site.database.value.map { path in path + (FileManager.default.fileExists(atPath: path) ? "" : " (not created yet)") } ?? "(none: the inputs only)",
             site.database.source, Self.reading),
            ("database", site.storeDatabase.value, site.storeDatabase.source, "import db"),
            ("thresholds.service_level_s", seconds(site.serviceLevelSeconds.value), site.serviceLevelSeconds.source, "report events"),
            ("thresholds.short_abandon_s", seconds(site.shortAbandonSeconds.value), site.shortAbandonSeconds.source, "report events"),
            ("thresholds.qualified_s", seconds(site.qualifiedSeconds.value), site.qualifiedSeconds.source, "report events"),
            ("thresholds.blocked_target_percent", seconds(site.blockedTargetPercent.value), site.blockedTargetPercent.source, "report"),
            ("windows.repeat_days", seconds(site.repeatWindowDays.value), site.repeatWindowDays.source, "report lost events"),
            ("windows.callback_hours", seconds(site.callbackWindowHours.value), site.callbackWindowHours.source, "report lost events"),
            ("campaigns", Self.describe(campaigns, site.campaigns.value), site.campaigns.source, "report events"),
            ("agent_states.acw_reasons", site.acwReasons.value.joined(separator: ","), site.acwReasons.source, "report --view agents, events"),
            ("agent_states.wrapup_s", site.wrapUpSeconds.value.map(seconds) ?? "(none)", site.wrapUpSeconds.source, "report --view agents, events"),
        ]
        if let pools = site.profile?.pools, let at = rows.firstIndex(where: { $0.0 == "campaigns" }) {
            // Shown only when the profile has pools (README "Visit attribution").
            let text = pools.value.map { "\($0.name) (\($0.numbers.count) numbers, ttl \(Int($0.ttl.components.seconds)) s)" }.joined(separator: ", ")
            rows.insert(("pools", text, .profile(file: site.profile?.file ?? "", line: pools.line), Self.reading), at: at + 1)
        }
        rows.append(("events.rules", site.rules.value.map { "\($0) (\(rules?.count ?? 0) rules)" } ?? "(none: give --rules)", site.rules.source, "events"))
        rows.append(("events.shifts", site.shifts.value.map { "\($0) (\(shifts?.count ?? 0) shifts)" } ?? "(none)", site.shifts.source, "events"))

        let header = ("setting", "value", "from", "used by")
        let table = [(header.0, header.1, header.2, header.3)] + rows.map { ($0.0, TerminalText.escaped($0.1), TerminalText.escaped($0.2.description), $0.3) }
        let widths = (table.map(\.0.count).max() ?? 0, min(table.map(\.1.count).max() ?? 0, 60), table.map(\.2.count).max() ?? 0)
        func pad(_ text: String, _ width: Int) -> String { text.count >= width ? text : text + String(repeating: " ", count: width - text.count) }
        for (index, row) in table.enumerated() {
            out += "\(pad(row.0, widths.0))  \(pad(row.1, widths.1))  \(pad(row.2, widths.2))  \(row.3)\n"
            if index == 0 { out += "\(String(repeating: "-", count: widths.0))  \(String(repeating: "-", count: widths.1))  \(String(repeating: "-", count: widths.2))  -------\n" }
        }
        out += "\nAn option given on a command line overrides these (README \"Site profile\"); the profile is valid.\n"
        if found == nil { out = out.replacingOccurrences(of: "; the profile is valid.", with: ".") }
        Output.write(out)
    }

    /// Loads a file the profile names; a file that cannot be read is an error of the profile's
    /// line (exit status 65), not of a missing input.
    func checked<T>(_ source: SettingSource, _ load: () throws -> T) throws -> T {
        do { return try load() } catch let error as ConfigurationError {
            throw Self.failure(error.kind == .unreadable, error.description, source) ?? CommandFailure.configuration(error)
        } catch let failure as CommandFailure {
            throw Self.failure(failure.kind == .input, failure.description, source) ?? failure
        }
    }

    /// An unreadable file named by the profile, as an error of the profile's line.
    static func failure(_ unreadable: Bool, _ message: String, _ source: SettingSource) -> CommandFailure? {
        guard unreadable, case .profile(let file, let line) = source else { return nil }
        return CommandFailure(.configuration, ConfigurationError(.invalid, file: file, line: line, message).description)
    }

    static func describe(_ campaigns: [Campaign], _ setting: SiteProfile.Campaigns?) -> String {
        let names = campaigns.map(\.name).joined(separator: ", ")
        switch setting {
        case .inline: return "\(campaigns.count) inline: \(names)"
        case .file(let path): return "\(path): \(campaigns.count) (\(names))"
        case nil: return "(none)"
        }
    }
}
