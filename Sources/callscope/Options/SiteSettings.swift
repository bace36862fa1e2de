import CDRImport
import CallMetrics
import CallModel
import CallReconstruction
import CallStore
import Foundation
import SiteConfiguration

/// The effective site settings of one run (README "Site profile"): each command-line option
/// over the site profile over the built-in default, with where each value came from. The one
/// place where options and the profile meet: commands ask it, `config check` prints it.
struct SiteSettings {
    /// Where the profile was found, and what it says; nil when there is none.
    let location: SiteProfile.Location?
    let profile: SiteProfile?

    var timeZoneName: Setting<String?>
    var ownNumbers: Setting<[String]>
    var extensionPattern: Setting<String?>
    var agentPattern: Setting<String?>
    var callerFrom: Setting<[ReconstructionOptions.CallerSource]>
    var dialedFrom: Setting<[ReconstructionOptions.DialedSource]>
    /// The database reading commands read besides their inputs (nil: none).
    var database: Setting<String?>
    /// The database `import` and `db` write: as ``database``, else `$CALLSCOPE_DB`, else `./callscope.sqlite`.
    var storeDatabase: Setting<String>
    var serviceLevelSeconds: Setting<Double>
    var shortAbandonSeconds: Setting<Double>
    var qualifiedSeconds: Setting<Double>
    var blockedTargetPercent: Setting<Double>
    var repeatWindowDays: Setting<Double>
    var callbackWindowHours: Setting<Double>
    var campaigns: Setting<SiteProfile.Campaigns?>
    var acwReasons: Setting<[String]>
    var wrapUpSeconds: Setting<Double?>
    var rules: Setting<String?>
    var shifts: Setting<String?>
    /// `--visits`, `--pool`, `--costs`... of the command (README "Visit attribution"); nil when it takes none.
    var attributionOptions: AttributionOptions?

