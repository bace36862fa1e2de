import Foundation
import Testing
import TestSupport

/// `callscope events` on the team day (cdr-samples/team-day: the plan's late login of 303,
/// 45-minute break of 302 and dropped call of 304; cdr-samples/README.md) with the example
/// rules and shifts of the README, in every queue_log form and output format.
@Suite struct EventsCommandTests {
    static let folder = "cdr-samples/team-day/"
    static let rules = ["--rules", folder + "rules.yaml", "--shifts", folder + "shifts.csv", "--timezone", "Europe/London"]

    /// (UTC time, rule, agent, call_id, value): every event the example rules fire on the day.
    /// The waits are the queue_log CONNECT holdtimes over 30 s; 302's rings are its 6th of 10
    /// RINGNOANSWERs; 302's dated shift ends at 17:30 and it logs off at 17:00:30; 305 has a
    /// shift and no login.
    static let expected: [(String, String, String, String?, Double?)] = [
        ("2026-03-31T08:00:00.000Z", "Absent", "305", nil, nil),
        ("2026-03-31T08:25:40.000Z", "Late login", "303", nil, 25.7),
        ("2026-03-31T09:05:05.000Z", "Long wait", "301", "1774947905.13", 35),
        ("2026-03-31T09:30:00.000Z", "Long break", "302", nil, 45),
        ("2026-03-31T10:14:09.000Z", "Dropped call", "304", "1774952046.21", 3),
        ("2026-03-31T11:03:15.000Z", "Long wait", "301", "1774954995.26", 33),
        ("2026-03-31T12:00:00.000Z", "Long lunch", "303", nil, 45),
        ("2026-03-31T13:09:29.000Z", "Rings out", "302", nil, 10),
        ("2026-03-31T14:07:34.000Z", "Long wait", "301", "1774966054.47", 55),
        ("2026-03-31T16:00:30.000Z", "Early logoff", "302", nil, 29.5),
    ]

    @Test(arguments: ["queue_log", "queue_log.csv", "queue_log.sql"])
    func theExampleRulesFireExactlyTheDaysEvents(_ form: String) throws {
        let result = try CLI.run(["events", Self.folder + form] + Self.rules + ["-f", "ndjson", "-q"])
        #expect(result.status == 0, "\(result.stderr)")
        let events = try CLI.ndjson(result.stdout)
        #expect(events.count == Self.expected.count)
        for (event, want) in zip(events, Self.expected) {
            #expect(event["time"] as? String == want.0)
            #expect(event["rule"] as? String == want.1)
            #expect(event["agent"] as? String == want.2)
            #expect(event["call_id"] as? String == want.3, "\(want)")
            #expect((event["value"] as? NSNumber)?.doubleValue == want.4, "\(want)")
            #expect(Set(event.keys) == ["time", "rule", "severity", "agent", "queue", "call_id", "value", "threshold", "detail"])
        }
        #expect(events.first { $0["rule"] as? String == "Dropped call" }?["severity"] as? String == "critical")
        #expect(events.first { $0["rule"] as? String == "Dropped call" }?["queue"] as? String == "sales")
    }

