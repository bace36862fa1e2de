import CallModel
import Foundation
import Testing
import TestSupport
@testable import CallMetrics

@Suite struct TimeBucketTests {
    static func utc(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int = 0) -> Timestamp {
        Timestamp(year: y, month: mo, day: d, hour: h, minute: mi, second: s)
    }

    static func rows(_ calls: [Call], _ by: GroupBy, _ zone: TimeZone = Fixture.london) -> [String: Int] {
        let report = MetricsEngine.report(calls: calls, groupBy: by, options: Fixture.options(zone))
        return Dictionary(uniqueKeysWithValues: report.groups.map { ($0.key, $0.kpis.offered) })
    }

    /// 2024-03-31, Europe/London: 01:00 GMT jumps to 02:00 BST; the local hour 01 does not exist.
    @Test func springForwardDay() {
        let calls = [
            Fixture.call("a", Self.utc(2024, 3, 31, 0, 30), .answered, wait: 1, talk: 1),  // 00:30 GMT
            Fixture.call("b", Self.utc(2024, 3, 31, 0, 59, 59), .answered, wait: 1, talk: 1),  // 00:59:59 GMT
            Fixture.call("c", Self.utc(2024, 3, 31, 1, 0), .answered, wait: 1, talk: 1),  // 02:00 BST
            Fixture.call("d", Self.utc(2024, 3, 31, 1, 30), .answered, wait: 1, talk: 1),  // 02:30 BST
            Fixture.call("e", Self.utc(2024, 3, 31, 22, 59, 59), .answered, wait: 1, talk: 1),  // 23:59:59 BST
            Fixture.call("f", Self.utc(2024, 3, 31, 23, 0), .answered, wait: 1, talk: 1),  // 00:00 BST, April 1st
        ]
        #expect(Self.rows(calls, .hour) == ["00:00": 3, "02:00": 2, "23:00": 1])
        #expect(Self.rows(calls, .day) == ["2024-03-31": 5, "2024-04-01": 1])
        #expect(Self.rows(calls, .weekday) == ["Sun": 5, "Mon": 1])
        #expect(Self.rows(calls, .week) == ["2024-W13": 5, "2024-W14": 1])
        let report = MetricsEngine.report(calls: calls, groupBy: .hour, options: Fixture.options(Fixture.london))
        #expect(report.groups.map(\.key) == ["00:00", "02:00", "23:00"])
        #expect(MetricsEngine.report(calls: calls, groupBy: .weekday, options: Fixture.options(Fixture.london)).groups.map(\.key) == ["Mon", "Sun"])
        // The same instants in UTC.
        #expect(Self.rows(calls, .hour, Fixture.utc) == ["00:00": 2, "01:00": 2, "22:00": 1, "23:00": 1])
    }

    /// 2024-10-27, Europe/London: 02:00 BST goes back to 01:00 GMT; the local hour 01 happens twice
    /// and the day has 25 hours.
    @Test func fallBackDay() {
        let calls = [
            Fixture.call("a", Self.utc(2024, 10, 26, 23, 0), .answered, wait: 1, talk: 1),  // 00:00 BST Oct 27
            Fixture.call("b", Self.utc(2024, 10, 27, 0, 30), .answered, wait: 1, talk: 1),  // 01:30 BST
            Fixture.call("c", Self.utc(2024, 10, 27, 0, 59, 59), .answered, wait: 1, talk: 1),  // 01:59:59 BST
            Fixture.call("d", Self.utc(2024, 10, 27, 1, 0), .answered, wait: 1, talk: 1),  // 01:00 GMT
            Fixture.call("e", Self.utc(2024, 10, 27, 1, 30), .answered, wait: 1, talk: 1),  // 01:30 GMT
            Fixture.call("f", Self.utc(2024, 10, 27, 2, 0), .answered, wait: 1, talk: 1),  // 02:00 GMT
            Fixture.call("g", Self.utc(2024, 10, 27, 23, 59, 59), .answered, wait: 1, talk: 1),  // 23:59:59 GMT
            Fixture.call("h", Self.utc(2024, 10, 26, 22, 59, 59), .answered, wait: 1, talk: 1),  // 23:59:59 BST Oct 26
        ]
        #expect(Self.rows(calls, .hour) == ["00:00": 1, "01:00": 4, "02:00": 1, "23:00": 2])
        #expect(Self.rows(calls, .day) == ["2024-10-26": 1, "2024-10-27": 7])
        #expect(Self.rows(calls, .weekday) == ["Sat": 1, "Sun": 7])
        let grid = MetricsEngine.heatmap(calls: calls, metric: .volume, direction: nil, options: Fixture.options(Fixture.london))
        #expect(grid.cell(weekday: 6, hour: 1).calls == 4)
        #expect(grid.cell(weekday: 6, hour: 1).value == 4)
        #expect(grid.cell(weekday: 5, hour: 23).calls == 1)
    }

