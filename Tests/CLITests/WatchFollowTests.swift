import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport

/// `callscope watch --follow`: the Asterisk samples of cdr-samples/ (Master.csv and queue_log,
/// the dialplan each stands for in cdr-samples/README.md) written to growing files in pieces,
/// as Asterisk appends them, with a half-written line and a rotation of each kind.
@Suite(.serialized) struct WatchFollowTests {
    static func lines(_ sample: String) throws -> [String] {
        try String(contentsOf: TestPaths.root.appendingPathComponent("cdr-samples/\(sample)"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { $0 + "\n" }
    }

    static func append(_ text: String, to path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        handle.seekToEndOfFile()
        handle.write(Data(text.utf8))
    }

    /// Every call of both files comes out once, before the stop, with the fields `calls` gives
    /// for the whole files: Master.csv rows in pieces (one ending half-way through a row, which
    /// waits for its newline), then the file moved away and a new one started (the rows written
    /// to the old one just before the move still read); queue_log events in pieces, the call of
    /// the first piece ending in the second, then the file truncated in place (copytruncate).
    @Test func growingFilesGiveEachCallOnce() throws {
        let directory = TemporaryDirectory("watch-follow")
        defer { directory.remove() }
        let master = try directory.write("asterisk-master.csv", "")
        let queueLog = try directory.write("asterisk-queue_log", "")
        let rows = try Self.lines("asterisk-master.csv"), events = try Self.lines("asterisk-queue_log")
        #expect(rows.count == 27 && events.count == 43)
        func piece(_ lines: [String], _ range: ClosedRange<Int>) -> String { lines[(range.lowerBound - 1)...(range.upperBound - 1)].joined() }

        let watch = try LiveWatchProcess(["--follow", master, queueLog, "--config", "/dev/null", "--timezone", "Europe/London"])
        // Master.csv: calls by linkedid (rows 1-4, 5-6, 7-11, 12-16, 17, 18-19, 20...27 one each);
        // a blank line first, which tells nothing of the format.
        try Self.append("\n", to: master)
        usleep(300_000)
        try Self.append(piece(rows, 1...4), to: master)
        let seventh = rows[6]
        let half = seventh.index(seventh.startIndex, offsetBy: seventh.count / 2)
        try Self.append(piece(rows, 5...6) + seventh[..<half], to: master)
        // queue_log: agent events and the first call up to CONNECT; its end comes in the next piece.
        try Self.append(piece(events, 1...10), to: queueLog)
        usleep(1_600_000)
        try Self.append(String(seventh[half...]) + piece(rows, 8...11), to: master)
        try Self.append(piece(events, 11...14) + events[14].prefix(20), to: queueLog)
        usleep(600_000)
        try Self.append(String(events[14].dropFirst(20)) + piece(events, 16...18), to: queueLog)
        usleep(600_000)
        // Rotation by a new file: the last rows go to the old file, which is then moved away.
        try Self.append(piece(rows, 12...16), to: master)
        try FileManager.default.moveItem(atPath: master, toPath: master + ".1")
        _ = try directory.write("asterisk-master.csv", piece(rows, 17...19))
        // Rotation in place: the queue_log is truncated and written again from its start.
        try FileHandle(forWritingTo: URL(fileURLWithPath: queueLog)).truncateFile(atOffset: 0)
        try Self.append(piece(events, 19...23), to: queueLog)
        usleep(600_000)
        try Self.append(piece(rows, 20...27), to: master)
        try Self.append(piece(events, 24...43), to: queueLog)

        let masterReference = try CLI.ndjson(try CLI.run(["calls", "cdr-samples/asterisk-master.csv", "-f", "ndjson", "--config", "/dev/null", "--timezone", "Europe/London"]).stdout)
        let queueReference = try CLI.ndjson(try CLI.run(["calls", "cdr-samples/asterisk-queue_log", "-f", "ndjson", "--config", "/dev/null", "--timezone", "Europe/London"]).stdout)
        #expect(masterReference.count == 13 && queueReference.count == 7)
        let expected = masterReference + queueReference
        watch.waitForLines(expected.count, seconds: 8)
        let beforeStop = try watch.records().map(\.record)
        #expect(watch.stop() == 0, "\(watch.stderr)")
        let all = try watch.records().map(\.record)
        #expect(beforeStop.count == expected.count, "\(watch.stderr)")
        #expect(all.count == expected.count, "each call once")
        func key(_ record: [String: Any]) -> String { "\(record["source"] ?? "")/\(record["call_id"] ?? "")" }
        let live = Dictionary(all.map { (key($0), $0) }, uniquingKeysWith: { first, _ in first })
        #expect(Set(live.keys) == Set(expected.map(key)))
        for reference in expected {
            guard let call = live[key(reference)] else { continue }
            // Every field but the local times, which `calls` adds for its --timezone.
            for (field, value) in reference where !field.hasSuffix("_local") {
                #expect(canonical(call[field]) == canonical(value), "\(key(reference)): \(field)")
            }
        }
        #expect(watch.stderr.contains("asterisk-master.csv: rotated (a new file), read from its start"), "\(watch.stderr)")
        #expect(watch.stderr.contains("asterisk-queue_log: truncated"), "\(watch.stderr)")
        #expect(watch.stderr.contains("70 CDR rows, 20 calls, 0 errors"), "\(watch.stderr)")
    }

    /// A followed file in a format whose records need the lines before them is refused at the start.
    @Test func refusesAFormatThatCannotBeFollowed() throws {
        let directory = TemporaryDirectory("watch-follow-refused")
        defer { directory.remove() }
        let cucm = try directory.write("cucm.csv", try String(contentsOf: TestPaths.root.appendingPathComponent("cdr-samples/cucm-cdr.csv"), encoding: .utf8))
        let run = try CLI.run(["watch", "--follow", cucm, "--config", "/dev/null"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("cannot follow \(cucm): cucm cannot be followed"), "\(run.stderr)")
    }
}