    /// The table shows local times and ends with the count per agent and rule.
    @Test func tableHasLocalTimesAndTheSummary() throws {
        let result = try CLI.run(["events", Self.folder + "queue_log"] + Self.rules + ["-q"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("2026-03-31 09:25:40   Late login"))
        let summary = result.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(summary.first { $0.first == "agent" && $0.last == "total" } != nil)
        #expect(summary.first { $0.first == "302" && $0.count == 10 }?.last == "3")
        #expect(summary.first { $0.first == "301" && $0.count == 10 }?.last == "3")
        #expect(result.stdout.hasSuffix("10 events\n"))
        let csv = try CLI.run(["events", Self.folder + "queue_log"] + Self.rules + ["-f", "csv", "-q"])
        #expect(csv.stdout.split(separator: "\n").first == "time,rule,severity,agent,queue,call_id,value,threshold,detail")
        #expect(csv.stdout.split(separator: "\n").count == 11)
    }

    /// A bad rules file is exit 65 with file:line; a shift rule without --shifts is a usage error.
    @Test func badRulesAndMissingShiftsAreRefused() throws {
        let directory = TemporaryDirectory("callscope")
        defer { directory.remove() }
        let file = directory.url.appendingPathComponent("r.yaml")
        try "rules:\n  - name: x\n    when: pause_longer_than\n    minutes: 10\n    color: red\n".write(to: file, atomically: true, encoding: .utf8)
        let bad = try CLI.run(["events", Self.folder + "queue_log", "--rules", file.path])
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("\(file.path):5: rule 'x': unknown key 'color' for pause_longer_than"))
        #expect(bad.stdout.isEmpty)
        let noShifts = try CLI.run(["events", Self.folder + "queue_log", "--rules", Self.folder + "rules.yaml"])
        #expect(noShifts.status != 0 && noShifts.status != 65)
        #expect(noShifts.stderr.contains("needs --shifts"))
    }

