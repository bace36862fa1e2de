import Foundation
import Testing
import TestSupport

/// `calls CAPTURE --format ndjson|json|csv` streams (README "Order and memory"); with `--limit`
/// the same command takes the whole-list path. Both must write the same bytes, on every sample
/// capture and every capture of the public corpus, with the site's local times and directions.
@Suite struct CaptureStreamOutputTests {
    static let captures = Corpus.sampleAndCorpusCaptures

    static let site = ["--timezone", "Europe/London", "--own-numbers", "+4989123456", "+14155550123", "02079460099", "999000"]

    @Test(arguments: captures)
    func streamedOutputIsTheWholeListOutput(_ path: String) throws {
        for format in ["ndjson", "json", "csv"] {
            let streamed = try CLI.run(["calls", path, "--format", format] + Self.site)
            let listed = try CLI.run(["calls", path, "--format", format, "--limit", "1000000000"] + Self.site)
            #expect(streamed.status == listed.status, "\(path) \(format)")
            #expect(Array(streamed.stdout.utf8) == Array(listed.stdout.utf8), "\(path) \(format)")
            #expect(streamed.stderr == listed.stderr, "\(path) \(format)")
        }
    }

    @Test func rotatedFilesStreamTheirCallsWhole() throws {
        let files = [TestPaths.capture("rotated-1.pcap"), TestPaths.capture("rotated-2.pcap")]
        for jobs in ["1", "2"] {
            let streamed = try CLI.run(["calls"] + files + ["--format", "ndjson", "--jobs", jobs])
            let listed = try CLI.run(["calls"] + files + ["--format", "ndjson", "--jobs", jobs, "--limit", "1000000000"])
            #expect(streamed.status == 0)
            #expect(!streamed.stdout.isEmpty)
            #expect(Array(streamed.stdout.utf8) == Array(listed.stdout.utf8))
        }
    }

    /// `talk --format json` (per-call timelines) streams the same way.
    @Test(arguments: ["talk/talk-inbound.pcap", "talk/talk-pcma.pcap", "talk/talk-dtmf.pcap", "talk/rtp-impaired.pcap", "answered-udp.pcap", "hold-udp.pcap"])
    func streamedTalkIsTheWholeListTalk(_ name: String) throws {
        let path = TestPaths.capture(name)
        let streamed = try CLI.run(["talk", path, "--format", "json"] + Self.site)
        let listed = try CLI.run(["talk", path, "--format", "json", "--limit", "1000000000"] + Self.site)
        #expect(streamed.status == 0)
        #expect(Array(streamed.stdout.utf8) == Array(listed.stdout.utf8))
        #expect(streamed.stderr == listed.stderr)
        if name.hasPrefix("talk/") { #expect(streamed.stdout.contains("\"agent_talk_s\"")) }
    }

    @Test func theCorpusIsThere() {
        #expect(Self.captures.count >= 30 + (Corpus.hasPcap ? 45 : 0))
    }
}
