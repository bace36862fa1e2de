import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TestSupport

/// Caller IDs and CDR fields written by an attacker, through every output format of the real
/// binary: `captures/hostile/hostile-udp.pcap` (five SIPp calls made by
/// `captures/hostile/generate.sh`) and `Fixtures/hostile-master.csv` (three Asterisk rows).
@Suite("Hostile caller IDs in every output")
struct HostileInputTests {
    static let capture = "captures/hostile/hostile-udp.pcap"
    static let master = "Tests/CLITests/Fixtures/hostile-master.csv"
    /// What must never reach a terminal raw: ESC, BEL, the C1 CSI, and a right-to-left override.
    static let forbidden: [Unicode.Scalar] = ["\u{1B}", "\u{07}", "\u{9B}", "\u{202E}"]

    static func hasForbidden(_ text: String) -> Bool {
        text.unicodeScalars.contains(where: forbidden.contains)
    }

    @Test("Tables and diagnostics show control characters escaped", arguments: [capture, master])
    func tables(input: String) throws {
        let result = try CLI.run(["calls", input, "--timezone", "UTC", "--max-diagnostics", "0"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!Self.hasForbidden(result.stdout), "raw control characters in the table")
        #expect(!Self.hasForbidden(result.stderr), "raw control characters on stderr")
        #expect(result.stdout.contains(#"\x1b"#))
    }

    @Test func captureCallsKeepTheirValuesInJSON() throws {
        let result = try CLI.run(["calls", Self.capture, "--format", "ndjson"])
        #expect(result.status == 0)
        // JSON escapes every control and bidi character, and gives the values back as written.
        #expect(!Self.hasForbidden(result.stdout))
        #expect(result.stdout.contains(#"\u001b]0;pwned\u0007"#))
        #expect(result.stdout.contains(#"\u202e+447700900003"#))
        let callers = try CLI.ndjson(result.stdout).map { $0["caller"] as? String }
        #expect(callers == [
            "\u{1B}]0;pwned\u{07}\u{1B}[31m+447700900001",
            "=HYPERLINK(\"http://x.example/\")*cmd|' /C calc'!A0",
            "\u{202E}+447700900003",
            // A quoted display name holding `<`...`>` is one token: the number is still found.
            "+447700900004",
            "@SUM(1+1)",
        ])
        let dialed = try CLI.ndjson(result.stdout).last?["dialed"] as? String
        #expect(dialed == "\t=2+5")
    }

    @Test("CSV cells that a spreadsheet would run are neutralised", arguments: [capture, master])
    func csv(input: String) throws {
        let result = try CLI.run(["calls", input, "--format", "csv", "--timezone", "UTC"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        // No cell starts with = @ + - tab or CR unless it is a telephone number.
        for line in lines.dropFirst() where !line.isEmpty {
            for cell in Self.cells(String(line)) {
                guard let first = cell.first else { continue }
                let rest = cell.dropFirst()
                let isNumber = !rest.isEmpty && rest.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "*" || $0 == "#") }
                #expect(!("=@\t\r".contains(first) || ("+-".contains(first) && !isNumber && !rest.isEmpty)), "formula cell \(cell)")
            }
        }
        #expect(result.stdout.contains("'@SUM(1+1)"))
        #expect(result.stdout.contains(#""'=HYPERLINK(""http://x.example/"")*cmd|' /C calc'!A0""#))
        // Real numbers stay numbers.
        #expect(result.stdout.contains(",+442079460100,") || result.stdout.contains(",+447700900003,"))
    }

    @Test func talkPicturesAreWellFormedSVG() throws {
        let scratch = TemporaryDirectory("callscope-hostile")
        defer { scratch.remove() }
        let directory = scratch.url.appendingPathComponent("out")  // callscope makes the output folder
        let result = try CLI.run(["talk", Self.capture, "--format", "svg", "-o", directory.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!Self.hasForbidden(result.stdout) && !Self.hasForbidden(result.stderr))
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".svg") }.sorted()
        #expect(names.count == 5, "\(names)")
        var texts: [String] = []
        for name in names {
            let data = try Data(contentsOf: directory.appendingPathComponent(name))
            let parser = XMLParser(data: data)
            #expect(parser.parse(), "\(name) is not well-formed XML: \(String(describing: parser.parserError))")
            texts.append(String(decoding: data, as: UTF8.self))
        }
        let all = texts.joined()
        #expect(!Self.hasForbidden(all))
        #expect(all.contains(#"\x1b]0;pwned\x07\x1b[31m+447700900001"#))
        #expect(all.contains("\\u202e+447700900003"))
    }

    /// A file whose name carries terminal escapes, imported and listed by `db stats`.
    @Test func hostileFileNamesInTheStore() throws {
        let directory = TemporaryDirectory("callscope-hostile")
        defer { directory.remove() }
        let file = directory.url.appendingPathComponent("\u{1B}]0;pwned\u{07}Master.csv")
        try FileManager.default.copyItem(at: TestPaths.root.appendingPathComponent(Self.master), to: file)
        let database = directory.url.appendingPathComponent("calls.sqlite").path
        let imported = try CLI.run(["import", file.path, "--db", database, "--timezone", "UTC"])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(!Self.hasForbidden(imported.stderr))
        let stats = try CLI.run(["db", "stats", "--db", database])
        #expect(stats.status == 0)
        #expect(stats.stdout.contains(#"\x1b]0;pwned\x07Master.csv"#))
        #expect(!Self.hasForbidden(stats.stdout))
    }

    /// Splits one CSV line into cells (RFC 4180 quoting; no embedded line breaks in these files).
    static func cells(_ line: String) -> [String] {
        var cells: [String] = [], cell = "", inQuotes = false
        var chars = Array(line)[...]
        while let c = chars.popFirst() {
            if inQuotes {
                if c == "\"" {
                    if chars.first == "\"" { cell.append("\""); chars.removeFirst() } else { inQuotes = false }
                } else { cell.append(c) }
            } else if c == "\"" { inQuotes = true }
            else if c == "," { cells.append(cell); cell = "" }
            else { cell.append(c) }
        }
        cells.append(cell)
        return cells
    }
}

