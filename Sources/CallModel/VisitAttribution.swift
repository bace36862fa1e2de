/// What brought a call: a website visit that held a pool number, a fixed campaign number, or
/// nothing known (README "Visit attribution").
///
/// Why on the call: every output format and the store carry it, so a call keeps its source
/// (`utm_source`, `click_id`...) wherever it goes. Set by `AttributionEngine` (CallMetrics);
/// nil on a call of a run that attributes nothing.
public struct VisitAttribution: Sendable, Hashable, Codable {
    /// How the call was attributed: `attribution` in the records.
    public enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
        /// To a visit that held the dialled pool number at the call's start.
        case pool
        /// To a fixed campaign number (`--campaigns`).
        case `static`
        /// To nothing: no visit held the pool number, or the number belongs to no pool or campaign.
        case none
    }

    public var kind: Kind
    /// The pool the dialled number belongs to (kind `pool`, or `none` for an unattributed pool
    /// call), or the static campaign's name (kind `static`).
    public var owner: String?
    /// `visitor_id`: the visit's visitor (pool calls).
    public var visitorID: String?
    /// `utm_source`: the visit's source; for a static campaign, its channel.
    public var source: String?
    /// `utm_medium`: the visit's medium.
    public var medium: String?
    /// `utm_campaign`: the visit's campaign; for a static campaign, its name.
    public var campaign: String?
    /// `keyword`: the search keyword of the visit.
    public var keyword: String?
    /// `landing_page`: the page the visit landed on.
    public var landingPage: String?
    /// `click_id`: the ad click id (gclid, yclid, fbclid) of the visit.
    public var clickID: String?
    /// `ambiguous`: another visit held the same number at the same moment (the pool was too
    /// small); the later assignment won.
    public var ambiguous: Bool

    public init(kind: Kind, owner: String? = nil, visitorID: String? = nil, source: String? = nil, medium: String? = nil,
                campaign: String? = nil, keyword: String? = nil, landingPage: String? = nil, clickID: String? = nil,
                ambiguous: Bool = false) {
        self.kind = kind; self.owner = owner; self.visitorID = visitorID; self.source = source; self.medium = medium
        self.campaign = campaign; self.keyword = keyword; self.landingPage = landingPage; self.clickID = clickID
        self.ambiguous = ambiguous
    }

    /// No attribution.
    public static let none = VisitAttribution(kind: .none)
}
