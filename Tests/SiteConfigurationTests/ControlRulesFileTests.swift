import CallMetrics
import Foundation
import SiteConfiguration
import Testing

/// The rules file and the shifts file of `callscope events` (README "callscope events"): what
/// they read to, and every problem named with its line.
@Suite struct ControlRulesFileTests {
    @Test func everyKindReadsToItsRule() throws {
        let text = """
            rules:
              - {name: a, when: agent_ended_within, seconds: 10, severity: critical, queues: [support, sales]}
              - {name: b, when: wait_longer_than, seconds: 60.5, queues: sales}
              - {name: c, when: pause_longer_than, minutes: 30, reason: "Break*", agents: ["302"]}
              - {name: d, when: pauses_per_day, count: 8}
              - {name: e, when: rona_per_day, count: 3, severity: info}
              - {name: f, when: lost_not_returned, minutes: 60}
              - {name: g, when: late_login, minutes: 10}
              - {name: h, when: early_logoff, minutes: 15}
              - {name: i, when: absent}
              - {name: j, when: poor_audio, mos_below: 3.6}
              - {name: k, when: agent_share_above, share: 0.7}
              - {name: l, when: overtalk_above, seconds: 5}
              - {name: m, when: kpi, metric: abandonment_rate, above: 0.1, window: 30m, by: queue, min_calls: 10}
              - {name: n, when: kpi, metric: service_level, below: 0.8, window: 2h}
            """
        let rules = try ControlRulesFile.parse(text, file: "r.yaml")
        #expect(rules == [
            ControlRule(name: "a", kind: .agentEndedWithin(seconds: 10), severity: .critical, queues: ["support", "sales"]),
            ControlRule(name: "b", kind: .waitLongerThan(seconds: 60.5), queues: ["sales"]),
            ControlRule(name: "c", kind: .pauseLongerThan(minutes: 30, reason: "Break*"), agents: ["302"]),
            ControlRule(name: "d", kind: .pausesPerDay(count: 8, reason: nil)),
            ControlRule(name: "e", kind: .ronaPerDay(count: 3), severity: .info),
            ControlRule(name: "f", kind: .lostNotReturned(minutes: 60)),
            ControlRule(name: "g", kind: .lateLogin(minutes: 10)),
            ControlRule(name: "h", kind: .earlyLogoff(minutes: 15)),
            ControlRule(name: "i", kind: .absent),
            ControlRule(name: "j", kind: .poorAudio(mosBelow: 3.6)),
            ControlRule(name: "k", kind: .agentShareAbove(share: 0.7)),
            ControlRule(name: "l", kind: .overtalkAbove(seconds: 5)),
            ControlRule(name: "m", kind: .kpi(KPIWindowRule(metric: "abandonment_rate", above: 0.1, windowSeconds: 1800, by: .queue, minCalls: 10))),
            ControlRule(name: "n", kind: .kpi(KPIWindowRule(metric: "service_level", below: 0.8, windowSeconds: 7200))),
        ])
    }

    /// Each bad file, the line to blame and words of the message.
    @Test(arguments: [
        ("rules:\n  - name: a\n    when: dropped_calls\n", 3, "unknown kind 'dropped_calls'"),
        ("rules:\n  - name: a\n    when: kpi\n    metric: calls\n    above: 1\n    window: 1h\n", 4, "metric 'calls' is not a KPI key"),
        ("rules:\n  - name: a\n    when: kpi\n    metric: asr\n    above: 1\n    below: 0\n    window: 1h\n", 4, "exactly one of 'above' and 'below'"),
        ("rules:\n  - name: a\n    when: kpi\n    metric: asr\n    below: 0.5\n    window: 1d\n", 6, "window '1d' is not a duration"),
        ("rules:\n  - name: a\n    when: kpi\n    metric: asr\n    below: 0.5\n    window: 1h\n    by: day\n", 7, "by 'day' is not none, queue"),
        ("rules:\n  - name: a\n    when: absent\n    minutes: 5\n", 4, "unknown key 'minutes' for absent"),
        ("rules:\n  - name: a\n    when: rona_per_day\n", 2, "rona_per_day needs 'count'"),
        ("rules:\n  - name: a\n    when: rona_per_day\n    count: 2.5\n", 4, "count '2.5' is not a whole number"),
        ("rules:\n  - name: a\n    when: wait_longer_than\n    seconds: -1\n", 4, "seconds '-1' is not a decimal number"),
        ("rules:\n  - name: a\n    when: poor_audio\n    mos_below: 7\n", 4, "mos_below '7'"),
        ("rules:\n  - name: a\n    when: agent_share_above\n    share: 70\n", 4, "share '70' is not a decimal number from 0 to 1"),
        ("rules:\n  - name: a\n    when: absent\n    severity: urgent\n", 4, "severity 'urgent' is not info, warning or critical"),
        ("rules:\n  - name: a\n    when: late_login\n    minutes: 5\n    queues: [sales]\n", 5, "queues apply to call rules only"),
        ("rules:\n  - name: a\n    when: absent\n  - name: a\n    when: absent\n", 4, "rule 'a' is defined twice"),
        ("rules:\n  - when: absent\n", 2, "rule 1 has no name"),
        ("rules:\n  - name: a\n", 2, "has no 'when'"),
        ("rules:\n  - name: a\n    when: [absent\n", 4, "not valid YAML"),
        ("rules: 3\n", 1, "expected a list of rules"),
    ] as [(String, Int, String)])
    func badRulesNameTheirLine(_ text: String, _ line: Int, _ words: String) {
        #expect(throws: ConfigurationError.self) { try ControlRulesFile.parse(text, file: "r.yaml") }
        do {
            _ = try ControlRulesFile.parse(text, file: "r.yaml")
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.description.hasPrefix("r.yaml:\(line): "), "\(error)")
            #expect(error.message.contains(words), "\(error)")
        }
    }

    @Test func shiftsReadWeekdaysAndDates() throws {
        let shifts = try ShiftsFile.parse("agent,day,start,end\n# early team\n303,Tue,09:00,17:30\n\n302, 2026-03-31 ,08:00,24:00\n", file: "s.csv")
        #expect(shifts == [Shift(agent: "303", day: .weekday(1), start: 9 * 3600, end: 17 * 3600 + 1800),
                           Shift(agent: "302", day: .date(days: 20_543), start: 8 * 3600, end: 86_400)])
    }

    @Test(arguments: [
        ("agent,day,start,end\n303,tue,09:00\n", 2, "expected 4 fields"),
        ("303,someday,09:00,17:00\n", 1, "neither a date"),
        ("303,tue,9h,17:00\n", 1, "start '9h' is not a time"),
        ("303,tue,09:00,25:00\n", 1, "end '25:00' is not a time"),
        ("303,tue,09:00,17:00\n303,2026-02-30,09:00,17:00\n", 2, "neither a date"),
        ("303,tue,17:00,09:00\n", 1, "ends (09:00) before it starts"),
        (",tue,09:00,17:00\n", 1, "the agent is empty"),
    ] as [(String, Int, String)])
    func badShiftsNameTheirLine(_ text: String, _ line: Int, _ words: String) {
        do {
            _ = try ShiftsFile.parse(text, file: "s.csv")
            Issue.record("no error for \(text)")
        } catch {
            #expect(error.description.hasPrefix("s.csv:\(line): "), "\(error)")
            #expect(error.message.contains(words), "\(error)")
        }
    }
}
