import CDRImport
import CallMetrics
import Foundation

/// The site profile (`callscope.yaml`, README "Site profile"): what describes one site once,
/// instead of on every command: its time zone, own numbers, extension and agent patterns,
/// where caller and dialled numbers come from, KPI thresholds, history windows, campaigns,
/// the database, after-call-work settings and the control rules and shifts of `events`.
///
/// Why a value of its own: every value keeps the line it was written on, so `config check`
/// can say where each effective setting came from, and a command-line option can replace it
/// without the command knowing a profile exists. Paths are resolved against the profile's
/// directory, so a profile works from any working directory.
///
/// The thresholds are the site's global ones: the metrics take one service-level threshold
/// for every queue (``MetricsOptions``), so the profile has no per-queue thresholds.
public struct SiteProfile: Sendable, Hashable {
    /// A value as written in the profile, with its 1-based line.
    public struct Entry<Value: Sendable & Hashable>: Sendable, Hashable {
        public var value: Value
        public var line: Int?

        public init(_ value: Value, line: Int?) {
            self.value = value; self.line = line
        }
    }

    /// `campaigns:` holds the list itself, or the path of a campaigns file (YAML or CSV).
    public enum Campaigns: Sendable, Hashable {
        case inline([Campaign])
        /// The path, resolved against the profile's directory.
        case file(String)

        /// The campaigns, read from the file when it names one.
        public func load() throws(ConfigurationError) -> [Campaign] {
            switch self {
            case .inline(let list): list
            case .file(let path): try CampaignFile.load(path)
            }
        }

        /// The pools of the campaigns file it names (inline campaigns have none: the profile's `pools:` holds them).
        public func loadPools() throws(ConfigurationError) -> [NumberPool] {
            switch self {
            case .inline: []
            case .file(let path): try CampaignFile.loadPools(path)
            }
        }
    }

    /// The profile file as found (`--config`, `$CALLSCOPE_CONFIG` or `./callscope.yaml`).
    public var file: String
    /// `site:` the site's name, shown by `config check`.
    public var site: Entry<String>?
    /// `timezone:` an IANA name or an offset (``TimeZoneName``), as written.
    public var timeZone: Entry<String>?
    /// `own_numbers:` the site's public numbers; a trailing `*` matches a prefix.
    public var ownNumbers: Entry<[String]>?
    /// `extension_pattern:` which numbers are internal extensions (Asterisk-style pattern).
    public var extensionPattern: Entry<String>?
    /// `agent_pattern:` which numbers are agents in talk analysis.
    public var agentPattern: Entry<String>?
    /// `caller_from:` `pai`, `rpid`, `from` in order of preference.
    public var callerFrom: Entry<[String]>?
    /// `dialed_from:` `ruri`, `to` in order of preference.
    public var dialedFrom: Entry<[String]>?
    /// `database:` the callscope database, resolved against the profile's directory.
    public var database: Entry<String>?
    /// `dashboard_token:` the token `serve` requires of every client (README "Dashboard"), when
    /// neither `--token` nor `CALLSCOPE_TOKEN` gives one. The profile then holds a secret: keep it readable by its owner only.
    public var dashboardToken: Entry<String>?
    /// `thresholds: service_level_s:` answered within this many seconds.
    public var serviceLevelSeconds: Entry<Double>?
    /// `thresholds: short_abandon_s:` abandons shorter than this are short abandons.
    public var shortAbandonSeconds: Entry<Double>?
    /// `thresholds: qualified_s:` a qualified call has at least this many seconds of talk.
    public var qualifiedSeconds: Entry<Double>?
    /// `thresholds: blocked_target_percent:` the blocked-call rate target.
    public var blockedTargetPercent: Entry<Double>?
    /// `windows: repeat_days:` the repeat-caller window.
    public var repeatWindowDays: Entry<Double>?
    /// `windows: callback_hours:` the callback window of lost calls.
    public var callbackWindowHours: Entry<Double>?
    /// `campaigns:` inline or a file.
    public var campaigns: Entry<Campaigns>?
    /// `pools:` the number pools of visit attribution, inline.
    public var pools: Entry<[NumberPool]>?
    /// `agent_states: acw_reasons:` pause reasons that are after-call work.
    public var acwReasons: Entry<[String]>?
    /// `agent_states: wrapup_s:` the queue's wrap-up time.
    public var wrapUpSeconds: Entry<Double>?
    /// `events: rules:` the control rules file of `events`, resolved against the profile's directory.
    public var rules: Entry<String>?
    /// `events: shifts:` the shifts file of `events`, resolved against the profile's directory.
    public var shifts: Entry<String>?

    public init(file: String) {
        self.file = file
    }

    /// Where the profile is, in order: `--config FILE`, `$CALLSCOPE_CONFIG`, `./callscope.yaml`
    /// (when it exists); nil when there is none. The first two must exist (``load(_:)`` says so).
    public static func locate(option: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                              fileExists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }) -> Location? {
        if let option, !option.isEmpty { return Location(path: option, how: .option) }
        if let path = environment[environmentVariable], !path.isEmpty { return Location(path: path, how: .environment) }
        return fileExists(defaultName) ? Location(path: defaultName, how: .workingDirectory) : nil
    }

    /// The profile's name in the working directory.
    public static let defaultName = "callscope.yaml"
    /// The environment variable naming a profile.
    public static let environmentVariable = "CALLSCOPE_CONFIG"

    /// Where a profile was found, and how.
    public struct Location: Sendable, Hashable, CustomStringConvertible {
        public enum How: Sendable, Hashable { case option, environment, workingDirectory }
        public var path: String
        public var how: How

        public init(path: String, how: How) {
            self.path = path; self.how = how
        }

        /// `callscope.yaml (working directory)`, `p.yaml (--config)`, `p.yaml ($CALLSCOPE_CONFIG)`.
        public var description: String {
            switch how {
            case .option: "\(path) (--config)"
            case .environment: "\(path) ($\(SiteProfile.environmentVariable))"
            case .workingDirectory: "\(path) (working directory)"
            }
        }
    }

    /// Reads and parses the profile at `path`: a file, or a device or pipe (`/dev/null` is an
    /// empty profile, `--config <(...)` a generated one).
    public static func load(_ path: String) throws(ConfigurationError) -> SiteProfile {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              let handle = FileHandle(forReadingAtPath: path), let data = try? handle.readToEnd() ?? Data() else {
            throw ConfigurationError(.unreadable, file: path, "cannot read the site profile")
        }
        try? handle.close()
        return try parse(String(decoding: data, as: UTF8.self), file: path)
    }

    /// `path` as written in the profile: absolute, or relative to the profile's directory
    /// (`dir/../x` shortened to `x`, so `config check` shows the path a person would type).
    public func resolve(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        let directory = (file as NSString).deletingLastPathComponent
        guard !directory.isEmpty else { return path }
        var parts: [Substring] = []
        for part in (directory + "/" + path).split(separator: "/", omittingEmptySubsequences: false) {
            if part == ".." && !parts.isEmpty && parts.last != ".." && parts.last != "" {
                parts.removeLast()
            } else if part != "." {
                parts.append(part)
            }
        }
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// The campaigns of `campaigns:`, loading the file it names; none when not given.
    public func loadCampaigns() throws(ConfigurationError) -> [Campaign] {
        try campaigns?.value.load() ?? []
    }
}
