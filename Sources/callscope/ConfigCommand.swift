import ArgumentParser

/// `callscope config`: the site profile; `config check` and `config init` in files of their own.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check or start the site profile (callscope.yaml).",
        discussion: """
            The site profile describes the site once: time zone, own numbers, extension and agent \
            patterns, thresholds, windows, campaigns, the database, and the rules of events. It is \
            --config FILE, else $CALLSCOPE_CONFIG, else ./callscope.yaml when it exists; options \
            given on a command line override it. See README "Site profile".
            """,
        subcommands: [ConfigCheckCommand.self, ConfigInitCommand.self]
    )
}
