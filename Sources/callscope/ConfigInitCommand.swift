import ArgumentParser
import CDRImport
import Foundation
import SiteConfiguration

/// `callscope config init [FILE]`: writes a commented starter profile.
struct ConfigInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented starter site profile (every key, most commented out).")

    @Argument(help: ArgumentHelp("The profile to write.", valueName: "file"))
    var file = SiteProfile.defaultName

    @Flag(help: "Overwrite the file when it exists.")
    var force = false

    func run() throws {
        if !force, FileManager.default.fileExists(atPath: file) {
            throw ValidationError("'\(file)' exists: give --force to overwrite it.")
        }
        do {
            try Data(Self.starter(timeZone: .current).utf8).write(to: URL(fileURLWithPath: file))
        } catch {
            throw CommandFailure(.output, "Cannot write '\(file)': \(error.localizedDescription)")
        }
        let check = file == SiteProfile.defaultName ? "callscope config check" : "callscope config check --config \(file)"
        Output.write("wrote \(file): fill in own_numbers, then '\(check)'\n")
    }

    /// The starter profile, with the machine's time zone when it is a name the profile accepts.
    static func starter(timeZone: TimeZone) -> String {
        let zone = (try? TimeZoneName.parse(timeZone.identifier).get()) != nil ? timeZone.identifier : "UTC"
        return """
            # callscope site profile (README "Site profile"). An option given on a command line
            # overrides the value here; 'callscope config check' shows what each command will use
            # and where each value came from. Relative paths are relative to this file's directory.
            # Unknown keys are errors.

            # The site's name, shown by config check.
            site: My site

            # The site's time zone: an IANA name (Europe/London), UTC, or an offset (+01:00); not
            # an abbreviation (BST, IST, CST are ambiguous). Hours, days and --from/--to are taken
            # in it, and CDR times written without an offset are read in it.
            timezone: \(zone)

            # The site's own public numbers (DIDs, tracking numbers, main lines); a trailing *
            # matches a prefix. A call to one is inbound, a call from one outbound: without them a
            # call between two outside-looking numbers has no direction, and lost calls,
            # abandonment, ASA and service level leave it out.
            # own_numbers: ["+442079460100", "+44207946*"]

            # Which numbers are internal extensions, an Asterisk dial pattern (X any digit, N 2-9,
            # [1-5] a range, . the rest). Default: 2 to 5 digits.
            # extension_pattern: "_2XX"

            # Which numbers are agents in talk analysis (talk, calls --talk, events), same
            # patterns. Default: the callee of inbound calls, the caller of outbound calls.
            # agent_pattern: "_2XX"

            # Where the caller and the dialled number come from in SIP captures, by preference.
            # caller_from: [pai, rpid, from]
            # dialed_from: [ruri, to]

            # The callscope database: import writes it, the other commands read it besides
            # their inputs. Default for import and db: $CALLSCOPE_DB, else ./callscope.sqlite.
            # database: callscope.sqlite

            # KPI thresholds of report (one for every queue).
            # thresholds:
            #   service_level_s: 20          # service level: answered within this many seconds
            #   short_abandon_s: 5           # shorter abandons are left out of abandonment
            #   qualified_s: 60              # a qualified call has at least this much talk
            #   blocked_target_percent: 5    # say so when the blocked-call rate is above this

            # How far the metrics look back and ahead (report, lost, events).
            # windows:
            #   repeat_days: 30              # a repeat caller called within this many days before
            #   callback_hours: 24           # a lost call is returned within this many hours

            # Campaigns (report --by campaign, --view campaigns): a campaigns file, YAML or CSV
            # (README "Campaigns"), or the list itself in the same shape.
            # campaigns: campaigns.yaml
            # campaigns:
            #   - name: Spring radio
            #     numbers: ["+442079460100"]
            #     channel: radio
            #     cost: 1200
            #     revenue_per_qualified: 80

            # After-call work in agent states (report --view agents, events).
            # agent_states:
            #   acw_reasons: [ACW, Wrap, Wrapup, After call work]
            #   wrapup_s: 15

            # The control rules and shifts of callscope events.
            # events:
            #   rules: rules.yaml
            #   shifts: shifts.csv

            """
    }
}
