import ArgumentParser
import Foundation

/// The `callscope` command: subcommands only, each in its own file.
@main
struct Callscope: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callscope",
        abstract: "Analyse telephony calls from SIP captures and PBX call-detail records.",
        discussion: """
            Reads pcap/pcapng captures (several at once, merged by time; - for stdin) and PBX \
            call-detail records (Asterisk, queue_log, FreeSWITCH, Cisco CUCM, Kamailio and OpenSIPS acc logs, any CSV through a \
            mapping) into one call model; reports the call-centre KPIs, heatmaps and lost calls; \
            keeps imported calls in an SQLite database (import, --db). See the README.

            Exit status: 0 done (bad rows and packets are diagnostics, not failures); 1 an input \
            or the database cannot be opened, read or written; 64 usage error (an option or \
            argument the command cannot take); 65 a configuration file (the site profile, \
            --campaigns, --rules...) is not valid; 74 an output file cannot be written; 3 reconcile \
            found a disagreement.
            """,
        version: "0.1.0",
        subcommands: [CallsCommand.self, TalkCommand.self, ReportCommand.self, HeatmapCommand.self, LostCommand.self, EventsCommand.self, ReconcileCommand.self, WatchCommand.self, ImportCommand.self, DatabaseCommand.self, ConfigCommand.self, ExportCommand.self, ServeCommand.self]
    )

    /// ArgumentParser's entry point, with ``CommandFailure``s given their own exit status
    /// (ArgumentParser would exit 1 for every error that is not a usage error).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as CommandFailure {
            StandardError.line("Error: \(failure.description)")
            Foundation.exit(failure.status)
        } catch {
            exit(withError: error)
        }
    }
}
