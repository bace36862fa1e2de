import ArgumentParser

/// The `callscope` command: subcommands only, each in its own file.
@main
struct Callscope: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callscope",
        abstract: "Analyse telephony calls from SIP captures and PBX call-detail records.",
        discussion: """
            Reads pcap/pcapng captures (several at once, merged by time; - for stdin) and PBX \
            call-detail records (Asterisk, queue_log, FreeSWITCH, Cisco CUCM, any CSV through a \
            mapping) into one call model; reports the call-centre KPIs, heatmaps and lost calls; \
            keeps imported calls in an SQLite database (import, --db). See the README.
            """,
        version: "0.1.0",
        subcommands: [CallsCommand.self, TalkCommand.self, ReportCommand.self, HeatmapCommand.self, LostCommand.self, ImportCommand.self, DatabaseCommand.self, BenchCommand.self, GenerateCaptureCommand.self]
    )
}
