import CDRImport
import CallIngest
import CallModel
import Foundation
import Testing
import TestSupport

/// `CallCollector.stream` (the `calls` record stream of one CDR file, README "Output order")
/// writes the calls `collect` lists, in its order, directions decided, on the public corpus's
/// Asterisk files and the project's own sample.
@Suite struct CallStreamingTests {
    static let files: [(path: String, zone: String)] = [
        (Corpus.cdrFile("asterisk-csv__dj-asterisk-cdr__Master.csv"), "UTC"),
        (Corpus.cdrFile("asterisk-csv__TelephonySwitching__Master.csv"), "UTC"),
        (TestPaths.cdrSample("asterisk-master.csv"), "UTC"),
        (TestPaths.cdrSample("asterisk-master-bad.csv"), "UTC"),
    ]

    @Test(arguments: files.indices, [CDRStreamWindow(), CDRStreamWindow(rows: 8)])
    func streamedCallsAreTheCollectedCalls(_ index: Int, window: CDRStreamWindow) throws {
        let (path, zone) = Self.files[index]
        try #require(FileManager.default.fileExists(atPath: path), "\(path) not found")
        let options = IngestOptions(cdr: CDRImportOptions(timeZone: try #require(TimeZone(identifier: zone))))
        let collector = CallCollector(options: options)
        var collectedDiagnostics: [Diagnostic] = []
        let collected = collector.collect([path]) { collectedDiagnostics.append($0) }
        var streamedDiagnostics: [Diagnostic] = []
        var calls: [Call] = []
        let summary = try #require(collector.stream([path], window: window, diagnostics: { streamedDiagnostics.append($0) }) { calls.append($0) })
        #expect(calls == collected.calls)
        #expect(summary == collected.summary)
        #expect(streamedDiagnostics == collectedDiagnostics)
        #expect(!calls.isEmpty)
        // The sample's dialplan makes directions decidable (the dj-asterisk file's numbers do
        // not, in either path): the streamed calls went through the direction step.
        if path == TestPaths.cdrSample("asterisk-master.csv") { #expect(calls.contains { $0.direction != nil }) }
    }

    /// Inputs that need every call at once are left to `collect`, with nothing read or reported.
    @Test func notStreamed() throws {
        let collector = CallCollector(options: IngestOptions())
        var reported = 0
        let inputs = [[TestPaths.cdrSample("asterisk-master.csv"), TestPaths.cdrSample("asterisk-queue_log")], [TestPaths.cdrSample("asterisk-queue_log")], [TestPaths.cdrSample("cucm-cdr.csv")]]
        for input in inputs {
            #expect(collector.stream(input, diagnostics: { _ in reported += 1 }) { _ in } == nil)
        }
        #expect(reported == 0)
    }
}
