import CallModel

/// A marketing campaign: the tracking numbers it owns and what it cost and earns
/// (docs/metrics.md "Campaigns").
///
/// Why: call tracking gives every ad, channel or landing page its own number; attributing
/// calls by the number dialled is what turns call counts into cost per call and ROI.
public struct Campaign: Sendable, Hashable, Codable {
    /// Name shown in reports; should be unique.
    public var name: String
    /// Tracking numbers: exact numbers, or prefixes written with a trailing `*` (`+4420794601*`).
    /// Compared after `PhoneNumber.normalize`.
    public var numbers: [String]
    /// Channel or source of the campaign (`google-ads`, `radio`, ...).
    public var channel: String?
    /// Cost for the reported period, in the site's currency.
    public var cost: Double?
    /// Revenue credited for each qualified call.
    public var revenuePerQualified: Double?

    public init(name: String, numbers: [String], channel: String? = nil, cost: Double? = nil, revenuePerQualified: Double? = nil) {
        self.name = name; self.numbers = numbers; self.channel = channel
        self.cost = cost; self.revenuePerQualified = revenuePerQualified
    }
}

/// Attributes calls to campaigns by number (docs/metrics.md "Campaign attribution").
///
/// The number tried first is `diverted_from` (the number the caller originally dialled, when
/// the PBX or carrier rewrote the destination), then `dialed`. For one number an exact rule
/// wins over a prefix rule, a longer prefix over a shorter one, and an earlier rule over a later
/// one on a tie.
public struct CampaignAttribution: Sendable {
    public let campaigns: [Campaign]
    private var exact: [String: Int] = [:]
    /// (prefix, campaign index), longest prefix first, then rule order.
    private var prefixes: [(prefix: String, index: Int)] = []

    public init(_ campaigns: [Campaign]) {
        self.campaigns = campaigns
        var prefixes: [(String, Int)] = []
        for (index, campaign) in campaigns.enumerated() {
            for pattern in campaign.numbers {
                if pattern.hasSuffix("*") {
                    let prefix = PhoneNumber.normalize(String(pattern.dropLast()))
                    prefixes.append((prefix, index))
                } else {
                    let number = PhoneNumber.normalize(pattern)
                    if exact[number] == nil { exact[number] = index }
                }
            }
        }
        self.prefixes = prefixes.enumerated()
            .sorted { a, b in
                a.element.0.count != b.element.0.count ? a.element.0.count > b.element.0.count : a.offset < b.offset
            }
            .map { (prefix: $0.element.0, index: $0.element.1) }
    }

    /// Index into `campaigns` of the rule matching `number` (raw or normalised), nil when none does.
    public func campaignIndex(number: String?) -> Int? {
        guard let number, !number.isEmpty else { return nil }
        let key = NumberKey.normalized(number) ?? PhoneNumber.normalize(number)
        if let index = exact[key] { return index }
        for rule in prefixes where key.hasPrefix(rule.prefix) { return rule.index }
        return nil
    }

    /// Index into `campaigns` of the call's campaign: by `divertedFrom`, else by `dialed`.
    public func campaignIndex(of call: Call) -> Int? {
        campaignIndex(number: call.divertedFrom) ?? campaignIndex(number: call.dialed)
    }

    /// The call's campaign, nil when unattributed.
    public func campaign(of call: Call) -> Campaign? {
        campaignIndex(of: call).map { campaigns[$0] }
    }
}
