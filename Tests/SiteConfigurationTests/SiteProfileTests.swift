import CallMetrics
import Foundation
import SiteConfiguration
import Testing

/// The site profile (README "Site profile"): every key read to its value and line, relative
/// paths taken from the profile's directory, and every unknown key, wrong type and bad value
/// named with its line.
@Suite struct SiteProfileTests {
    static let full = """
        site: Example support line
        timezone: Europe/London
        own_numbers: ["+442079460100", "+44207946*"]
        extension_pattern: "_2XX"
        agent_pattern: _20X
        caller_from: [rpid, from]
        dialed_from: to
        database: data/callscope.sqlite
        thresholds:
          service_level_s: 30
          short_abandon_s: 8
          qualified_s: 90.5
          blocked_target_percent: 2
        windows:
          repeat_days: 7
          callback_hours: 4
        campaigns: campaigns.csv
        agent_states:
          acw_reasons: [ACW, Wrap]
          wrapup_s: 15
        events:
          rules: rules/rules.yaml
          shifts: /etc/callscope/shifts.csv
        """

    @Test func everyKeyReadsToItsValueAndLine() throws {
        let profile = try SiteProfile.parse(Self.full, file: "/srv/site/callscope.yaml")
        #expect(profile.site == .init("Example support line", line: 1))
        #expect(profile.timeZone == .init("Europe/London", line: 2))
        #expect(profile.ownNumbers == .init(["+442079460100", "+44207946*"], line: 3))
        #expect(profile.extensionPattern == .init("_2XX", line: 4))
        #expect(profile.agentPattern == .init("_20X", line: 5))
        #expect(profile.callerFrom == .init(["rpid", "from"], line: 6))
        #expect(profile.dialedFrom == .init(["to"], line: 7))
        #expect(profile.database == .init("/srv/site/data/callscope.sqlite", line: 8))
        #expect(profile.serviceLevelSeconds == .init(30, line: 10))
        #expect(profile.shortAbandonSeconds == .init(8, line: 11))
        #expect(profile.qualifiedSeconds == .init(90.5, line: 12))
        #expect(profile.blockedTargetPercent == .init(2, line: 13))
        #expect(profile.repeatWindowDays == .init(7, line: 15))
        #expect(profile.callbackWindowHours == .init(4, line: 16))
        #expect(profile.campaigns == .init(.file("/srv/site/campaigns.csv"), line: 17))
        #expect(profile.acwReasons == .init(["ACW", "Wrap"], line: 19))
        #expect(profile.wrapUpSeconds == .init(15, line: 20))
        #expect(profile.rules == .init("/srv/site/rules/rules.yaml", line: 22))
        #expect(profile.shifts == .init("/etc/callscope/shifts.csv", line: 23))
    }

    @Test func dashboardTokenIsRead() throws {
        let profile = try SiteProfile.parse("database: a.sqlite\ndashboard_token: 0123456789abcdef\n", file: "callscope.yaml")
        #expect(profile.dashboardToken == .init("0123456789abcdef", line: 2))
    }

    @Test func relativePathsFollowTheProfilesDirectory() throws {
        let text = "database: a.sqlite\ncampaigns: ../c.yaml\nevents:\n  rules: r.yaml\n"
        let nested = try SiteProfile.parse(text, file: "sites/london/callscope.yaml")
        #expect(nested.database?.value == "sites/london/a.sqlite")
        #expect(nested.campaigns?.value == .file("sites/c.yaml"))
        #expect(nested.rules?.value == "sites/london/r.yaml")
        let here = try SiteProfile.parse(text, file: "callscope.yaml")
        #expect(here.database?.value == "a.sqlite")
        #expect(here.rules?.value == "r.yaml")
        let up = try SiteProfile.parse("database: ../../data/a.sqlite\n", file: "/srv/sites/london/callscope.yaml")
        #expect(up.database?.value == "/srv/data/a.sqlite")
        let above = try SiteProfile.parse("database: ../../a.sqlite\n", file: "london/callscope.yaml")
        #expect(above.database?.value == "../a.sqlite")
    }

