import CallModel
import Foundation
@testable import CDRImport

/// What one reader made of one input, with the diagnostics it reported.
struct AsteriskReadOutcome {
    var calls: [Call]
    var rows: Int
    var badRows: Int
    var diagnostics: [Diagnostic]
    var answered: Int { calls.filter { $0.outcome == .answered }.count }
}

final class DiagnosticSink: @unchecked Sendable {
    var items: [Diagnostic] = []
}

/// Reads `bytes` named `name` with `reader`, in `timeZone` (UTC by default).
func readAsterisk<R: CDRReader>(
    _ reader: R, _ bytes: [UInt8], name: String = "test.csv",
    timeZone: String = "UTC", strict: Bool = false
) throws(CDRError) -> AsteriskReadOutcome {
    let sink = DiagnosticSink()
    let options = CDRImportOptions(timeZone: LocalTimeConverter.zone(named: timeZone) ?? TimeZone(identifier: "UTC")!, strict: strict)
    var context = CDRContext(options: options, input: CDRInput(path: name, bytes: bytes), report: { sink.items.append($0) })
    let attempt: Result<CDRReadResult, CDRError> = bytes.withUnsafeBytes { buffer in
        do throws(CDRError) { return .success(try reader.read(buffer, context: &context)) } catch { return .failure(error) }
    }
    let result = try attempt.get()
    return AsteriskReadOutcome(calls: result.calls, rows: context.rows, badRows: context.badRows, diagnostics: sink.items)
}

func readAsterisk<R: CDRReader>(
    _ reader: R, _ text: String, timeZone: String = "UTC", strict: Bool = false
) throws(CDRError) -> AsteriskReadOutcome {
    try readAsterisk(reader, Array(text.utf8), timeZone: timeZone, strict: strict)
}

/// An instant written in UTC.
func utc(_ text: String) -> Timestamp {
    let parts = text.split(whereSeparator: { $0 == "-" || $0 == " " || $0 == ":" }).compactMap { Int($0) }
    return Timestamp(year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4], second: parts[5])
}

/// The public CDR corpus (`shared/corpus/cdr`), found by searching upward from this file for a
/// folder holding it: works from /work/main and from a package that links the tests folder.
enum CDRCorpus {
    static let directory: URL? = {
        var candidates = [URL(fileURLWithPath: #filePath).deletingLastPathComponent()]
        let resolved = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        candidates.append(resolved)
        candidates.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        for start in candidates {
            var dir = start
            while dir.path != "/" {
                for relative in ["shared/corpus/cdr", "../shared/corpus/cdr"] {
                    let corpus = dir.appendingPathComponent(relative).standardizedFileURL
                    if FileManager.default.fileExists(atPath: corpus.appendingPathComponent("REFERENCE.tsv").path) { return corpus }
                }
                dir = dir.deletingLastPathComponent()
            }
        }
        return nil
    }()

    static func bytes(_ file: String) -> [UInt8]? {
        guard let url = directory?.appendingPathComponent(file), let data = FileManager.default.contents(atPath: url.path) else { return nil }
        return [UInt8](data)
    }

    static func sample(_ file: String) -> CDRSample? { bytes(file).map(CDRSample.init(bytes:)) }

    /// REFERENCE.tsv as `file -> [column: value]`.
    static let reference: [String: [String: String]] = {
        guard let url = directory?.appendingPathComponent("REFERENCE.tsv"),
              let text = try? String(contentsOf: url, encoding: .utf8) else { return [:] }
        let lines = text.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        guard let header = lines.first else { return [:] }
        var out: [String: [String: String]] = [:]
        for line in lines.dropFirst() where line.count == header.count {
            out[line[0]] = Dictionary(uniqueKeysWithValues: zip(header, line))
        }
        return out
    }()
}
