import Foundation
import Testing
import TestSupport

/// The site profile from the command line (README "Site profile"): found in the working
/// directory, by `$CALLSCOPE_CONFIG` or `--config`; options override it; `config check` says
/// where each value came from; `config init` writes one that checks.
///
/// The captures: failures-udp.pcap (5 unanswered calls) and cancel-udp.pcap (1 abandoned call),
/// from outside-looking numbers to outside-looking numbers, so every call's direction is
/// unknown until the dialled numbers are the site's own (as in DirectionWarningTests).
@Suite struct SiteProfileCommandTests {
    static let captures = ["failures-udp.pcap", "cancel-udp.pcap"].map(TestPaths.capture)
    static let dialled = ["+4989123456", "+14155550123", "02079460099", "+61212345678", "999000", "+34911234567"]
    static let profile = """
        site: Capture audit
        timezone: Europe/London
        own_numbers: [\(dialled.map { "\"\($0)\"" }.joined(separator: ", "))]
        thresholds:
          service_level_s: 30
        """

    /// Runs the built binary in `directory` with `environment` added.
    func run(_ arguments: [String], in directory: TemporaryDirectory, environment: [String: String] = [:]) throws -> ProcessOutput {
        let assignments = environment.map { "\($0.key)=\($0.value)" }
        return try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/env"), ["-u", "CALLSCOPE_CONFIG", "-u", "CALLSCOPE_DB"] + assignments + [CLI.binary.path] + arguments,
                                     in: directory.url)
    }

    @Test func aProfileInTheWorkingDirectoryGivesTheOwnNumbers() throws {
        let bare = TemporaryDirectory()
        defer { bare.remove() }
        let without = try run(["lost", "-q"] + Self.captures, in: bare)
        #expect(without.status == 0, "\(without.stderr)")
        #expect(without.stdout.contains("0 lost calls, 0 not returned yet"))
        #expect(without.stdout.contains("direction unknown for 6 of 6 calls"))

        let site = TemporaryDirectory()
        defer { site.remove() }
        try site.write("callscope.yaml", Self.profile)
        let with = try run(["lost", "-q"] + Self.captures, in: site)
        #expect(with.status == 0, "\(with.stderr)")
        #expect(with.stdout.contains("6 lost calls, 6 not returned yet"), "\(with.stdout)")
        #expect(!with.stdout.contains("direction unknown"))
    }

    @Test func theConfigOptionOverridesTheEnvironmentAndTheWorkingDirectory() throws {
        let site = TemporaryDirectory()
        defer { site.remove() }
        try site.write("callscope.yaml", Self.profile)
        try site.write("other.yaml", "site: Other\nown_numbers: [\"+4989123456\", \"+14155550123\", \"02079460099\"]\n")
        try site.write("empty.yaml", "site: Empty\n")
        let option = try run(["lost", "-q", "--config", "other.yaml"] + Self.captures, in: site)
        #expect(option.stdout.contains("3 lost calls") && option.stdout.contains("direction unknown for 3 of 6 calls"), "\(option.stdout)")
        let environment = try run(["lost", "-q"] + Self.captures, in: site, environment: ["CALLSCOPE_CONFIG": site.file("empty.yaml")])
        #expect(environment.stdout.contains("0 lost calls") && environment.stdout.contains("direction unknown for 6 of 6 calls"), "\(environment.stdout)")
        let both = try run(["lost", "-q", "--config", "other.yaml"] + Self.captures, in: site, environment: ["CALLSCOPE_CONFIG": site.file("empty.yaml")])
        #expect(both.stdout.contains("3 lost calls"), "\(both.stdout)")
    }

    @Test func anOptionOverridesTheProfile() throws {
        let site = TemporaryDirectory()
        defer { site.remove() }
        try site.write("callscope.yaml", Self.profile)
        let result = try run(["lost", "-q"] + Self.captures + ["--own-numbers", "+4989123456", "+14155550123", "02079460099"], in: site)
        #expect(result.stdout.contains("3 lost calls") && result.stdout.contains("direction unknown for 3 of 6 calls"), "\(result.stdout)")
    }

    /// The profile's service-level threshold is the report's, unless --sl-threshold is given:
    /// the Asterisk sample's answered queue calls waited 23, 12, 6 and 4 s (cdr-samples/README.md).
    @Test func theProfilesThresholdsReachTheReportAndTheOptionWins() throws {
        let site = TemporaryDirectory()
        defer { site.remove() }
        try site.write("callscope.yaml", "timezone: Europe/London\nown_numbers: [\"+44207946*\"]\nthresholds:\n  service_level_s: 5\n")
        let inputs = ["asterisk-master.csv", "asterisk-queue_log"].map(TestPaths.cdrSample)
        func serviceLevel(_ extra: [String]) throws -> Double? {
            let result = try run(["report", "-f", "json", "-q"] + inputs + extra, in: site)
            #expect(result.status == 0, "\(result.stderr)")
            let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            let overall = object?["overall"] as? [String: Any]
            return (overall?["service_level"] as? NSNumber)?.doubleValue
        }
        let fromProfile = try #require(try serviceLevel([]))
        let fromOption = try #require(try serviceLevel(["--sl-threshold", "20"]))
        #expect(fromProfile < fromOption, "profile 5 s: \(fromProfile), option 20 s: \(fromOption)")
        let site20 = TemporaryDirectory()
        defer { site20.remove() }
        try site20.write("callscope.yaml", "timezone: Europe/London\nown_numbers: [\"+44207946*\"]\n")
        let byDefault = try run(["report", "-f", "json", "-q"] + inputs, in: site20)
        let object = try JSONSerialization.jsonObject(with: Data(byDefault.stdout.utf8)) as? [String: Any]
        #expect(((object?["overall"] as? [String: Any])?["service_level"] as? NSNumber)?.doubleValue == fromOption)
    }

    @Test func configCheckSaysWhereEachValueCameFrom() throws {
        let site = TemporaryDirectory()
        defer { site.remove() }
        try site.write("callscope.yaml", Self.profile)
        let result = try run(["config", "check"], in: site, environment: ["CALLSCOPE_DB": "/tmp/shared.sqlite"])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = result.stdout.split(separator: "\n").map(String.init)
        func row(_ name: String, _ usedBy: String? = nil) -> [String] {
            let line = rows.first { $0.hasPrefix(name + " ") && (usedBy == nil || $0.hasSuffix(usedBy ?? "")) } ?? ""
            return line.components(separatedBy: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        #expect(rows.first == "profile   callscope.yaml (working directory)")
        #expect(rows.dropFirst().first == "site      Capture audit")
        #expect(row("timezone") == ["timezone", "Europe/London", "callscope.yaml:2", "calls talk report heatmap lost events import db"])
        #expect(row("own_numbers") == ["own_numbers", Self.dialled.joined(separator: " "), "callscope.yaml:3", "calls talk report heatmap lost events import"])
        #expect(row("thresholds.service_level_s") == ["thresholds.service_level_s", "30", "callscope.yaml:5", "report events"])
        #expect(row("thresholds.short_abandon_s") == ["thresholds.short_abandon_s", "5", "default", "report events"])
        #expect(row("database", "import db") == ["database", "/tmp/shared.sqlite", "environment $CALLSCOPE_DB", "import db"])
        #expect(row("caller_from") == ["caller_from", "pai rpid from", "default", "calls talk report heatmap lost events import"])
    }

    @Test func anUnknownKeyIsAnErrorWithItsLine() throws {
        let site = TemporaryDirectory()
        defer { site.remove() }
        try site.write("callscope.yaml", "site: Typo\ntimezone: UTC\nown_number: [\"+44\"]\n")
        let check = try run(["config", "check"], in: site)
        #expect(check.status == 65)
        #expect(check.stderr.hasPrefix("Error: callscope.yaml:3: unknown key 'own_number' (known: site, timezone, own_numbers,"), "\(check.stderr)")
        #expect(check.stdout.isEmpty)
        // Every command reading calls refuses the profile the same way, before reading anything.
        let lost = try run(["lost"] + Self.captures, in: site)
        #expect(lost.status == 65)
        #expect(lost.stderr.hasPrefix("Error: callscope.yaml:3: unknown key 'own_number'"), "\(lost.stderr)")
        // With no input (the profile would name the database), the profile's error, not a usage error.
        let report = try run(["report"], in: site)
        #expect(report.status == 65)
        #expect(report.stderr.hasPrefix("Error: callscope.yaml:3: unknown key 'own_number'"), "\(report.stderr)")
    }

    @Test func aFileTheProfileNamesIsCheckedAtTheProfilesLine() throws {
        let site = TemporaryDirectory()
        defer { site.remove() }
        try site.write("callscope.yaml", "timezone: UTC\nevents:\n  rules: missing-rules.yaml\n")
        let check = try run(["config", "check"], in: site)
        #expect(check.status == 65)
        #expect(check.stderr == "Error: callscope.yaml:3: missing-rules.yaml: cannot read the rules file\n", "\(check.stderr)")
    }

    @Test func configInitWritesAProfileThatChecks() throws {
        let site = TemporaryDirectory()
        defer { site.remove() }
        let first = try run(["config", "init"], in: site)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == "wrote callscope.yaml: fill in own_numbers, then 'callscope config check'\n")
        let named = try run(["config", "init", "site.yaml"], in: site)
        #expect(named.stdout == "wrote site.yaml: fill in own_numbers, then 'callscope config check --config site.yaml'\n")
        let check = try run(["config", "check"], in: site)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("site      My site\n"))
        let again = try run(["config", "init"], in: site)
        #expect(again.status == 64)
        #expect(again.stderr.contains("'callscope.yaml' exists: give --force to overwrite it."))
        #expect(try run(["config", "init", "--force"], in: site).status == 0)
        // Uncommenting every example line of the starter gives a profile that checks too.
        let starter = try String(contentsOfFile: site.file("callscope.yaml"), encoding: .utf8)
        let uncommented = starter.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            // A commented key or list item (`# key:`, `#   key:`, `#   - name:`), not prose.
            let body = line.hasPrefix("# ") ? String(line.dropFirst(2)) : String(line)
            let key = body.trimmingCharacters(in: .whitespaces)
            let isYAML = key.hasPrefix("- ") || (key.split(separator: ":").first.map { $0.allSatisfy { $0.isLetter || $0 == "_" } } ?? false) && key.contains(":")
            return line.hasPrefix("# ") && isYAML && !key.contains(" (") ? body : String(line)
        }
        // The starter shows two forms of campaigns: keep the inline list.
        let text = uncommented.joined(separator: "\n").replacingOccurrences(of: "campaigns: campaigns.yaml\n", with: "")
        try site.write("full.yaml", text)
        try site.write("rules.yaml", "rules:\n  - {name: Long wait, when: wait_longer_than, seconds: 60}\n")
        try site.write("shifts.csv", "agent,day,start,end\n201,mon,09:00,17:00\n")
        let full = try run(["config", "check", "--config", "full.yaml"], in: site)
        #expect(full.status == 0, "\(full.stderr)\n\(text)")
        #expect(full.stdout.contains("full.yaml:"), "\(full.stdout)")
        #expect(full.stdout.contains("1 inline: Spring radio"), "\(full.stdout)")
    }

    /// Each command's help lists the option groups it uses: every command reading or writing
    /// calls takes --config; events computes KPIs for its kpi rules, so it takes the thresholds;
    /// heatmap and lost compute none; config check takes only --config.
    @Test func helpListsTheGroupsEachCommandUses() throws {
        for command in [["calls"], ["talk"], ["report"], ["heatmap"], ["lost"], ["events"], ["import"], ["db", "stats"], ["db", "prune"], ["config", "check"]] {
            let help = try CLI.run(command + ["--help"]).stdout
            #expect(help.contains("--config <file>"), "\(command) --help lacks --config")
        }
        let events = try CLI.run(["events", "--help"]).stdout
        for option in ["--sl-threshold", "--short-abandon", "--repeat-window", "--acw-reasons", "--campaigns", "--agent-pattern"] {
            #expect(events.contains(option), "events --help lacks \(option)")
        }
        for command in ["heatmap", "lost"] {
            let help = try CLI.run([command, "--help"]).stdout
            #expect(!help.contains("--sl-threshold") && !help.contains("--acw-reasons") && !help.contains("--rules"), "\(command)")
            // Every reading command attributes calls (README "Visit attribution").
            #expect(help.contains("--campaigns") && help.contains("--visits") && help.contains("--pool"), "\(command)")
        }
        let check = try CLI.run(["config", "check", "--help"]).stdout
        #expect(!check.contains("--own-numbers") && !check.contains("--db"))
    }

    /// The example profiles of the README (examples/) stay valid.
    @Test(arguments: ["asterisk-call-centre.yaml", "capture-audit.yaml"])
    func theExampleProfilesCheck(_ name: String) throws {
        let result = try CLI.run(["config", "check", "--config", "examples/\(name)"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("profile   examples/\(name) (--config)\n"))
    }

    /// `events` takes its rules and shifts from the profile, relative to the profile's directory.
    @Test func eventsReadTheProfilesRules() throws {
        let site = TemporaryDirectory()
        defer { site.remove() }
        let folder = TestPaths.cdrSamples.appendingPathComponent("team-day").path
        try site.write("site.yaml", "timezone: Europe/London\nevents:\n  rules: \(folder)/rules.yaml\n  shifts: \(folder)/shifts.csv\n")
        let fromProfile = try run(["events", folder + "/queue_log", "--config", "site.yaml", "-f", "ndjson", "-q"], in: site)
        #expect(fromProfile.status == 0, "\(fromProfile.stderr)")
        let fromOptions = try run(["events", folder + "/queue_log", "--rules", folder + "/rules.yaml", "--shifts", folder + "/shifts.csv",
                                   "--timezone", "Europe/London", "-f", "ndjson", "-q"], in: site)
        #expect(try CLI.ndjson(fromProfile.stdout).count == 10)
        #expect(fromProfile.stdout == fromOptions.stdout)
        let none = try run(["events", folder + "/queue_log", "-q"], in: site)
        #expect(none.status == 64)
        #expect(none.stderr.contains("Give the control rules: --rules FILE, or events.rules in the site profile."))
    }
}
