import CallModel
import Foundation
import Yams

/// A `--mapping` file: how the columns of some PBX's CSV export become calls
/// (docs/cdr-formats.md, "Mapped CSV").
///
/// ```yaml
/// delimiter: ","                     # optional, default ","; one character ("\t" for tab)
/// time_format: "%Y-%m-%d %H:%M:%S"   # optional, this default; %Y %y %m %d %H %M %S, epoch, epoch_ms
/// timezone: "Europe/London"          # optional; default --timezone
/// columns:                           # header name of each field; only start is required
///   call_id: uniqueid
///   caller: src
///   dialed: dst
///   agent: dstchannel
///   queue: queue
///   start: calldate
///   answer: answer
///   end: end
///   duration: duration
///   talk: billsec
///   wait: holdtime
///   outcome: disposition
/// outcomes:                          # value in the outcome column -> callscope outcome
///   ANSWERED: answered
///   NO ANSWER: no_answer
/// ```
///
/// The YAML is read as a node tree (`Yams.compose`) and every scalar taken as written, so
/// that keys such as `NO` or `ON` stay text instead of YAML 1.1 booleans. Unknown keys are
/// errors (a typo would otherwise silently drop a column).
public struct CSVMapping: Sendable, Equatable {
    /// The fields a mapping can name, by their key under `columns:`.
    public enum Field: String, CaseIterable, Sendable {
        case callID = "call_id", caller, dialed, agent, queue, start, answer, end, duration, talk, wait, outcome
    }

    public var delimiter: UInt8
    var timeFormat: MappedTimeFormat
    /// The `time_format` as written, for messages.
    public var timeFormatText: String
    /// The zone of wall-clock times; nil = `--timezone`.
    public var timeZone: TimeZone?
    /// Header name of each mapped field.
    public var columns: [Field: String]
    /// Outcome column values (as written) -> outcome.
    public var outcomes: [String: CallOutcome]

    /// Reads and checks the mapping file at `path`.
    public static func load(path: String) throws(CDRError) -> CSVMapping {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CDRError(input: path, reason: "cannot read the mapping file: \((error as NSError).localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CDRError(input: path, reason: "the mapping file is not UTF-8 text")
        }
        switch parse(yaml: text) {
        case .success(let mapping): return mapping
        case .failure(let problem): throw CDRError(input: path, line: problem.line, reason: "mapping: \(problem.message)")
        }
    }

    /// Parses mapping YAML; the failure carries the line of the offending node.
    static func parse(yaml: String) -> Result<CSVMapping, MappingProblem> {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            return .failure(yamlProblem(error))
        } catch {
            return .failure(MappingProblem("invalid YAML: \(error)"))
        }
        guard let root, let top = root.mapping else {
            return .failure(MappingProblem("expected a YAML mapping with 'columns:' (see docs/cdr-formats.md, \"Mapped CSV\")", line: root?.mark?.line))
        }
        var mapping = CSVMapping(delimiter: UInt8(ascii: ","), timeFormat: .pattern([]), timeFormatText: "%Y-%m-%d %H:%M:%S", timeZone: nil, columns: [:], outcomes: [:])
        var sawColumns = false
        var columnsLine: Int?, timeFormatLine: Int?
        for (keyNode, value) in top {
            let key = keyNode.scalar?.string ?? ""
            let line = keyNode.mark?.line
            switch key {
            case "delimiter":
                guard let text = value.scalar?.string, text.utf8.count == 1, let byte = text.utf8.first,
                      byte != UInt8(ascii: "\""), byte != 0x0A, byte != 0x0D else {
                    return .failure(MappingProblem("delimiter must be one ASCII character other than a quote or a line break (\"\\t\" for tab)", line: line))
                }
                mapping.delimiter = byte
            case "time_format":
                guard let text = value.scalar?.string else { return .failure(MappingProblem("time_format must be text", line: line)) }
                mapping.timeFormatText = text
                timeFormatLine = line
            case "timezone":
                guard let text = value.scalar?.string else {
                    return .failure(MappingProblem("timezone must be text (IANA name, UTC or +hh:mm)", line: line))
                }
                switch TimeZoneName.parse(text) {
                case .success(let zone): mapping.timeZone = zone
                case .failure(let error) where error.isAbbreviation: return .failure(MappingProblem("timezone: \(error.description)", line: line))
                case .failure: return .failure(MappingProblem("timezone '\(text)' names no time zone (IANA name, UTC or +hh:mm)", line: line))
                }
            case "columns":
                sawColumns = true
                columnsLine = line
                guard let columns = value.mapping else {
                    return .failure(MappingProblem("columns must map field names to header names", line: line))
                }
                for (fieldNode, headerNode) in columns {
                    let name = fieldNode.scalar?.string ?? ""
                    guard let field = Field(rawValue: name) else {
                        return .failure(MappingProblem("unknown field '\(name)' under columns (known: \(Field.allCases.map(\.rawValue).joined(separator: ", ")))", line: fieldNode.mark?.line))
                    }
                    guard let header = headerNode.scalar?.string, !header.isEmpty else {
                        return .failure(MappingProblem("columns.\(name) must name a header column", line: fieldNode.mark?.line))
                    }
                    mapping.columns[field] = header
                }
            case "outcomes":
                guard let outcomes = value.mapping else {
                    return .failure(MappingProblem("outcomes must map column values to outcomes", line: line))
                }
                for (valueNode, outcomeNode) in outcomes {
                    let written = valueNode.scalar?.string ?? ""
                    let name = outcomeNode.scalar?.string ?? ""
                    guard let outcome = CallOutcome(rawValue: name) else {
                        return .failure(MappingProblem("outcomes: '\(written)' maps to '\(name)', which is not an outcome (\(CallOutcome.allCases.map(\.rawValue).joined(separator: ", ")))", line: outcomeNode.mark?.line ?? valueNode.mark?.line))
                    }
                    mapping.outcomes[written] = outcome
                }
            default:
                return .failure(MappingProblem("unknown key '\(key)' (known: delimiter, time_format, timezone, columns, outcomes)", line: line))
            }
        }
        guard sawColumns else { return .failure(MappingProblem("no 'columns:' section", line: root.mark?.line)) }
        guard mapping.columns[.start] != nil else {
            return .failure(MappingProblem("columns.start is required (the header column holding the call start)", line: columnsLine))
        }
        switch MappedTimeFormat.parse(mapping.timeFormatText) {
        case .success(let format): mapping.timeFormat = format
        case .failure(var problem):
            problem.line = timeFormatLine
            return .failure(problem)
        }
        return .success(mapping)
    }

    private static func yamlProblem(_ error: YamlError) -> MappingProblem {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            return MappingProblem("invalid YAML at column \(mark.column): \(context.map { "\($0.text), " } ?? "")\(problem)", line: mark.line)
        case let .duplicatedKeysInMapping(duplicates, context):
            return MappingProblem("invalid YAML: duplicated key \(duplicates.joined(separator: ", "))", line: context.mark.line)
        default:
            return MappingProblem("invalid YAML: \(error)")
        }
    }
}