    /// A call that starts before midnight and ends after it belongs to the day (and hour) of its start.
    @Test func callSpanningMidnightBelongsToItsStart() {
        let start = Self.utc(2024, 6, 3, 22, 59, 50)  // 23:59:50 BST Monday
        let calls = [Fixture.call("late", start, .answered, wait: 5, talk: 600)]
        let report = MetricsEngine.report(calls: calls, groupBy: .day, options: Fixture.options(Fixture.london))
        #expect(report.groups.map(\.key) == ["2024-06-03"])
        #expect(report.groups[0].kpis.talkMinutes == 10)
        #expect(Self.rows(calls, .hour) == ["23:00": 1])
        #expect(Self.rows(calls, .weekday) == ["Mon": 1])
    }

    @Test(arguments: [
        (2021, 1, 1, "2020-W53"), (2021, 1, 4, "2021-W01"), (2024, 12, 30, "2025-W01"),
        (2026, 1, 1, "2026-W01"), (2027, 1, 3, "2026-W53"), (2024, 3, 31, "2024-W13"),
    ])
    func isoWeeks(year: Int, month: Int, day: Int, label: String) {
        let days = Timestamp.daysFromCivil(year: Int64(year), month: month, day: day)
        let (y, w) = CivilDate.isoWeek(days: days)
        #expect(CivilDate.weekLabel(year: y, week: w) == label)
    }

    /// The cached-offset clock agrees with Foundation's Calendar at every quarter hour around
    /// both 2024 transitions in London, New York and Lord Howe (a 30-minute DST shift).
    @Test(arguments: ["Europe/London", "America/New_York", "Australia/Lord_Howe"])
    func localClockMatchesCalendar(zoneName: String) throws {
        let zone = try timeZone(zoneName)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var clock = LocalClock(zone: zone)
        let start = Self.utc(2024, 3, 1, 0, 0).nanoseconds / 1_000_000_000
        for step in stride(from: Int64(0), to: 366 * 96, by: 1) {
            let s = start + step * 900 + (step % 7)
            let local = clock.local(Timestamp(seconds: s))
            let c = calendar.dateComponents([.year, .month, .day, .hour, .weekday], from: Date(timeIntervalSince1970: TimeInterval(s)))
            let (y, m, d) = CivilDate.ymd(days: local.days)
            #expect(Int(y) == c.year && m == c.month && d == c.day && local.hour == c.hour)
            #expect((local.weekday + 1) % 7 + 1 == c.weekday)  // Calendar: 1 = Sunday
            if Int(y) != c.year || m != c.month || d != c.day || local.hour != c.hour { return }
        }
    }

    @Test func groupKeysAndOrder() {
        let t = Fixture.monday
        let calls = [
            Fixture.call("1", t, .answered, wait: 1, talk: 1, dialed: "+44 20 7946 0100", agent: "b", queue: "sales", source: "x.csv"),
            Fixture.call("2", Fixture.at(t, plus: 1), .answered, wait: 1, talk: 1, dialed: "+442079460100", agent: "a", source: "y.csv"),
            Fixture.call("3", Fixture.at(t, plus: 2), .busy, dialed: nil, agent: nil, queue: "", source: "x.csv"),
            Fixture.call("4", Fixture.at(t, plus: 3), .answered, wait: 1, talk: 1, caller: "201", dialed: "+447700900001",
                         direction: .outbound, agent: "B"),
            Fixture.call("5", Fixture.at(t, plus: 4), .answered, wait: 1, talk: 1, caller: "201", dialed: "202", direction: .internal),
            Fixture.call("6", Fixture.at(t, plus: 5), .answered, wait: 1, talk: 1, direction: nil),
        ]
        func keys(_ by: GroupBy) -> [String] {
            MetricsEngine.report(calls: calls, groupBy: by, options: Fixture.options()).groups.map(\.key)
        }
        #expect(keys(.agent) == ["B", "a", "b", "(none)"])
        #expect(keys(.queue) == ["sales", "(none)"])
        #expect(keys(.dialed) == ["+442079460100", "+447700900001", "202", "(none)"])
        #expect(keys(.source) == ["test", "x.csv", "y.csv"])
        #expect(keys(.direction) == ["inbound", "internal", "outbound", "(none)"])
        let byDialed = MetricsEngine.report(calls: calls, groupBy: .dialed, options: Fixture.options())
        #expect(byDialed.groups[0].kpis.offered == 3)  // calls 1, 2 (same number, normalised) and 6
    }
}
