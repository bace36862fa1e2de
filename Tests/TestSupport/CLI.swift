import Foundation

/// Runs the built `callscope` binary, as a user would, from the package root.
public enum CLI {
    public typealias Result = ProcessOutput

    /// The binary beside the test bundle (SwiftPM builds it because CLITests depends on it).
    public static var binary: URL { ProcessRunner.builtExecutable("callscope") }

    /// The SIP sample captures at the top of `captures/` (`captures/talk/` holds the RTP and
    /// speech samples, tested on their own), as paths relative to the package root.
    public static var sipSampleCaptures: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: TestPaths.captures.path)) ?? []
        return names.filter { $0.hasSuffix(".pcap") }.sorted().map { "captures/" + $0 }
    }

    /// Runs `callscope arguments...` (or `program`, e.g. `callscope-dev`) with `stdin` as standard input.
    /// The site profile is an empty one (`$CALLSCOPE_CONFIG=/dev/null`), so a `callscope.yaml`
    /// left in the package root (README "The first ten minutes") changes no test; `--config`
    /// still overrides it.
    public static func run(_ arguments: [String], stdin: URL? = nil, in directory: URL = TestPaths.root, program: String = "callscope") throws -> ProcessOutput {
        try ProcessRunner.run(ProcessRunner.builtExecutable(program), arguments, stdin: stdin, in: directory,
                              environment: ["CALLSCOPE_CONFIG": "/dev/null"])
    }

    /// The text of `Tests/CLITests/Golden/<name>`.
    public static func golden(_ name: String) throws -> String {
        try String(contentsOf: TestPaths.root.appendingPathComponent("Tests/CLITests/Golden/\(name)"), encoding: .utf8)
    }

    /// Parses ndjson output into dictionaries; throws on a line that is not a JSON object.
    public static func ndjson(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw ProcessRunner.Failure(description: "not a JSON object: \(line)")
            }
            return object
        }
    }
}
