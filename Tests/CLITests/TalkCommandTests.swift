import Foundation
import Testing
import TestSupport

/// The truth of one speech sample of `captures/talk/` (`X.expected.json`, made with
/// espeak-ng, sox and SIPp by `captures/talk/generate.sh`).
struct TalkTruth {
    var name: String
    var callID: String
    var callerTalk: Double
    var agentTalk: Double
    var overtalk: Double
    var agentShare: Double
    /// The recording's file name in `captures/talk/`: the Call-ID with `.wav`.
    var wavFile: String
    /// `captures/talk/<wavFile>`, relative to the package root.
    var wavPath: String { "captures/talk/" + wavFile }

    static let samples = ["talk-inbound", "talk-pcma", "talk-dtmf"]
    static let folder = TestPaths.captures.appendingPathComponent("talk")

    static func load(_ name: String) throws -> TalkTruth {
        let data = try Data(contentsOf: folder.appendingPathComponent("\(name).expected.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return TalkTruth(
            name: name, callID: try #require(object["call_id"] as? String),
            callerTalk: number(object["caller_talk_s"]), agentTalk: number(object["agent_talk_s"]),
            overtalk: number(object["overtalk_s"]), agentShare: number(object["agent_share"]),
            wavFile: try #require((object["wav"] as? [String: Any])?["file"] as? String)
        )
    }

    /// The tolerances: talk per side within 0.3 s, share within 3 points.
    func check(_ record: [String: Any], _ label: String) {
        #expect(abs(number(record["caller_talk_s"]) - callerTalk) <= 0.3, "\(label): caller talk")
        #expect(abs(number(record["agent_talk_s"]) - agentTalk) <= 0.3, "\(label): agent talk")
        #expect(abs(number(record["overtalk_s"]) - overtalk) <= 0.3, "\(label): overtalk")
        #expect(abs(number(record["agent_share"]) - agentShare) <= 0.03, "\(label): agent share")
    }
}

func talkRecords(_ arguments: [String]) throws -> [[String: Any]] {
    let result = try CLI.run(["talk", "--format", "json"] + arguments)
    #expect(result.status == 0, "\(result.stderr)")
    return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
}

@Suite("callscope talk")
struct TalkCommandTests {
    @Test(arguments: TalkTruth.samples)
    func captureMatchesTheSpokenTruth(_ name: String) throws {
        let truth = try TalkTruth.load(name)
        let records = try talkRecords(["captures/talk/\(name).pcap", "-q"])
        let record = try #require(records.first { $0["call_id"] as? String == truth.callID })
        truth.check(record, "\(name).pcap")
        #expect(record["agent_party"] as? String == "callee")
        let segments = try #require(record["segments"] as? [[String: Any]])
        #expect(segments.count >= 8)
        // The timeline covers the analysed audio without gaps.
        #expect(number(segments.first?["start_s"]) == 0)
        #expect(abs(number(segments.last?["end_s"]) - number(record["duration_s"])) < 0.0005)
        for (earlier, later) in zip(segments, segments.dropFirst()) {
            #expect(number(earlier["end_s"]) == number(later["start_s"]))
            #expect(earlier["owner"] as? String != later["owner"] as? String)
        }
    }

    @Test(arguments: TalkTruth.samples)
    func recordingMatchesTheSpokenTruth(_ name: String) throws {
        let truth = try TalkTruth.load(name)
        #expect(truth.wavFile == truth.callID + ".wav")
        let records = try talkRecords([truth.wavPath, "-q"])
        #expect(records.count == 1)
        let record = try #require(records.first)
        #expect(record["call_id"] as? String == truth.callID)
        truth.check(record, truth.wavFile)
    }

