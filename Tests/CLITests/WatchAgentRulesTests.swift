import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport

/// `callscope watch --follow queue_log --rules`: the agent-state rules judged as the queue_log
/// is written. The lines are written as Asterisk's app_queue writes them (the forms of
/// cdr-samples/asterisk-queue_log: `epoch|callid|queue|agent|EVENT|data`), timed now: agent 203
/// (`Local/203@from-queue/n`, a member of `support`) pauses for a break and stays paused,
/// unpauses, pauses again for lunch; a caller enters `support`, rings agent 201 twice with no
/// answer (RINGNOANSWER after the 15 s ring timeout of the dialplan's Queue()) and hangs up
/// (ABANDON).
@Suite(.serialized) struct WatchAgentRulesTests {
    static func epoch() -> Int { Int(Date().timeIntervalSince1970) }

    @Test func agentRulesRaiseTheirEventsAsTheQueueLogIsWritten() throws {
        let directory = TemporaryDirectory("watch-agent-rules")
        defer { directory.remove() }
        let queueLog = try directory.write("queue_log", "")
        let rules = try directory.write("rules.yaml", """
            rules:
              - {name: Long break, when: pause_longer_than, minutes: 0.05, severity: critical}
              - {name: Many pauses, when: pauses_per_day, count: 1}
              - {name: Rings, when: rona_per_day, count: 1}
              - {name: Late, when: late_login, minutes: 5}
            """)
        let watch = try LiveWatchProcess(["--follow", queueLog, "--config", "/dev/null", "--timezone", "UTC", "--rules", rules])
        func write(_ lines: [String]) throws { try WatchFollowTests.append(lines.map { $0 + "\n" }.joined(), to: queueLog) }
        func events() throws -> [[String: Any]] { try watch.records().map(\.record).filter { $0["kind"] as? String == "event" } }

        let paused = Self.epoch()
        try write(["\(paused)|NONE|support|Local/203@from-queue/n|ADDMEMBER|", "\(paused)|NONE|support|Local/201@from-queue/n|ADDMEMBER|",
                   "\(paused)|NONE|support|Local/203@from-queue/n|PAUSE|Break"])
        // 0.05 minutes is 3 s: the event comes while 203 is still paused (the queue_log says nothing more).
        let deadline = Date().addingTimeInterval(8)
        while try events().isEmpty, Date() < deadline { usleep(50_000) }
        let first = try events()
        #expect(first.count == 1, "\(watch.stderr)")
        #expect(first.first?["rule"] as? String == "Long break")
        #expect(first.first?["agent"] as? String == "203")
        #expect(first.first?["severity"] as? String == "critical")
        #expect(first.first?["time"] as? String == ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(paused))).replacingOccurrences(of: "Z", with: ".000Z"))
        #expect((first.first?["detail"] as? String)?.hasPrefix("pause (Break) of ") == true)
        #expect((first.first?["detail"] as? String)?.hasSuffix("so far, still paused") == true, "\(first)")
        #expect(Date().timeIntervalSince1970 - Double(paused) >= 3)

        let later = Self.epoch()
        try write(["\(later)|NONE|support|Local/203@from-queue/n|UNPAUSE|", "\(later)|NONE|support|Local/203@from-queue/n|PAUSE|Lunch",
                   "\(later)|NONE|support|Local/203@from-queue/n|UNPAUSE|",
                   "\(later)|\(later).7|support|NONE|ENTERQUEUE||+447700900789|1",
                   "\(later)|\(later).7|support|Local/201@from-queue/n|RINGNOANSWER|15000",
                   "\(later)|\(later).7|support|Local/201@from-queue/n|RINGNOANSWER|15000",
                   "\(later)|\(later).7|support|NONE|ABANDON|1|1|31"])
        watch.waitForLines(4, seconds: 8)
        #expect(watch.stop() == 0, "\(watch.stderr)")
        let all = try events()
        #expect(all.map { $0["rule"] as? String } == ["Long break", "Many pauses", "Rings"], "\(all)")
        #expect(all.map { $0["agent"] as? String } == ["203", "203", "201"])
        #expect(all.map { $0["value"] as? Double } == [0.1, 2, 2])
        let day = String(ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(later))).prefix(10))
        #expect(all.dropFirst().first?["detail"] as? String == "2 pauses on \(day) so far")
        #expect(all.last?["detail"] as? String == "2 rings not answered on \(day) so far")
        // The caller's call came out too, abandoned in the queue.
        let calls = try watch.records().map(\.record).filter { $0["kind"] == nil }
        #expect(calls.map { $0["outcome"] as? String } == ["abandoned"])
        #expect(watch.stderr.contains("rules not judged live (they need shifts or later calls): Late"), "\(watch.stderr)")
        #expect(watch.stderr.contains("3 control events raised"), "\(watch.stderr)")
    }
}