    /// Finds and reads the profile (`--config`, `$CALLSCOPE_CONFIG`, `./callscope.yaml`); a
    /// profile that cannot be read or is not valid is a ``CommandFailure`` naming file and line.
    static func loadProfile(option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> (SiteProfile.Location, SiteProfile)? {
        guard let location = SiteProfile.locate(option: option, environment: environment) else { return nil }
        do { return (location, try SiteProfile.load(location.path)) } catch { throw CommandFailure.configuration(error) }
    }

    /// The settings of a command from the option groups it takes (nil for those it does not).
    init(profile found: (SiteProfile.Location, SiteProfile)?, input: InputOptions? = nil, talk: TalkOptions? = nil,
         windows: HistoryWindowOptions? = nil, thresholds: KPIThresholdOptions? = nil, campaigns: CampaignOptions? = nil,
         agentStates: AgentStateOptionsGroup? = nil, attribution: AttributionOptions? = nil, rules: String? = nil, shifts: String? = nil, timezone: String? = nil, db: String? = nil,
         environment: [String: String] = ProcessInfo.processInfo.environment) {
        location = found?.0
        let profile = found?.1
        self.profile = profile
        timeZoneName = .resolve(option: input?.timezone ?? timezone, name: "--timezone", profile: profile, \.timeZone)
        let numbers = input?.ownNumbers.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
        ownNumbers = .resolve(option: numbers?.isEmpty == false ? numbers : nil, name: "--own-numbers", profile: profile, \.ownNumbers, default: [])
        extensionPattern = .resolve(option: input?.extensionPattern, name: "--extension-pattern", profile: profile, \.extensionPattern)
        agentPattern = .resolve(option: talk?.agentPattern, name: "--agent-pattern", profile: profile, \.agentPattern)
        let callers = Setting<[String]>.resolve(option: input.flatMap { $0.callerFrom.isEmpty ? nil : $0.callerFrom.map(\.rawValue) },
                                                name: "--caller-from", profile: profile, \.callerFrom, default: ["pai", "rpid", "from"])
        callerFrom = callers.map { $0.compactMap(ReconstructionOptions.CallerSource.init(rawValue:)) }
        let dialled = Setting<[String]>.resolve(option: input.flatMap { $0.dialedFrom.isEmpty ? nil : $0.dialedFrom.map(\.rawValue) },
                                                name: "--dialed-from", profile: profile, \.dialedFrom, default: ["ruri", "to"])
        dialedFrom = dialled.map { $0.compactMap(ReconstructionOptions.DialedSource.init(rawValue:)) }
        database = .resolve(option: input?.db ?? db, name: "--db", profile: profile, \.database)
        let variable = environment["CALLSCOPE_DB"].flatMap { $0.isEmpty ? nil : $0 }
        storeDatabase = .resolve(option: input?.db ?? db, name: "--db", environment: ("CALLSCOPE_DB", variable),
                                 profile: profile, \.database, default: CallDatabase.defaultPath(environment: [:]))
        serviceLevelSeconds = .resolve(option: thresholds?.serviceLevelThreshold, name: "--sl-threshold", profile: profile, \.serviceLevelSeconds, default: 20)
        shortAbandonSeconds = .resolve(option: thresholds?.shortAbandon, name: "--short-abandon", profile: profile, \.shortAbandonSeconds, default: 5)
        qualifiedSeconds = .resolve(option: thresholds?.qualifiedSeconds, name: "--qualified-s", profile: profile, \.qualifiedSeconds, default: 60)
        blockedTargetPercent = .resolve(option: thresholds?.blockedTarget, name: "--blocked-target", profile: profile, \.blockedTargetPercent, default: 5)
        repeatWindowDays = .resolve(option: windows?.repeatWindow, name: "--repeat-window", profile: profile, \.repeatWindowDays, default: 30)
        callbackWindowHours = .resolve(option: windows?.callbackWindow, name: "--callback-window", profile: profile, \.callbackWindowHours, default: 24)
        self.campaigns = .resolve(option: campaigns?.campaigns.map(SiteProfile.Campaigns.file), name: "--campaigns", profile: profile, \.campaigns)
        let reasons = agentStates?.acwReasons.map { $0.split(separator: ",").map(String.init).filter { !$0.allSatisfy { $0 == " " } } }
        acwReasons = .resolve(option: reasons, name: "--acw-reasons", profile: profile, \.acwReasons, default: AgentStateOptions.defaultACWReasons)
        wrapUpSeconds = .resolve(option: agentStates?.wrapUpSeconds, name: "--wrapup-s", profile: profile, \.wrapUpSeconds)
        self.rules = .resolve(option: rules, name: "--rules", profile: profile, \.rules)
        self.shifts = .resolve(option: shifts, name: "--shifts", profile: profile, \.shifts)
        attributionOptions = attribution ?? input?.attribution
    }

    /// The site's time zone: the setting's, else the machine's.
    var timeZone: TimeZone { timeZoneName.value.flatMap(LocalTimeConverter.zone(named:)) ?? .current }

    /// Which calls are inbound, outbound or internal, and who the agent is.
    var directionRules: DirectionRules {
        DirectionRules(ownNumbers: ownNumbers.value, extensionPattern: extensionPattern.value, agentPattern: agentPattern.value)
    }

    /// The campaigns, read from their file when the setting names one; a file that cannot be
    /// read or used is a ``CommandFailure`` naming file and line.
    func loadCampaigns() throws -> [Campaign] {
        do throws(ConfigurationError) { return try campaigns.value?.load() ?? [] } catch { throw CommandFailure.configuration(error) }
    }

    /// The after-call-work settings of agent states.
    var agentStateOptions: AgentStateOptions {
        AgentStateOptions(acwReasons: acwReasons.value, wrapUp: wrapUpSeconds.value.map { .milliseconds(Int64(($0 * 1000).rounded())) })
    }
}