    @Test func inlineCampaignsHaveTheCampaignsFileShape() throws {
        let text = """
            timezone: UTC
            campaigns:
              - name: Spring radio
                numbers: ["+442079460100", "+4420794601*"]
                channel: radio
                cost: 1200
                revenue_per_qualified: 80
              - name: Web
                number: "+442079460200"
            """
        let profile = try SiteProfile.parse(text, file: "p.yaml")
        #expect(profile.campaigns?.line == 3)
        #expect(try profile.loadCampaigns() == [
            Campaign(name: "Spring radio", numbers: ["+442079460100", "+4420794601*"], channel: "radio", cost: 1200, revenuePerQualified: 80),
            Campaign(name: "Web", numbers: ["+442079460200"]),
        ])
        // A campaign error inside the profile names the profile's line.
        let bad = text.replacingOccurrences(of: "cost: 1200", with: "cost: lots")
        #expect(throws: ConfigurationError(.invalid, file: "p.yaml", line: 6, "campaign 'Spring radio': cost 'lots' is not an amount (a decimal number of 0 or more).")) {
            try SiteProfile.parse(bad, file: "p.yaml")
        }
    }

    @Test func anEmptyProfileSetsNothing() throws {
        for text in ["", "# only a comment\n", "~\n"] {
            let profile = try SiteProfile.parse(text, file: "p.yaml")
            #expect(profile == SiteProfile(file: "p.yaml"), "\(text)")
        }
    }

    @Test(arguments: [
        ("site: a\ntimezon: UTC\n", 2, "unknown key 'timezon' (known: site, timezone, own_numbers, extension_pattern, agent_pattern, caller_from, dialed_from, database, thresholds, windows, campaigns, pools, agent_states, events, dashboard_token)."),
        ("thresholds:\n  service_level_s: 20\n  sl: 10\n", 3, "unknown key 'sl' in 'thresholds' (known: service_level_s, short_abandon_s, qualified_s, blocked_target_percent)."),
        ("events:\n  rule: r.yaml\n", 2, "unknown key 'rule' in 'events' (known: rules, shifts)."),
        ("site: a\nsite: b\n", 1, "not valid YAML: the mapping starting on this line gives 'site' twice"),
        ("thresholds:\n  qualified_s: 60\n  qualified_s: 90\n", 2, "not valid YAML: the mapping starting on this line gives 'qualified_s' twice"),
        ("timezone: BST\n", 1, "timezone: Time zone 'BST' is an abbreviation, which is ambiguous: it may mean Europe/London (British Summer Time), Asia/Dhaka (Bangladesh Standard Time); give an IANA name such as Europe/London, UTC, or an offset such as +03:00."),
        ("timezone: Mars/Olympus\n", 1, "timezone: Unknown time zone 'Mars/Olympus': give an IANA name such as Europe/London, UTC, or an offset such as +03:00."),
        ("site: a\nthresholds:\n  service_level_s: twenty\n", 3, "thresholds.service_level_s 'twenty' is not a number from 0 to 86400."),
        ("windows:\n  repeat_days: -1\n", 2, "windows.repeat_days '-1' is not a number from 0 to 3650."),
        ("thresholds:\n  blocked_target_percent: 101\n", 2, "thresholds.blocked_target_percent '101' is not a number from 0 to 100."),
        ("caller_from: [pai, sip]\n", 1, "caller_from: 'sip' is not one of pai, rpid, from."),
        ("dialed_from: [to, to]\n", 1, "dialed_from: 'to' is given twice."),
        ("own_numbers: {main: '+44'}\n", 1, "own_numbers must be a list, not a mapping."),
        ("timezone: [UTC]\n", 1, "timezone must be one value, not a list or mapping."),
        ("thresholds: 20\n", 1, "'thresholds' must be a mapping of keys (service_level_s, short_abandon_s, qualified_s, blocked_target_percent)."),
        ("- a\n- b\n", 1, "the profile must be a mapping of keys (site, timezone, own_numbers, extension_pattern, agent_pattern, caller_from, dialed_from, database, thresholds, windows, campaigns, pools, agent_states, events, dashboard_token)."),
        ("site: a\nown_numbers: [\"+44\",\n", 3, "not valid YAML: while parsing a flow node: did not find expected node content"),
    ])
    func everyProblemNamesItsLine(_ text: String, _ line: Int, _ message: String) {
        #expect(throws: ConfigurationError(.invalid, file: "site.yaml", line: line, message)) {
            try SiteProfile.parse(text, file: "site.yaml")
        }
    }

    @Test func theProfileIsFoundByOptionThenEnvironmentThenWorkingDirectory() {
        let exists: (String) -> Bool = { $0 == SiteProfile.defaultName }
        #expect(SiteProfile.locate(option: "a.yaml", environment: ["CALLSCOPE_CONFIG": "b.yaml"], fileExists: exists) == .init(path: "a.yaml", how: .option))
        #expect(SiteProfile.locate(option: nil, environment: ["CALLSCOPE_CONFIG": "b.yaml"], fileExists: exists) == .init(path: "b.yaml", how: .environment))
        #expect(SiteProfile.locate(option: nil, environment: ["CALLSCOPE_CONFIG": ""], fileExists: exists) == .init(path: "callscope.yaml", how: .workingDirectory))
        #expect(SiteProfile.locate(option: nil, environment: [:], fileExists: { _ in false }) == nil)
    }

    @Test func aSettingComesFromTheOptionThenTheProfileThenTheEnvironmentThenTheDefault() throws {
        let profile = try SiteProfile.parse("database: site.sqlite\nthresholds:\n  service_level_s: 30\n", file: "p.yaml")
        let option = Setting<String>.resolve(option: "o.sqlite", name: "--db", environment: ("CALLSCOPE_DB", "e.sqlite"), profile: profile, \.database, default: "d")
        #expect(option.value == "o.sqlite" && option.source == .option("--db"))
        let fromProfile = Setting<String>.resolve(option: nil, name: "--db", environment: ("CALLSCOPE_DB", "e.sqlite"), profile: profile, \.database, default: "d")
        #expect(fromProfile.value == "site.sqlite" && fromProfile.source == .profile(file: "p.yaml", line: 1))
        #expect(fromProfile.source.description == "p.yaml:1")
        let environment = Setting<String>.resolve(option: nil, name: "--db", environment: ("CALLSCOPE_DB", "e.sqlite"), profile: nil, \.database, default: "d")
        #expect(environment.value == "e.sqlite" && environment.source.description == "environment $CALLSCOPE_DB")
        let builtIn = Setting<Double>.resolve(option: nil, name: "--short-abandon", profile: profile, \.shortAbandonSeconds, default: 5)
        #expect(builtIn.value == 5 && builtIn.source.description == "default")
        let threshold = Setting<Double>.resolve(option: nil, name: "--sl-threshold", profile: profile, \.serviceLevelSeconds, default: 20)
        #expect(threshold.value == 30 && threshold.source.description == "p.yaml:3")
    }

    @Test func devNullIsAnEmptyProfile() throws {
        #expect(try SiteProfile.load("/dev/null") == SiteProfile(file: "/dev/null"))
    }

    @Test func anUnreadableProfileSaysSo() {
        #expect(throws: ConfigurationError(.unreadable, file: "/nonexistent/callscope.yaml", "cannot read the site profile")) {
            try SiteProfile.load("/nonexistent/callscope.yaml")
        }
    }
}
