import Foundation
import Testing
import TestSupport

/// The shape of the command line (issue 13): one `--format` option whose accepted values each
/// command states, option groups that only appear where they do something, typed exit
/// statuses, and the developer commands in `callscope-dev`.
@Suite struct CommandLineShapeTests {
    @Test(arguments: [
        ("heatmap", "ndjson", "heatmap cannot write --format ndjson: give table, json or csv."),
        ("report", "svg", "report cannot write --format svg: give table, json, csv or html."),
        ("calls", "svg", "calls cannot write --format svg: give table, json, ndjson or csv."),
        ("lost", "svg", "lost cannot write --format svg: give table, json, ndjson or csv."),
        ("talk", "ndjson", "talk cannot write --format ndjson: give table, json, csv or svg."),
    ])
    func aFormatACommandCannotWriteIsAUsageError(_ command: String, _ format: String, _ message: String) throws {
        let result = try CLI.run([command, "cdr-samples/generic-export.csv", "-f", format])
        #expect(result.status == 64)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    /// Each command's help lists the formats it writes, and only the options that act on it.
    @Test func helpListsWhatEachCommandUses() throws {
        let heatmap = try CLI.run(["heatmap", "--help"]).stdout
        #expect(heatmap.contains("-f, --format <table|json|csv>"))
        for option in ["--from", "--to", "--metric", "--direction", "--timezone", "--own-numbers"] { #expect(heatmap.contains(option), "\(option)") }
        for option in ["--short-abandon", "--sl-threshold", "--repeat-window", "--callback-window", "--qualified-s", "--blocked-target",
                       "--agent-pattern", "--vad-threshold", "svg", "ndjson"] {
            #expect(!heatmap.contains(option), "heatmap --help lists \(option)")
        }
        let lost = try CLI.run(["lost", "--help"]).stdout
        #expect(lost.contains("--repeat-window") && lost.contains("--callback-window") && lost.contains("-f, --format <table|json|ndjson|csv>"))
        #expect(!lost.contains("--short-abandon"))
        // Every reading command attributes calls: campaigns, visits and pools (README "Visit attribution").
        for help in [heatmap, lost] { #expect(help.contains("--campaigns") && help.contains("--visits") && help.contains("--pool")) }
        let report = try CLI.run(["report", "--help"]).stdout
        for option in ["--short-abandon", "--sl-threshold", "--repeat-window", "--callback-window", "--qualified-s", "--blocked-target", "--campaigns"] {
            #expect(report.contains(option), "report --help lacks \(option)")
        }
        let talk = try CLI.run(["talk", "--help"]).stdout
        #expect(talk.contains("--agent-pattern") && talk.contains("-f, --format <table|json|csv|svg>"))
        #expect(!(try CLI.run(["import", "--help"]).stdout.contains("--agent-pattern")))
    }

    /// The shipped command has no developer subcommands; its help documents the exit statuses.
    @Test func rootHelpHasExitStatusesAndNoDeveloperCommands() throws {
        let help = try CLI.run(["--help"]).stdout
        #expect(help.contains("Exit status: 0 done"))
        #expect(help.contains("64 usage error") && help.contains("65 a configuration file") && help.contains("74 an output file"))
        #expect(!help.contains("bench") && !help.contains("generate-capture"))
        let old = try CLI.run(["bench", "metrics"])
        #expect(old.status == 64)
    }

    /// A campaigns file that is not valid YAML: exit status 65 with file and line; one that
    /// cannot be read (a directory): exit status 1.
    @Test func configurationErrorsHaveTheirOwnStatus() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("callscope-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("c.yaml")
        try "campaigns:\n  - name: A\n    numbers: [\"+442079460100\"]\n  - name: A\n    numbers: [\"+442079460101\"]\n".write(to: file, atomically: true, encoding: .utf8)
        let invalid = try CLI.run(["report", "cdr-samples/generic-export.csv", "--view", "campaigns", "--campaigns", file.path])
        #expect(invalid.status == 65)
        #expect(invalid.stderr == "Error: \(file.path):4: campaign 'A' is defined twice.\n")
        let unreadable = try CLI.run(["report", "cdr-samples/generic-export.csv", "--view", "campaigns", "--campaigns", directory.path, "-q"])
        #expect(unreadable.status == 1)
        #expect(unreadable.stderr.contains("\(directory.path): cannot read the campaigns file"))
    }

    /// SVG files that cannot be written (the output directory would be under a regular file): exit status 74.
    @Test func anOutputThatCannotBeWrittenHasItsOwnStatus() throws {
        let result = try CLI.run(["talk", "captures/talk/talk-inbound.pcap", "-f", "svg", "-o", "Package.swift/svg", "-q"])
        #expect(result.status == 74)
        #expect(result.stderr.hasPrefix("Error: Cannot write "))
        #expect(result.stdout.isEmpty)
    }

    /// `callscope-dev bench read` counts the packets tshark counts in a sample capture.
    @Test func developerBenchReadsEveryPacket() throws {
        let capture = "captures/answered-udp.pcap"
        let tshark = Process()
        tshark.executableURL = URL(fileURLWithPath: "/usr/bin/tshark")
        tshark.arguments = ["-n", "-r", capture, "-T", "fields", "-e", "frame.number"]
        tshark.currentDirectoryURL = TestPaths.root
        let pipe = Pipe()
        tshark.standardOutput = pipe
        tshark.standardError = FileHandle.nullDevice
        try tshark.run()
        let frames = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n").count
        tshark.waitUntilExit()
        #expect(frames > 0)
        let result = try CLI.run(["bench", "read", capture], program: "callscope-dev")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("libpcap read: \(frames) packets, "))
        let metrics = try CLI.run(["bench", "metrics", "--calls", "2000"], program: "callscope-dev")
        #expect(metrics.status == 0)
        #expect(metrics.stdout.hasPrefix("2000 generated calls\n"))
        #expect(metrics.stdout.contains("campaigns                      "))
    }
}
