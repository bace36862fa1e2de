import ArgumentParser
import Reports

/// Every format a command can write; each command accepts some of them. Not `CaseIterable`, so
/// a command's help lists only the formats it accepts (in its value name), not all six.
enum OutputFormat: String, ExpressibleByArgument {
    case table, json, ndjson, csv, svg, html
}

/// The formats one command writes, and what its `--format` help says.
protocol OutputFormats {
    /// The subcommand, as typed (`calls`, `report`...).
    static var command: String { get }
    static var accepted: [OutputFormat] { get }
    static var help: String { get }
}

/// `--format`/`-f`, shared by every command that prints records: one option, one value type;
/// the command's ``OutputFormats`` says which values it accepts. A format the command cannot
/// write is a usage error naming the ones it can.
struct OutputFormatOptions<Formats: OutputFormats>: ParsableArguments {
    @Option(name: .shortAndLong, help: ArgumentHelp(Formats.help, valueName: Formats.accepted.map(\.rawValue).joined(separator: "|")))
    var format: OutputFormat = .table

    func validate() throws {
        guard Formats.accepted.contains(format) else {
            let names = Formats.accepted.map(\.rawValue)
            let list = names.dropLast().joined(separator: ", ") + (names.count > 1 ? " or " : "") + (names.last ?? "")
            throw ValidationError("\(Formats.command) cannot write --format \(format.rawValue): give \(list).")
        }
    }
}

extension OutputFormat {
    /// The record stream that writes this format; nil for table and svg, which each command draws.
    var recordStream: RecordStream.Format? {
        switch self {
        case .json: .json
        case .ndjson: .ndjson
        case .csv: .csv
        case .table, .svg, .html: nil
        }
    }
}
