import CallModel
import Foundation
import Testing
@testable import CDRImport

/// The rows of a call are found by their linkedid's text however the field is written: quoted or
/// bare, padded with spaces, with `""` escapes, non-ASCII (`AsteriskCallBuilder.GroupKey`, looked
/// up in an `OpenHashTable` on the file's bytes). Hand-written rows: real cdr_csv quotes every id,
/// these are the forms a spreadsheet or another exporter leaves.
@Suite struct AsteriskGroupKeyTests {
    /// `master21` with the uniqueid and linkedid fields written as given (not quoted by the helper).
    static func row(uniqueid: String, linkedid: String, start: String, end: String, duration: Int, src: String = "5551000") -> String {
        master21(src: src, start: start, end: end, duration: duration, billsec: 0, disposition: "NO ANSWER", uniqueid: "U", linkedid: "L")
            .replacingOccurrences(of: "\"U\"", with: uniqueid)
            .replacingOccurrences(of: "\"L\"", with: linkedid)
    }

    @Test func rowsOfOneLinkedidAreOneCallWhateverTheQuoting() throws {
        let text = Self.row(uniqueid: "\"7.2\"", linkedid: "\"7.1\"", start: "2026-03-28 10:00:01", end: "2026-03-28 10:00:20", duration: 19)
            + Self.row(uniqueid: " 7.1 ", linkedid: "7.1", start: "2026-03-28 10:00:00", end: "2026-03-28 10:00:21", duration: 21, src: "+447700900123")
            + Self.row(uniqueid: "\"7.3\"", linkedid: "  7.1", start: "2026-03-28 10:00:02", end: "2026-03-28 10:00:20", duration: 18)
            // Text keys (escapes, non-ASCII): compared on their text too.
            + Self.row(uniqueid: "\"a\"\"b\"", linkedid: "\"a\"\"b\"", start: "2026-03-28 11:00:00", end: "2026-03-28 11:00:10", duration: 10, src: "+447700900124")
            + Self.row(uniqueid: "\"x\"", linkedid: "\"a\"\"b\"", start: "2026-03-28 11:00:01", end: "2026-03-28 11:00:10", duration: 9)
            + Self.row(uniqueid: "\"é.1\"", linkedid: "\"é.1\"", start: "2026-03-28 12:00:00", end: "2026-03-28 12:00:10", duration: 10, src: "+447700900125")
            + Self.row(uniqueid: "\"é.2\"", linkedid: "é.1", start: "2026-03-28 12:00:01", end: "2026-03-28 12:00:10", duration: 9)
            // Not the same text: a key one byte longer is another call.
            + Self.row(uniqueid: "\"7.10\"", linkedid: "\"7.10\"", start: "2026-03-28 13:00:00", end: "2026-03-28 13:00:10", duration: 10)
        let calls = try readAsterisk(AsteriskCSVReader(), text).calls
        #expect(calls.map(\.callID) == ["7.1", "a\"b", "é.1", "7.10"])
        #expect(calls.map(\.legs.count) == [3, 2, 2, 1])
        // The originating channel's row (its uniqueid, spaces trimmed, is the key) gives the caller,
        // though it is not the first row in the file.
        #expect(calls.map(\.caller) == ["+447700900123", "+447700900124", "+447700900125", "5551000"])
    }

    /// Streaming hands on each call once its rows are complete, the table of open keys made again
    /// at every look: many interleaved calls come out whole.
    @Test func streamingKeepsKeysOfOpenCallsAcrossLooks() throws {
        var text = ""
        for i in 0..<300 {
            // Call i has three rows, the third written 5 rows after the first.
            let second = 10 * i
            func time(_ s: Int) -> String { String(format: "2026-03-28 %02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) }
            text += Self.row(uniqueid: "\"\(i).1\"", linkedid: "\"\(i).1\"", start: time(second), end: time(second + 30), duration: 30, src: "+4477009\(1000 + i)")
            text += Self.row(uniqueid: "\"\(i).2\"", linkedid: "\(i).1", start: time(second + 1), end: time(second + 30), duration: 29)
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("group-keys-\(getpid()).csv").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let importer = CDRImporter(options: CDRImportOptions(timeZone: try #require(TimeZone(identifier: "UTC"))))
        var streamed: [Call] = []
        var batches = 0
        _ = try #require(try importer.streamFile(path, window: CDRStreamWindow(rows: 8, closeSeconds: 60, reorderSeconds: 3600), report: { _ in }) {
            streamed += $0.calls
            batches += 1
        })
        #expect(batches > 10)
        #expect(streamed.count == 300)
        #expect(Set(streamed.map(\.callID)).count == 300)
        #expect(streamed.allSatisfy { $0.legs.count == 2 && $0.caller == "+4477009\(1000 + (Int($0.callID.prefix { $0 != "." }) ?? -1))" })
    }
}
