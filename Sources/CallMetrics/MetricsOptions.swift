import CallModel
import Foundation

/// The settings every metric depends on: site time zone, the counted range, thresholds and
/// look-back/look-ahead windows (docs/metrics.md "Options").
///
/// Why one value: the same call set gives different answers under a different short-abandon
/// threshold or time zone, so every entry point takes the whole set of choices explicitly.
/// The defaults are the CLI defaults.
public struct MetricsOptions: Sendable {
    /// Site time zone: hour, day, week and weekday buckets are taken in it, DST-correct.
    public var timeZone: TimeZone
    /// First counted instant (inclusive); calls before it are history only (repeat callers).
    public var from: Timestamp?
    /// End of the counted range (exclusive); calls after it are only looked at to find callbacks.
    public var to: Timestamp?
    /// An abandon with a wait shorter than this is a short abandon (`--short-abandon`, 5 s).
    public var shortAbandon: Duration
    /// Service-level threshold: answered with a wait of at most this (`--sl-threshold`, 20 s).
    public var serviceLevelThreshold: Duration
    /// A caller is repeat when the same number called at most this long before (`--repeat-window`, 30 days).
    public var repeatWindow: Duration
    /// A lost call is returned when called back or answered at most this long after (`--callback-window`, 24 h).
    public var callbackWindow: Duration
    /// An answered call with at least this much talk is qualified (`--qualified-s`, 60 s).
    public var qualifiedTalk: Duration
    /// Blocked-call rate target as a fraction (`--blocked-target`, 5 % = 0.05).
    public var blockedTarget: Double
    /// Campaign rules for attribution (`--by campaign`, `campaignReport`).
    public var campaigns: [Campaign]
    /// Count calls whose direction is unknown (null) as inbound. Off by default: give the CDR
    /// or capture import `--own-numbers` instead.
    public var unknownDirectionIsInbound: Bool

    public init(
        timeZone: TimeZone = TimeZone(secondsFromGMT: 0) ?? .current,
        from: Timestamp? = nil, to: Timestamp? = nil,
        shortAbandon: Duration = .seconds(5),
        serviceLevelThreshold: Duration = .seconds(20),
        repeatWindow: Duration = .seconds(30 * 86_400),
        callbackWindow: Duration = .seconds(86_400),
        qualifiedTalk: Duration = .seconds(60),
        blockedTarget: Double = 0.05,
        campaigns: [Campaign] = [],
        unknownDirectionIsInbound: Bool = false
    ) {
        self.timeZone = timeZone; self.from = from; self.to = to
        self.shortAbandon = shortAbandon; self.serviceLevelThreshold = serviceLevelThreshold
        self.repeatWindow = repeatWindow; self.callbackWindow = callbackWindow
        self.qualifiedTalk = qualifiedTalk; self.blockedTarget = blockedTarget
        self.campaigns = campaigns; self.unknownDirectionIsInbound = unknownDirectionIsInbound
    }

    /// Whether `start` lies in the counted range `[from, to)`.
    @inline(__always)
    public func inRange(_ start: Timestamp) -> Bool {
        if let from, start < from { return false }
        if let to, start >= to { return false }
        return true
    }
}

/// The key a report is grouped by (`report --by`); see docs/metrics.md "Group keys".
public enum GroupBy: String, Sendable, Hashable, CaseIterable, Codable {
    /// Hour of day in the site zone, `00:00` ... `23:00`.
    case hour
    /// Local calendar day, `2024-03-31`.
    case day
    /// Local weekday, `Mon` ... `Sun` (Monday first).
    case weekday
    /// ISO-8601 week (weeks start on Monday), `2024-W13`.
    case week
    /// Campaign name; `(unattributed)` for inbound calls to no campaign number (the word of
    /// `--view campaigns`), `(outbound)` and `(internal)` for the calls no campaign can claim.
    case campaign
    /// Dialled number, normalised.
    case dialed
    case agent
    case queue
    /// The input file the call came from.
    case source
    /// `inbound`, `outbound`, `internal`, or `(none)`.
    case direction
    /// The visit's fields (README "Visit attribution"): `(unattributed)` for calls attributed to
    /// nothing, `(none)` for attributed calls without the field.
    case utmSource = "utm_source", utmMedium = "utm_medium", utmCampaign = "utm_campaign", keyword, landingPage = "landing_page"
    /// `pool`, `static`, or `(unattributed)`.
    case attribution
}

extension Duration {
    /// Whole nanoseconds (attoseconds truncated), saturating.
    public var nanoseconds: Int64 {
        let (s, a) = components
        let (scaled, overflow) = s.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return s < 0 ? .min : .max }
        let (sum, overflow2) = scaled.addingReportingOverflow(a / 1_000_000_000)
        return overflow2 ? (s < 0 ? .min : .max) : sum
    }
}

extension MetricsOptions {
    /// Whether a call counts as inbound: its direction, or no direction with
    /// ``unknownDirectionIsInbound`` (docs/metrics.md "Direction").
    func countsAsInbound(_ direction: CallDirection?) -> Bool {
        direction == .inbound || (direction == nil && unknownDirectionIsInbound)
    }
}
