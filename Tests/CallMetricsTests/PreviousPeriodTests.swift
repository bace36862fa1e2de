import CallModel
import Foundation
import Testing
@testable import CallMetrics

/// The previous period of a report (the HTML report's tiles): the same length on the local wall
/// clock just before, across the 2026-03-29 spring-forward in London (a 23-hour day).
@Suite struct PreviousPeriodTests {
    /// Local midnight in London: GMT (+00:00) before 2026-03-29 01:00 UTC, BST (+01:00) after.
    static func london(_ month: Int, _ day: Int, _ hour: Int = 0) -> Timestamp {
        let bst = month > 3 || (month == 3 && day >= 30) || (month == 3 && day == 29 && hour >= 2)
        return Timestamp(year: 2026, month: month, day: day, hour: hour, minute: 0, second: 0, utcOffsetSeconds: bst ? 3600 : 0)
    }

    @Test func theDayBeforeTheDSTDayIsTheCalendarDayBefore() throws {
        // 2026-03-29 has 23 hours; the day before it has 24.
        let options = MetricsOptions(timeZone: Fixture.london, from: Self.london(3, 29), to: Self.london(3, 30))
        let previous = try #require(options.previousPeriod)
        #expect(previous.from == Self.london(3, 28) && previous.to == Self.london(3, 29))
        // The day after: previous is the 23-hour day itself.
        let monday = try #require(MetricsOptions(timeZone: Fixture.london, from: Self.london(3, 30), to: Self.london(3, 31)).previousPeriod)
        #expect(monday.from == Self.london(3, 29) && monday.to == Self.london(3, 30))
        // A week across the change: the week before, Monday to Monday.
        let week = try #require(MetricsOptions(timeZone: Fixture.london, from: Self.london(3, 30), to: Self.london(4, 6)).previousPeriod)
        #expect(week.from == Self.london(3, 23) && week.to == Self.london(3, 30))
        // Thresholds and windows are kept.
        #expect(previous.serviceLevelThreshold == options.serviceLevelThreshold && previous.timeZone == options.timeZone)
    }

    /// One rule for wall times a DST change skips or repeats, for shifts and periods alike: a
    /// skipped time reads with the offset before the change, a repeated one is the first.
    @Test func skippedAndRepeatedWallTimes() {
        func wall(_ month: Int, _ day: Int, _ hour: Int, _ minute: Int) -> Int64 {
            Timestamp(year: 2026, month: month, day: day, hour: hour, minute: minute, second: 0, utcOffsetSeconds: 0).nanoseconds / 1_000_000_000
        }
        // 2026-03-29 01:30 does not exist in London: 01:30 GMT, i.e. 02:30 BST.
        #expect(LocalClock.utcSeconds(wall: wall(3, 29, 1, 30), zone: Fixture.london) == wall(3, 29, 1, 30))
        // 2026-10-25 01:30 happens twice: the first, BST, is 00:30 UTC.
        #expect(LocalClock.utcSeconds(wall: wall(10, 25, 1, 30), zone: Fixture.london) == wall(10, 25, 0, 30))
        // Ordinary times either side of the changes.
        #expect(LocalClock.utcSeconds(wall: wall(3, 29, 3, 0), zone: Fixture.london) == wall(3, 29, 2, 0))
        #expect(LocalClock.utcSeconds(wall: wall(10, 25, 3, 0), zone: Fixture.london) == wall(10, 25, 3, 0))
        // The periods and the shift checks read wall times the same way.
        let options = MetricsOptions(timeZone: Fixture.london)
        #expect(options.instant(wall: wall(3, 29, 1, 30)) == Timestamp(nanoseconds: wall(3, 29, 1, 30) * 1_000_000_000))
        #expect(options.instant(wall: wall(10, 25, 1, 30)) == Timestamp(nanoseconds: wall(10, 25, 0, 30) * 1_000_000_000))
    }

    @Test func openRangesHaveNone() {
        #expect(MetricsOptions(from: Self.london(3, 29)).previousPeriod == nil)
        #expect(MetricsOptions(to: Self.london(3, 29)).previousPeriod == nil)
        #expect(MetricsOptions().previousPeriod == nil)
    }

    @Test func theStoreIsReadBackToThePreviousPeriodsHistory() {
        let options = MetricsOptions(timeZone: Fixture.london, from: Self.london(3, 29), to: Self.london(3, 30),
                                     repeatWindow: .seconds(0), callbackWindow: .seconds(3600))
        let range = options.storedRangeWithPreviousPeriod
        #expect(range.from == Self.london(3, 28))
        #expect(range.to == Timestamp(nanoseconds: Self.london(3, 30).nanoseconds + 3_600_000_000_000))
        // --from alone: the previous period is not known before reading, so the read is open back.
        #expect(MetricsOptions(from: Self.london(3, 29)).storedRangeWithPreviousPeriod.from == nil)
        #expect(MetricsOptions().storedRangeWithPreviousPeriod.from == nil)
    }

    @Test func openEndsCloseOnTheLocalDaysOfTheCalls() {
        // cdr-samples: the first call 2026-03-28 22:41:07 GMT, the last 2026-03-29 09:48:30 BST.
        let calls = [
            Fixture.call("A01", Timestamp(year: 2026, month: 3, day: 28, hour: 22, minute: 41, second: 7), .answered),
            Fixture.call("A13", Timestamp(year: 2026, month: 3, day: 29, hour: 9, minute: 48, second: 30, utcOffsetSeconds: 3600), .answered),
        ]
        let closed = MetricsOptions(timeZone: Fixture.london).closed(around: calls)
        #expect(closed.from == Self.london(3, 28) && closed.to == Self.london(3, 30))
        // Every call of the open range is in the closed one: the same report.
        #expect(MetricsEngine.report(calls: calls, groupBy: nil, options: closed).overall.kpis
                == MetricsEngine.report(calls: calls, groupBy: nil, options: MetricsOptions(timeZone: Fixture.london)).overall.kpis)
        // A given end is kept; no calls leaves the options open.
        let from = Self.london(3, 1)
        #expect(MetricsOptions(timeZone: Fixture.london, from: from).closed(around: calls).from == from)
        #expect(MetricsOptions(timeZone: Fixture.london).closed(around: []).from == nil)
    }
}
