import CallIngest
import Foundation
import Testing

/// Which files of a directory are inputs, on the project's own sample folders.
@Suite struct InputDiscoveryTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test(arguments: [
        ("Master.csv", true), ("master-2026-03.csv", true), ("queue_log", true), ("queue_log.1", true), ("calls.pcapng", true),
        ("trace.CAP", true), ("cdr.sql", true), ("x.json", true), ("talk.wav", true), ("messages.log", true),
        ("asterisk-master.expected.ndjson", false), ("a.expected.json", false), (".hidden.pcap", false),
        ("generate.py", false), ("README.md", false), ("generic-export.mapping.yaml", false),
    ])
    func inputFileNames(_ name: String, _ isInput: Bool) {
        #expect(InputDiscovery.isInputFileName(name) == isInput)
    }

    /// `cdr-samples/` holds CDR files, their sidecars, mappings and the generator script.
    @Test func cdrSamplesDirectory() {
        let directory = Self.root.appendingPathComponent("cdr-samples").path
        let found = InputDiscovery.expand([directory], recordings: false)
        #expect(found == found.sorted())
        #expect(found.contains(directory + "/asterisk-master.csv"))
        #expect(found.contains(directory + "/asterisk-queue_log"))
        #expect(!found.contains { $0.contains(".expected.") || $0.hasSuffix(".py") || $0.hasSuffix(".yaml") })
    }

    /// WAV recordings in a directory are inputs only for talk analysis.
    @Test func recordingsOnlyForTalkAnalysis() {
        let directory = Self.root.appendingPathComponent("captures/talk").path
        let withRecordings = InputDiscovery.expand([directory], recordings: true)
        let without = InputDiscovery.expand([directory], recordings: false)
        #expect(withRecordings.contains(directory + "/talk-inbound-1-17357@127.0.0.1.wav"))
        #expect(withRecordings.contains(directory + "/talk-inbound.pcap"))
        #expect(without == withRecordings.filter { !$0.hasSuffix(".wav") })
    }

    /// `-`, files and a directory with no inputs are passed on as given (to be read or reported).
    @Test func nonDirectoriesAndEmptyDirectoriesStay() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("callscope-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        try "notes".write(to: empty.appendingPathComponent("README.txt"), atomically: true, encoding: .utf8)
        #expect(InputDiscovery.expand(["-", "missing.pcap", empty.path], recordings: false) == ["-", "missing.pcap", empty.path])
    }

    /// Three levels below the directory given, and no deeper; hidden directories are skipped.
    @Test func depthAndHiddenDirectories() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("callscope-deep-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        let source = Self.root.appendingPathComponent("cdr-samples/asterisk-master.csv")
        var directory = base
        for level in 0...4 {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: source, to: directory.appendingPathComponent("level\(level).csv"))
            directory = directory.appendingPathComponent("d\(level)")
        }
        let hidden = base.appendingPathComponent(".git")
        try FileManager.default.createDirectory(at: hidden, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: source, to: hidden.appendingPathComponent("hidden.csv"))
        let found = InputDiscovery.expand([base.path], recordings: false).map { String($0.split(separator: "/").last ?? "") }
        #expect(found.sorted() == ["level0.csv", "level1.csv", "level2.csv", "level3.csv"])
    }
}