    @Test func allCapturesTogetherKeepTheirCallsApart() throws {
        // The samples reuse 127.0.0.1:16000/16100 and SIPp's fixed SSRC: each call must still
        // get only its own streams.
        let paths = (TalkTruth.samples + ["rtp-impaired"]).map { "captures/talk/\($0).pcap" }
        let records = try talkRecords(paths + ["-q"])
        #expect(records.count == 4)
        for name in TalkTruth.samples {
            let truth = try TalkTruth.load(name)
            let record = try #require(records.first { $0["call_id"] as? String == truth.callID })
            truth.check(record, "\(name) among all")
            #expect((record["streams"] as? [Any])?.count == 2)
        }
    }

    @Test func matchedRecordingGivesItsCallTheTimeline() throws {
        let truth = try TalkTruth.load("talk-pcma")
        let folder = TemporaryDirectory("callscope-rec")
        defer { folder.remove() }
        let recording = folder.url.appendingPathComponent("rec-\(truth.callID).wav")
        try FileManager.default.copyItem(at: TalkTruth.folder.appendingPathComponent(truth.wavFile), to: recording)
        let result = try CLI.run(["talk", "captures/talk/talk-pcma.pcap", recording.path, "--recording-id", "^rec-(.+)\\.wav$", "-f", "json"])
        #expect(result.stderr.contains("1 recording (1 matched to calls)"), "\(result.stderr)")
        let records = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(records.count == 1)
        let record = try #require(records.first)
        #expect(record["call_id"] as? String == truth.callID)
        #expect(record["caller"] as? String == "+441632960123")
        truth.check(record, "matched recording")
    }

    /// The bundled recordings are named by their calls' Call-IDs: `talk captures/talk/` gives one
    /// row per call (the captures alone give as many), each recording on its call, with its
    /// numbers, not a numberless call of its own dated by the file's time.
    @Test func bundledRecordingsPairWithTheirCalls() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: TalkTruth.folder.path)
        let captures = names.filter { $0.hasSuffix(".pcap") }.sorted().map { "captures/talk/" + $0 }
        let callsOnly = try talkRecords(captures + ["-q"])
        let result = try CLI.run(["talk", "captures/talk/", "-f", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("3 recordings (3 matched to calls)"), "\(result.stderr)")
        let records = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(records.count == callsOnly.count)
        #expect(records.count == captures.count)  // one conversation per capture
        #expect(records.allSatisfy { $0["caller"] is String && $0["dialed"] is String })
        for name in TalkTruth.samples {
            let truth = try TalkTruth.load(name)
            let record = try #require(records.first { $0["call_id"] as? String == truth.callID })
            let captured = try #require(callsOnly.first { $0["call_id"] as? String == truth.callID })
            #expect(record["start"] as? String == captured["start"] as? String)
            truth.check(record, "\(name) paired")
        }
    }

    @Test func dtmfIsCountedNotSpoken() throws {
        let result = try CLI.run(["calls", "captures/talk/talk-dtmf.pcap", "-f", "json", "-q"])
        let calls = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let streams = try #require(calls.first?["streams"] as? [[String: Any]])
        let caller = try #require(streams.first { $0["sender"] as? String == "caller" })
        #expect(number(caller["dtmf_events"]) == 5)  // 4 4 7 1 #
        #expect(number(caller["packets"]) == 1062)
    }

    @Test func impairedStreamCountsMatchWhatWasDropped() throws {
        // rtp-impaired.loss.expected.json: what the nftables drop rule and SIPp really did.
        let truthData = try Data(contentsOf: TalkTruth.folder.appendingPathComponent("rtp-impaired.loss.expected.json"))
        let truth = try #require(try JSONSerialization.jsonObject(with: truthData) as? [String: Any])
        let lost = try #require(truth["lost_seqs"] as? [Int]).count
        let duplicated = try #require(truth["duplicated_seqs"] as? [Int]).count
        let late = try #require(truth["late_seqs"] as? [Int]).count
        let result = try CLI.run(["calls", "captures/talk/rtp-impaired.pcap", "-f", "json", "-q"])
        let calls = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let streams = try #require(calls.first?["streams"] as? [[String: Any]])
        let impaired = try #require(streams.first { $0["sender"] as? String == "caller" })
        #expect(Int(number(impaired["lost"])) + duplicated == lost)
        #expect(Int(number(impaired["duplicates"])) == duplicated)
        #expect(Int(number(impaired["out_of_order"])) == late)
        let mos = number(impaired["mos"])
        let clean = try #require(streams.first { $0["sender"] as? String == "callee" })
        #expect(mos < number(clean["mos"]))
        #expect(mos > 3.5 && mos < 4.3)
        #expect(calls.first?["caller_rtp_lost"] as? Int == Int(number(impaired["lost"])))
    }

