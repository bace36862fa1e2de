import ArgumentParser

/// `callscope export`: calls sent elsewhere; `export conversions` in its own file.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export calls for other systems.",
        subcommands: [ExportConversionsCommand.self]
    )
}