    /// A rule name with a comma, quotes and a terminal escape: quoted in CSV, escaped in the table.
    @Test func hostileRuleNamesGoThroughTheWriters() throws {
        let directory = TemporaryDirectory("callscope")
        defer { directory.remove() }
        let file = directory.url.appendingPathComponent("r.yaml")
        try "rules:\n  - name: \"a,\\\"b\\\"\\e[31mred\"\n    when: agent_ended_within\n    seconds: 10\n".write(to: file, atomically: true, encoding: .utf8)
        let csv = try CLI.run(["events", Self.folder + "queue_log", "--rules", file.path, "-f", "csv", "-q"])
        #expect(csv.status == 0, "\(csv.stderr)")
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.last?.contains(",\"a,\"\"b\"\"\u{1B}[31mred\",") == true, "\(lines)")
        let table = try CLI.run(["events", Self.folder + "queue_log", "--rules", file.path, "-q"])
        #expect(table.status == 0)
        #expect(!table.stdout.contains("\u{1B}"))
        let json = try CLI.run(["events", Self.folder + "queue_log", "--rules", file.path, "-f", "json", "-q"])
        let events = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(events.map { $0["rule"] as? String } == ["a,\"b\"\u{1B}[31mred"])
    }

    /// The talk rules decode the captures' audio and agree with `calls --talk` on the same calls
    /// (captures/talk: real SIP and RTP on loopback, captures/talk/README.md).
    @Test func talkRulesFollowTheTalkAnalysis() throws {
        let directory = TemporaryDirectory("callscope")
        defer { directory.remove() }
        let file = directory.url.appendingPathComponent("r.yaml")
        try "rules:\n  - {name: Agent talks most, when: agent_share_above, share: 0.7}\n  - {name: Overtalk, when: overtalk_above, seconds: 0.9}\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let captures = ["captures/talk/talk-inbound.pcap", "captures/talk/talk-pcma.pcap", "captures/talk/talk-dtmf.pcap"]
        let result = try CLI.run(["events"] + captures + ["--rules", file.path, "-f", "ndjson", "-q"])
        #expect(result.status == 0, "\(result.stderr)")
        let events = try CLI.ndjson(result.stdout)
        let calls = try CLI.ndjson(try CLI.run(["calls"] + captures + ["--talk", "-f", "ndjson", "-q"]).stdout)
        var expected: [(String, String)] = []
        for call in calls {
            let id = try #require(call["call_id"] as? String)
            if let share = (call["agent_share"] as? NSNumber)?.doubleValue, share > 0.7 { expected.append((id, "Agent talks most")) }
            if let overtalk = (call["overtalk_s"] as? NSNumber)?.doubleValue, overtalk > 0.9 { expected.append((id, "Overtalk")) }
        }
        #expect(events.map { "\($0["call_id"] ?? "") \($0["rule"] ?? "")" } == expected.map { "\($0.0) \($0.1)" })
        #expect(events.count == 3)  // pcma and dtmf speak over 70 %, inbound overlaps 1.01 s
        #expect(events.first { $0["rule"] as? String == "Agent talks most" }?["value"] as? Double == 0.76)
    }

    /// `kpi`: the support queue's longest wait over a sliding hour crosses 30 s with each of the
    /// three long waits and recovers at the first support call an hour later (the transitions
    /// worked from the queue_log's ENTERQUEUE times and CONNECT holdtimes).
    @Test func kpiWindowCrossesAndRecovers() throws {
        let directory = TemporaryDirectory("callscope")
        defer { directory.remove() }
        let file = directory.url.appendingPathComponent("r.yaml")
        try "rules:\n  - {name: Slow answer, when: kpi, metric: longest_wait_s, above: 30, window: 1h, by: queue, queues: [support]}\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let result = try CLI.run(["events", Self.folder + "queue_log", "--rules", file.path, "-f", "ndjson", "-q"])
        #expect(result.status == 0, "\(result.stderr)")
        let events = try CLI.ndjson(result.stdout)
        let got = events.map { "\($0["time"] ?? "") \($0["call_id"] ?? "") \($0["value"] ?? "") \($0["severity"] ?? "")" }
        #expect(got == [
            "2026-03-31T09:05:05.000Z 1774947905.13 35.0 warning", "2026-03-31T10:23:24.000Z 1774952604.22 20.0 info",
            "2026-03-31T11:03:15.000Z 1774954995.26 33.0 warning", "2026-03-31T12:03:16.000Z 1774958596.32 8.0 info",
            "2026-03-31T14:07:34.000Z 1774966054.47 55.0 warning", "2026-03-31T15:18:30.000Z 1774970310.55 23.0 info",
        ])
        #expect(events.allSatisfy { $0["queue"] as? String == "support" })
    }

    /// `lost_not_returned` lists the calls `lost` finds not returned (cdr-samples: A03 and A04),
    /// and `poor_audio` the impaired capture's worse MOS as `calls` measures it.
    @Test func lostAndPoorAudioFollowLostAndCalls() throws {
        let directory = TemporaryDirectory("callscope")
        defer { directory.remove() }
        let file = directory.url.appendingPathComponent("r.yaml")
        try "rules:\n  - {name: Lost, when: lost_not_returned, minutes: 60}\n  - {name: Poor, when: poor_audio, mos_below: 4.2}\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let master = ["cdr-samples/asterisk-master.csv", "--timezone", "Europe/London"]
        let events = try CLI.ndjson(try CLI.run(["events"] + master + ["--rules", file.path, "-f", "ndjson", "-q"]).stdout)
        let lost = try CLI.ndjson(try CLI.run(["lost"] + master + ["-f", "ndjson", "-q"]).stdout)
        let open = lost.filter { $0["returned"] as? String == "none" && $0["withheld"] as? Bool == false }.compactMap { $0["call_id"] as? String }
        #expect(events.compactMap { $0["call_id"] as? String } == open)
        #expect(open == ["1774739112.65", "1774739935.72"])
        #expect(events.allSatisfy { $0["rule"] as? String == "Lost" && $0["value"] is NSNull })

        let capture = "captures/talk/rtp-impaired.pcap"
        let poor = try CLI.ndjson(try CLI.run(["events", capture, "--rules", file.path, "-f", "ndjson", "-q"]).stdout)
        let call = try #require(try CLI.ndjson(try CLI.run(["calls", capture, "-f", "ndjson", "-q"]).stdout).first)
        let mos = [call["caller_mos"], call["callee_mos"]].compactMap { ($0 as? NSNumber)?.doubleValue }
        let worse = try #require(mos.min())
        #expect(worse == 4.11)
        #expect(poor.map { $0["call_id"] as? String } == [call["call_id"] as? String])
        #expect((poor.first?["value"] as? NSNumber)?.doubleValue == worse)
    }
}
