import CallMetrics
import CallModel
import Testing

/// The attribution rules of README "Visit attribution", one edge case at a time: a call exactly
/// at the assignment, at and after the release, at and after the TTL, in an overlap, a number in
/// a pool and a static campaign, repeat callers under both touches, and pool exhaustion.
@Suite struct AttributionEngineTests {
    static let t0 = Timestamp(seconds: 1_781_085_600)  // 2026-06-10T10:00:00Z
    static let pool = NumberPool(name: "website", numbers: ["+442079460500", "+442079460501"], ttl: .seconds(1800))

    static func at(_ seconds: Int64) -> Timestamp { Timestamp(nanoseconds: t0.nanoseconds + seconds * 1_000_000_000) }

    static func visit(_ visitor: String, _ number: String = "+442079460500", at start: Int64, released: Int64? = nil,
                      activity: Int64? = nil, source: String = "google") -> VisitAssignment {
        VisitAssignment(number: number, visitorID: visitor, assignedAt: at(start), releasedAt: released.map(at),
                        lastActivityAt: activity.map(at), source: source, clickID: "click-" + visitor)
    }

    static func call(_ seconds: Int64, to number: String = "+442079460500", from caller: String = "+447700900123",
                     direction: CallDirection? = .inbound, nanoseconds: Int64 = 0) -> Call {
        Call(callID: "c\(seconds)-\(caller)", source: "t", start: Timestamp(nanoseconds: at(seconds).nanoseconds + nanoseconds),
             caller: caller, dialed: number, direction: direction)
    }

    static func engine(_ visits: [VisitAssignment], campaigns: [Campaign] = []) throws -> AttributionEngine {
        try AttributionEngine(pools: [pool], campaigns: campaigns, visits: visits)
    }

    @Test func aCallExactlyAtTheAssignmentBelongsToIt() throws {
        let engine = try Self.engine([Self.visit("a", at: 0), Self.visit("b", at: 100, released: 200)])
        #expect(engine.attribution(of: Self.call(0)).visitorID == "a")
        #expect(engine.attribution(of: Self.call(100)).visitorID == "b")
        #expect(engine.attribution(of: Self.call(0, nanoseconds: -1)) == VisitAttribution(kind: .none, owner: "website"))
    }

    @Test func aReleasedNumberHoldsUntilTheReleaseInclusive() throws {
        let engine = try Self.engine([Self.visit("a", at: 0, released: 60)])
        #expect(engine.attribution(of: Self.call(60)).visitorID == "a")
        let after = engine.attribution(of: Self.call(60, nanoseconds: 1))
        #expect(after.kind == .none && after.owner == "website")
    }

    @Test func withoutReleaseTheTTLRunsFromTheLastActivity() throws {
        let engine = try Self.engine([Self.visit("a", at: 0), Self.visit("b", "+442079460501", at: 0, activity: 600)])
        #expect(engine.attribution(of: Self.call(1800)).visitorID == "a")
        #expect(engine.attribution(of: Self.call(1801)).kind == .none)
        #expect(engine.attribution(of: Self.call(2400, to: "+442079460501")).visitorID == "b")
        #expect(engine.attribution(of: Self.call(2401, to: "+442079460501")).kind == .none)
    }

    @Test func overlappingAssignmentsTheLaterWinsAndTheCallIsAmbiguous() throws {
        let engine = try Self.engine([Self.visit("a", at: 0, released: 1000), Self.visit("b", at: 300, released: 500)])
        let overlap = engine.attribution(of: Self.call(400))
        #expect(overlap.visitorID == "b" && overlap.ambiguous)
        // Once b gave the number back, a still holds it alone.
        let after = engine.attribution(of: Self.call(600))
        #expect(after.visitorID == "a" && !after.ambiguous)
        let before = engine.attribution(of: Self.call(200))
        #expect(before.visitorID == "a" && !before.ambiguous)
    }

    @Test func aNumberInAPoolAndAStaticCampaignIsAnError() throws {
        let radio = Campaign(name: "Radio", numbers: ["+44207946050*"])
        #expect(throws: AttributionError.self) { try Self.engine([], campaigns: [radio]) }
        let exact = Campaign(name: "Print", numbers: ["+44 20 7946 0501"])
        #expect(throws: AttributionError.self) { try Self.engine([], campaigns: [exact]) }
        #expect(throws: AttributionError.self) {
            try AttributionEngine(pools: [Self.pool, NumberPool(name: "app", numbers: ["+442079460501"])], campaigns: [], visits: [])
        }
        // A visit's number outside every pool and matching a campaign is the same contradiction.
        #expect(throws: AttributionError.self) {
            try AttributionEngine(pools: [], campaigns: [Campaign(name: "Radio", numbers: ["+442079460900"])],
                                  visits: [Self.visit("a", "+442079460900", at: 0)])
        }
    }

    @Test func staticNumbersPoolsAndOutboundCallsEachGetOneAttribution() throws {
        let radio = Campaign(name: "Radio", numbers: ["+442079460900"], channel: "radio")
        let engine = try Self.engine([Self.visit("a", at: 0)], campaigns: [radio])
        #expect(engine.attribution(of: Self.call(10, to: "+442079460900"))
                == VisitAttribution(kind: .static, owner: "Radio", source: "radio", campaign: "Radio"))
        #expect(engine.attribution(of: Self.call(10, to: "+442079460999")) == .none)
        #expect(engine.attribution(of: Self.call(10, direction: .outbound)) == .none)
        let pool = engine.attribution(of: Self.call(10))
        #expect(pool.kind == .pool && pool.owner == "website" && pool.source == "google" && pool.clickID == "click-a")
    }

    @Test func repeatCallersKeepTheirFirstTouchOrTakeTheirOwn() throws {
        // a calls on its number; later b holds it and a calls back on it: first touch keeps a.
        let engine = try Self.engine([Self.visit("a", at: 0, released: 100), Self.visit("b", at: 3000, released: 4000, source: "facebook")])
        let calls = [Self.call(50), Self.call(3500), Self.call(3600, from: "+447700900999")]
        let first = engine.attribute(calls, touch: .first, repeatWindow: .seconds(86_400))
        #expect(first.map { $0.attribution?.visitorID } == ["a", "a", "b"])
        let last = engine.attribute(calls, touch: .last, repeatWindow: .seconds(86_400))
        #expect(last.map { $0.attribution?.visitorID } == ["a", "b", "b"])
        // Outside the repeat window the call is a first touch of its own.
        let short = engine.attribute(calls, touch: .first, repeatWindow: .seconds(60))
        #expect(short.map { $0.attribution?.visitorID } == ["a", "b", "b"])
    }

    @Test func exhaustionIsWhenEveryNumberIsHeld() throws {
        let engine = try Self.engine([
            Self.visit("a", at: 0, released: 100), Self.visit("b", "+442079460501", at: 50, released: 150),
            Self.visit("c", at: 60, released: 120),
        ])
        let exhaustion = try #require(engine.exhaustion().first)
        #expect(exhaustion.size == 2)
        #expect(exhaustion.intervals.map(\.from) == [Self.at(50)])
        #expect(exhaustion.intervals.map(\.to) == [Self.at(120)])  // a and c gave 0500 back at 120
        #expect(exhaustion.peakConcurrent == 3 && exhaustion.peakAt == Self.at(60))
        #expect(exhaustion.sizeToAvoid == 4)
    }
}