/// `captures/hostile/rtp-jumps-udp.pcap`: one answered SIPp call whose caller RTP jumps its
/// timestamp forward by 0x7FFF0000 every 20 packets (`captures/hostile/rtp-jumps.py`). Talk
/// analysis used to die on it with an arithmetic overflow (MediaAssociation, the timeline offset).
@Suite("RTP timestamps jumping by 2^31")
struct RTPTimestampJumpTests {
    @Test(arguments: [["calls", "--talk", "--format", "ndjson"], ["talk", "--format", "json"]])
    func talkAnalysisSurvivesAndStaysWithinTheCall(command: [String]) throws {
        let result = try CLI.run(command + ["captures/hostile/rtp-jumps-udp.pcap"])
        #expect(result.status == 0, "\(result.stderr)")
        let parsed = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        let objects = (parsed as? [[String: Any]]) ?? [parsed as? [String: Any]].compactMap { $0 }
        #expect(objects.count == 1)
        let object = try #require(objects.first)
        #expect(object["caller"] as? String == "+447700900010")
        if command[0] == "calls" {
            // Each jump is a timestamp reset (RTPStreamStatistics): the jitter and MOS are those of
            // the steady 20 ms stream on loopback, as for the callee's stream without jumps.
            let jitter = try #require(object["caller_rtp_jitter_ms"] as? Double)
            let calleeJitter = try #require(object["callee_rtp_jitter_ms"] as? Double)
            #expect(jitter < 5 && abs(jitter - calleeJitter) < 2, "caller jitter \(jitter) ms, callee \(calleeJitter) ms")
            #expect((object["caller_mos"] as? Double ?? 0) > 4.3)
        }
        // The timeline follows arrival time across every jump: speech and silence cover the talk
        // time (caller and agent speech each include the overtalk), never the days the
        // timestamps claim; both sides play the same 4.7 s recording at once, so the caller's
        // speech lines up with the agent's.
        let figures = ["talk_s", "caller_talk_s", "agent_talk_s", "overtalk_s", "silence_s"].map { object[$0] as? Double }
        let values = figures.compactMap { $0 }
        #expect(values.count == 5 || command[0] == "talk", "\(object.keys.sorted())")
        guard let caller = figures[1], let agent = figures[2], let overtalk = figures[3], let silence = figures[4] else { return }
        let covered = caller + agent - overtalk + silence
        #expect(covered > 5 && covered < 6, "timeline covers \(covered) s")
        #expect(caller > 4 && abs(caller - agent) < 0.3, "caller \(caller) s, agent \(agent) s")
    }
}

/// `Fixtures/late-frame-{1,2}.pcap`: a public capture's records dealt to two files by the fuzz
/// target FuzzCapture, one RTP record's seconds moved 65,536 s ahead (what libFuzzer found,
/// `Tests/FuzzRegressions/FuzzCapture/timeout-late-frame-talk.pcap`). The 2-second call once got
/// a talk timeline of 65,537 s and took 16 s of CPU.
@Suite("A frame stamped hours after its call")
struct LateFrameTalkTests {
    @Test(arguments: ["1", "2"])
    func talkStaysWithinTheCall(jobs: String) throws {
        let result = try CLI.run(["calls", "--talk", "--format", "ndjson", "--jobs", jobs,
                                  "Tests/CLITests/Fixtures/late-frame-1.pcap", "Tests/CLITests/Fixtures/late-frame-2.pcap"])
        #expect(result.status == 0)
        let call = try #require(try CLI.ndjson(result.stdout).first)
        let talk = try #require(call["talk_s"] as? Double)
        let parts = ["caller_talk_s", "agent_talk_s", "silence_s"].compactMap { call[$0] as? Double }
        #expect(parts.count == 3)
        #expect(parts.reduce(0, +) <= talk + 0.5, "timeline \(parts) for a call of \(talk) s")
        #expect(result.stderr.contains("audio frames left out of its talk timeline"))
    }
}
