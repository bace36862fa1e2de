import ArgumentParser

/// `callscope-dev`: the developer commands, apart from the shipped `callscope` so that it links
/// no capture generator and no benchmark code (README "Developer commands").
@main
struct CallscopeDev: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callscope-dev",
        abstract: "Developer tools of callscope: benchmark captures and timings.",
        discussion: "Figures are printed, never compared with a limit: scripts/bench.sh runs them all (docs/performance.md).",
        version: "0.1.0",
        subcommands: [GenerateCaptureCommand.self, BenchCommand.self]
    )
}
