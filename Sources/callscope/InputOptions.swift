import ArgumentParser
import CallModel
import CallReconstruction
import Foundation

/// The inputs every reading command takes, and how SIP becomes calls.
struct InputOptions: ParsableArguments {
    @Argument(help: ArgumentHelp(
        "Capture files (pcap or pcapng), directories of them, or - for standard input.",
        discussion: "Several files are merged in timestamp order, so a call spanning rotated files comes out whole.",
        valueName: "input"))
    var inputs: [String]

    @Option(name: .customLong("caller-from"), parsing: .upToNextOption, help: ArgumentHelp(
        "Where the caller number comes from, in order of preference.",
        valueName: "pai|rpid|from"))
    var callerFrom: [ReconstructionOptions.CallerSource] = [.pai, .rpid, .from]

    @Option(name: .customLong("dialed-from"), parsing: .upToNextOption, help: ArgumentHelp(
        "Where the dialled (tracking) number comes from, in order of preference.",
        valueName: "ruri|to"))
    var dialedFrom: [ReconstructionOptions.DialedSource] = [.ruri, .to]

    @Option(help: "Diagnostics printed per input before the rest are only counted (0: print all).")
    var maxDiagnostics = 20

    @Flag(name: .shortAndLong, help: "Print no diagnostics and no summary line on stderr.")
    var quiet = false

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("Give at least one capture file, directory, or - for stdin.") }
        if inputs.filter({ $0 == "-" }).count > 1 { throw ValidationError("Standard input (-) can be read only once.") }
    }

    var reconstruction: ReconstructionOptions {
        ReconstructionOptions(callerOrder: callerFrom, dialedOrder: dialedFrom)
    }

    /// Inputs with directories replaced by the capture files in them (sorted by name).
    func expandedInputs() -> [String] {
        var result: [String] = []
        let manager = FileManager.default
        for input in inputs {
            var isDirectory: ObjCBool = false
            if input != "-", manager.fileExists(atPath: input, isDirectory: &isDirectory), isDirectory.boolValue {
                let names = (try? manager.contentsOfDirectory(atPath: input)) ?? []
                let captures = names.filter { name in
                    [".pcap", ".pcapng", ".cap"].contains(where: { name.lowercased().hasSuffix($0) })
                }.sorted()
                if captures.isEmpty {
                    result.append(input)  // reported as unreadable: a directory with no captures in it
                } else {
                    result += captures.map { input.hasSuffix("/") ? input + $0 : input + "/" + $0 }
                }
            } else {
                result.append(input)
            }
        }
        return result
    }
}

extension ReconstructionOptions.CallerSource: ExpressibleByArgument {}
extension ReconstructionOptions.DialedSource: ExpressibleByArgument {}

/// Prints diagnostics on stderr, at most `limit` per input, and counts the rest.
struct DiagnosticPrinter {
    let limit: Int
    let quiet: Bool
    private var printed: [String: Int] = [:]
    private var suppressed: [String: Int] = [:]

    init(limit: Int, quiet: Bool) { self.limit = limit; self.quiet = quiet }

    mutating func print(_ diagnostic: Diagnostic) {
        guard !quiet else { return }
        let count = printed[diagnostic.input, default: 0]
        if limit > 0, count >= limit {
            suppressed[diagnostic.input, default: 0] += 1
            return
        }
        printed[diagnostic.input] = count + 1
        StandardError.write("callscope: \(diagnostic)\n")
    }

    func finish() {
        guard !quiet else { return }
        for (input, count) in suppressed.sorted(by: { $0.key < $1.key }) {
            StandardError.write("callscope: \(input): \(count) more diagnostics not shown (--max-diagnostics 0 shows all)\n")
        }
    }
}

/// A one-line progress counter on stderr, shown only when stderr is a terminal.
struct ProgressLine {
    let enabled: Bool
    init(enabled: Bool) { self.enabled = enabled && isatty(STDERR_FILENO) == 1 }

    func update(_ summary: AnalysisSummary) {
        guard enabled else { return }
        StandardError.write("\rcallscope: \(summary.packets) packets, \(summary.sipMessages) SIP messages so far...")
    }

    func clear() {
        guard enabled else { return }
        StandardError.write("\r\u{1B}[K")
    }
}

enum StandardError {
    static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

extension AnalysisSummary {
    /// `callscope: 2 inputs, 1234 packets, 56 SIP messages, 7 calls, 0 errors`
    var line: String {
        var parts = ["\(inputs) input\(inputs == 1 ? "" : "s")"]
        if unreadableInputs > 0 { parts.append("\(unreadableInputs) unreadable") }
        parts.append("\(packets) packets")
        parts.append("\(sipMessages) SIP messages" + (sipMessagesWithoutCall > 0 ? " (\(sipMessagesWithoutCall) outside calls)" : ""))
        parts.append("\(calls) call\(calls == 1 ? "" : "s")")
        parts.append("\(errors) error\(errors == 1 ? "" : "s")")
        if warnings > 0 { parts.append("\(warnings) warning\(warnings == 1 ? "" : "s")") }
        return "callscope: " + parts.joined(separator: ", ")
    }
}