    @Test func callsTalkFillsTheTalkColumns() throws {
        let truth = try TalkTruth.load("talk-inbound")
        let plain = try CLI.ndjson(try CLI.run(["calls", "captures/talk/talk-inbound.pcap", "-f", "ndjson", "-q"]).stdout)
        #expect(plain.first?["caller_talk_s"] is NSNull)
        let talk = try CLI.ndjson(try CLI.run(["calls", "captures/talk/talk-inbound.pcap", "-f", "ndjson", "-q", "--talk"]).stdout)
        let record = try #require(talk.first)
        truth.check(record, "calls --talk")
        #expect(abs(number(record["silence_s"]) + number(record["caller_talk_s"]) + number(record["agent_talk_s"]) - number(record["overtalk_s"]) - 29.93) < 0.05)
    }

    @Test func perAgentReportSumsTheirCalls() throws {
        let paths = TalkTruth.samples.map { "captures/talk/\($0).pcap" }
        let result = try CLI.run(["talk"] + paths + ["--by", "agent", "-f", "json", "-q"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 3)  // one dialled number each
        let inbound = try TalkTruth.load("talk-inbound")
        let row = try #require(rows.first { $0["agent"] as? String == "18005550199" })
        #expect(number(row["calls"]) == 1)
        #expect(abs(number(row["agent_share"]) - inbound.agentShare) <= 0.03)
        let tenths = try #require(row["share_by_tenth"] as? [Any])
        #expect(tenths.count == 10)
        // The first tenth is the caller's question: the agent holds none of it.
        #expect(number(tenths[0]) == 0)
        let table = try CLI.run(["talk"] + paths + ["--by", "agent", "-q"])
        #expect(table.stdout.contains("loses_at"))
        // The period line, the header and its rule, the agents.
        #expect(table.stdout.split(separator: "\n").count == 7)
        #expect(table.stdout.hasPrefix("Period: from "))
    }

    @Test func svgPictures() throws {
        let one = try CLI.run(["talk", "captures/talk/talk-inbound.pcap", "-f", "svg", "-q"])
        #expect(one.stdout.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(one.stdout.contains("<title>Talk ownership of call talk-inbound-"))
        let records = try talkRecords(["captures/talk/talk-inbound.pcap", "-q"])
        let segments = try #require(records.first?["segments"] as? [[String: Any]])
        #expect(one.stdout.components(separatedBy: "<title>").count - 2 == segments.count)
        let scratch = TemporaryDirectory("callscope-svg")
        defer { scratch.remove() }
        let folder = scratch.url.appendingPathComponent("out")  // callscope makes the output folder
        let many = try CLI.run(["talk"] + TalkTruth.samples.map { "captures/talk/\($0).pcap" } + ["-f", "svg", "-o", folder.path, "-q"])
        #expect(many.stdout.split(separator: "\n").count == 3)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".svg") }.count == 3)
        let refused = try CLI.run(["talk"] + TalkTruth.samples.map { "captures/talk/\($0).pcap" } + ["-f", "svg", "-q"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("give --output DIR"))
    }

    @Test func stripsShowOwnership() throws {
        let result = try CLI.run(["talk", "captures/talk/talk-inbound.pcap", "--width", "30", "--color", "never", "-q"])
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 5)
        let strip = try #require(lines[2].split(separator: " ").last)
        #expect(strip.count == 30)
        #expect(strip.first == ".")  // the call opens with a moment of silence, then the caller
        #expect(strip.dropFirst().first == "C")
        #expect(lines[3].hasPrefix("legend:"))
        #expect(lines[4] == "1 call from 2026-11-25 10:26:42 to 2026-11-25 10:26:42 (UTC)")
        let coloured = try CLI.run(["talk", "captures/talk/talk-inbound.pcap", "--color", "always", "-q"])
        #expect(coloured.stdout.contains("\u{1B}[34m█"))
    }

    @Test func badRecordingIsReportedWithItsName() throws {
        let result = try CLI.run(["talk", "Package.swift", try TalkTruth.load("talk-inbound").wavPath, "-q"])
        #expect(result.status == 1)
        let directory = TemporaryDirectory("callscope-mono")
        defer { directory.remove() }
        let mono = directory.file("mono.wav")
        // A real one-channel recording: the left channel of a sample, written by sox.
        try ProcessRunner.tool("sox", [TalkTruth.folder.appendingPathComponent(try TalkTruth.load("talk-inbound").wavFile).path, mono, "remix", "1"])
        let monoRun = try CLI.run(["talk", mono])
        #expect(monoRun.status == 1)
        #expect(monoRun.stderr.contains("a talk recording needs two channels, one per side; this one has 1"))
    }

    @Test func recordingsAreOnlyReadForTalkAnalysis() throws {
        let truth = try TalkTruth.load("talk-inbound")
        let report = try CLI.run(["report", truth.wavPath, "captures/talk/talk-inbound.pcap", "-f", "json"])
        #expect(report.stderr.contains("\(truth.wavFile): warning: WAV recording skipped: recordings are read by `talk` and `calls --talk`"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])
        #expect((object["overall"] as? [String: Any])?["offered"] as? Int == 1)
    }

    @Test func colouredTableKeepsItsColumnsAligned() throws {
        let result = try CLI.run(["talk", "captures/talk/talk-inbound.pcap", "--color", "always", "--width", "20", "-q"])
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let header = try #require(lines.first)
        // The rule spans the columns; the header line ends with the 8-letter title of the
        // 20-character strip column (trailing spaces trimmed). Counting ANSI bytes made it 200+.
        #expect(lines[1].count == header.count + 20 - "timeline".count)
        #expect(lines[2].contains("\u{1B}[3"))
    }

    @Test func svgFilesNeverOverwriteEachOther() throws {
        let scratch = TemporaryDirectory("callscope-svg2")
        defer { scratch.remove() }
        let folder = scratch.url.appendingPathComponent("out")  // callscope makes the output folder
        // The same capture twice would be the same call; two recordings whose ids clean to the
        // same file name are two calls.
        let a = folder.appendingPathComponent("in").appendingPathComponent("x@y.wav")
        let b = folder.appendingPathComponent("in").appendingPathComponent("x#y.wav")
        try FileManager.default.createDirectory(at: a.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: TalkTruth.folder.appendingPathComponent(try TalkTruth.load("talk-inbound").wavFile), to: a)
        try FileManager.default.copyItem(at: TalkTruth.folder.appendingPathComponent(try TalkTruth.load("talk-pcma").wavFile), to: b)
        let result = try CLI.run(["talk", a.path, b.path, "-f", "svg", "-o", folder.appendingPathComponent("out").path, "-q"])
        #expect(result.stdout.split(separator: "\n").map { String($0.split(separator: "/").last ?? "") }.sorted() == ["x_y-2.svg", "x_y.svg"])
    }

    @Test func tableShowsTheQualityOfEachSide() throws {
        // The caller's RTP of the impaired sample lost 29 packets (31 dropped, 2 duplicated).
        let result = try CLI.run(["talk", "captures/talk/rtp-impaired.pcap", "--color", "never", "-q"])
        let row = try #require(result.stdout.split(separator: "\n").dropFirst(2).first)
        let cells = row.split(separator: " ")
        #expect(cells.contains("29/0"))
        let mos = try #require(cells.first { $0.contains("/4.41") })
        let callerMOS = try #require(Double(mos.split(separator: "/")[0]))
        #expect(callerMOS > 3.5 && callerMOS < 4.3)
    }
}
