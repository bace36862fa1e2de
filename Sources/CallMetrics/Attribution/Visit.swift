import CallModel

/// A pool of tracking numbers that a website hands out to its visitors, one number per visit
/// (dynamic number insertion; README "Visit attribution").
///
/// Why declared: a call to a pool number that no visit holds is an unattributed pool call,
/// never silently credited to a fixed campaign; and the pool's size is what exhaustion is
/// measured against.
public struct NumberPool: Sendable, Hashable {
    /// Name shown in reports (`website`).
    public var name: String
    /// The pool's numbers, exact (no prefixes: each is handed to one visitor at a time).
    public var numbers: [String]
    /// How long a visit holds its number after its last activity when the visit gives no
    /// `released_at` (30 minutes by default, as the DNI scripts keep a number for a session).
    public var ttl: Duration

    /// 30 minutes.
    public static let defaultTTL: Duration = .seconds(1800)

    public init(name: String, numbers: [String], ttl: Duration = NumberPool.defaultTTL) {
        self.name = name; self.numbers = numbers; self.ttl = ttl
    }
}

/// One assignment of a pool number to a website visit: a row of a `--visits` file.
///
/// `assignedAt` is when the page showed the number; `releasedAt`, when the script gave it back
/// (nil: the pool's TTL after `lastActivityAt`, else after `assignedAt`). The visit's marketing
/// fields are what a call to the number inherits.
public struct VisitAssignment: Sendable, Hashable {
    public var number: String
    public var visitorID: String
    public var assignedAt: Timestamp
    public var releasedAt: Timestamp?
    /// The visitor's last activity (page view, scroll) seen by the script, if the file gives it.
    public var lastActivityAt: Timestamp?
    public var source: String?
    public var medium: String?
    public var campaign: String?
    public var keyword: String?
    public var landingPage: String?
    public var clickID: String?
    /// Where the row was read (`file:line` in diagnostics).
    public var file: String?
    public var line: Int?

    public init(number: String, visitorID: String, assignedAt: Timestamp, releasedAt: Timestamp? = nil, lastActivityAt: Timestamp? = nil,
                source: String? = nil, medium: String? = nil, campaign: String? = nil, keyword: String? = nil,
                landingPage: String? = nil, clickID: String? = nil, file: String? = nil, line: Int? = nil) {
        self.number = number; self.visitorID = visitorID; self.assignedAt = assignedAt; self.releasedAt = releasedAt
        self.lastActivityAt = lastActivityAt; self.source = source; self.medium = medium; self.campaign = campaign
        self.keyword = keyword; self.landingPage = landingPage; self.clickID = clickID; self.file = file; self.line = line
    }

    /// The last instant the visit holds its number: `releasedAt` when given, else the TTL after
    /// the later of `lastActivityAt` and `assignedAt` (saturating).
    public func end(ttl: Duration) -> Timestamp {
        if let releasedAt { return releasedAt }
        let base = max(assignedAt, lastActivityAt ?? assignedAt)
        let (sum, overflow) = base.nanoseconds.addingReportingOverflow(ttl.nanoseconds)
        return Timestamp(nanoseconds: overflow ? .max : sum)
    }

    /// The fields a call attributed to this visit carries.
    func attribution(pool: String, ambiguous: Bool) -> VisitAttribution {
        VisitAttribution(kind: .pool, owner: pool, visitorID: visitorID, source: source, medium: medium, campaign: campaign,
                         keyword: keyword, landingPage: landingPage, clickID: clickID, ambiguous: ambiguous)
    }
}

/// Spend of one day for one `source, medium, campaign` (`--costs FILE`); a nil field matches
/// every value (the spend of all Google Ads campaigns: source `google`, the others empty).
public struct CostEntry: Sendable, Hashable {
    /// Local midnight of the day the spend is for, in the site zone.
    public var day: Timestamp
    public var source: String?
    public var medium: String?
    public var campaign: String?
    public var amount: Double

    public init(day: Timestamp, source: String?, medium: String?, campaign: String?, amount: Double) {
        self.day = day; self.source = source; self.medium = medium; self.campaign = campaign; self.amount = amount
    }
}

/// Which visit a repeat caller's later calls are credited to (`--touch`).
public enum RepeatTouch: String, Sendable, Hashable, CaseIterable {
    /// The caller's first attributed call within the repeat window gives every later call its attribution.
    case first
    /// Each call keeps its own attribution.
    case last
}

/// The attribution configuration is contradictory (a number both in a pool and a static campaign).
public struct AttributionError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}
